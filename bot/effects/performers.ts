import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { ReviewDeps } from '../../review/deps.js';
import { release } from '../../review/hold-actions.js';
import { mayRemindAt } from '../../review/reminders.js';
import { EffectRunner, type EffectLog } from '../../review/run-effects.js';
import type { EffectKind } from '../../review/effects.js';
import type { DigestPerformer, Performer } from '../../review/run-effects.js';
import type { PanelDeps } from '../deps.js';
import { effectOutcome } from '../observability.js';
import {
  caseCard,
  channelPost,
  reviewCard,
  reviewPost,
  dutyReminder,
  escalation,
  reviewReminder,
  threadNotice,
  stepReminder,
} from './channel.js';
import { approvalRequest, decisionCard, decisionPost, feedback, reportReminder, sentBackNotice } from './decision.js';
import { leadRequest, reminderDigest } from './requests.js';
import { actionOverdue, actionReminder, meetingInvite, reportRequest } from './review.js';
import { safetyAlert, safetyDetails } from './safety.js';

/** A hold's end date has come: the case comes off hold, if it is still that hold. */
const holdEnd = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const since = effect.payload?.since;
    const released = release(deps.review, record, since);
    if (!released)
      return { status: 'skipped', error: 'the hold had already ended', audit: [{ action: 'case.holdEnded', detail: 'already ended' }] };
    return {
      status: 'sent',
      audit: [{ action: 'case.offHold', detail: `workingDays=${released.heldWorkingDays}` }, { action: 'case.holdEnded' }],
      change: (r) => release(deps.review, r, since)?.record ?? r,
    };
  },
  failed: (_effect, record, error) => ({
    audit: [{ action: 'case.holdEnded', detail: `failed ${error}` }],
    notice: `${record.reference}: Panel could not take the case off hold on its date: ${error}. Press Take off hold on its card.`,
  }),
});

/** A closed case's retention told to the store: a TTL on each of its items (Cosmos DB); setting it twice is harmless. */
const retention = (deps: PanelDeps): Performer => ({
  async perform(_effect, record) {
    if (!record.expiresAt) return { status: 'skipped', error: 'the case is not closed' };
    await deps.review.store.setExpiry(record.reference, record.expiresAt);
    return { status: 'sent' };
  },
  failed: (_effect, record, error) => ({
    audit: [{ action: 'case.retentionFailed', detail: error }],
    notice: `${record.reference}: Panel could not set this closed case's retention: ${error}. Tell the administrator.`,
  }),
});

/**
 * How each kind of effect is done, for the runner. `deps` is read when an effect is done,
 * as the runner is itself part of the deps the performers use.
 */
export function createPerformers(deps: () => PanelDeps): {
  performers: Record<Exclude<EffectKind, 'reminder'>, Performer>;
  digest: DigestPerformer;
} {
  const lazy = (make: (d: PanelDeps) => Performer): Performer => ({
    perform: (effect, record) => make(deps()).perform(effect, record),
    failed: (effect, record, error) => make(deps()).failed(effect, record, error),
  });
  return {
    performers: {
      channelPost: lazy(channelPost),
      caseCard: lazy(caseCard),
      threadNotice: lazy(threadNotice),
      escalation: lazy(escalation),
      reviewReminder: lazy(reviewReminder),
      leadRequest: lazy(leadRequest),
      feedback: lazy(feedback),
      decisionPost: lazy(decisionPost),
      decisionCard: lazy(decisionCard),
      holdEnd: lazy(holdEnd),
      retention: lazy(retention),
      dutyReminder: lazy(dutyReminder),
      safetyAlert: lazy(safetyAlert),
      safetyDetails: lazy(safetyDetails),
      approvalRequest: lazy(approvalRequest),
      sentBackNotice: lazy(sentBackNotice),
      reportReminder: lazy(reportReminder),
      stepReminder: lazy(stepReminder),
      reportRequest: lazy(reportRequest),
      meetingInvite: lazy(meetingInvite),
      reviewPost: lazy(reviewPost),
      reviewCard: lazy(reviewCard),
      actionReminder: lazy(actionReminder),
      actionOverdue: lazy(actionOverdue),
    },
    digest: {
      send: (person, items) => reminderDigest(deps()).send(person, items),
      failed: (effect, record, error) => reminderDigest(deps()).failed(effect, record, error),
    },
  };
}

/** The runner of this process: its performers, and its name in lease holders (host, process, and a random part). */
export function createEffectRunner(deps: () => PanelDeps, review: ReviewDeps, log: EffectLog): EffectRunner {
  const { store, now, partnership, calendar } = review;
  return new EffectRunner({
    store,
    now,
    log,
    ...createPerformers(deps),
    mayRemindAt: (at) => mayRemindAt(at, partnership.reminders, partnership.timezone, calendar),
    observe: effectOutcome,
    instance: `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
  });
}
