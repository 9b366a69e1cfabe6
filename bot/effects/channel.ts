import { STEPS } from '../../review/plan.js';
/**
 * Effects said in the business unit's channel: a new case's card, its updates, and what
 * is said in its thread (notices, escalations, a review's reminders). By reference,
 * descriptor and agency only, never about the person.
 */
import { CardFactory } from 'botbuilder';
import { outcomeName, currentDecision } from '../../review/decision.js';
import { dueWords, date } from '../../cards/labels.js';
import { CHANNEL_POST, effectOf, effectsOf, owe, REVIEW_POST, type Effect } from '../../review/effects.js';
import { anonymise } from '../../review/case.js';
import { reviewThreadCard } from '../../cards/review-cards.js';
import { DUTIES, DUTY_KINDS, nextOverdueOwed } from '../../review/duties.js';
import { localDateOf } from '../../review/local-date.js';
import { stillWanted } from '../../review/owed.js';
import { EffectFailure, type Performer } from '../../review/run-effects.js';
import type { CaseRecord } from '../../review/case.js';
import { caseCardOf, postInCaseThread, replyInCaseThread, updateCaseCard, updateInCaseThread } from '../channel-card.js';
import type { PanelDeps } from '../deps.js';

const NO_THREAD = "the case has no card in the business unit's channel";
const today = (deps: PanelDeps) => localDateOf(deps.review.now(), deps.review.partnership.timezone);
const agencyName = (deps: PanelDeps, id: string | undefined) => deps.review.partnership.agencies.find((a) => a.id === id)?.name ?? id ?? '';

/** A new case's anonymised card, a new thread in the business unit's channel. */
export const channelPost = (deps: PanelDeps): Performer => ({
  async perform(_effect, record) {
    const channel = await deps.review.store.getSetting('referralChannel');
    if (!channel) throw new EffectFailure('no referral channel has been chosen', false);
    const thread = await deps.sender.startThread(channel, {
      type: 'message',
      attachments: [CardFactory.adaptiveCard(caseCardOf(deps, record))],
    });
    return { status: 'sent', ...thread, audit: [{ action: 'channel.posted' }] };
  },
  failed: (_effect, _record, error) => ({ audit: [{ action: 'channel.post.failed', detail: error }] }),
});

/** The case's card brought up to date, after its post; doing it twice is harmless. */
export const caseCard = (deps: PanelDeps): Performer => ({
  async perform(_effect, record) {
    const post = effectOf(record, CHANNEL_POST);
    // Its post is still to come (or under way): it will show the case as it is then.
    if (post?.status === 'pending') return { status: 'later', until: post.lease?.until ?? post.dueAt };
    if (!(await updateCaseCard(deps, record))) return { status: 'skipped', error: 'the case has no card to update' };
    return { status: 'sent' };
  },
  failed: (_effect, record, error) => ({
    audit: [{ action: 'card.updateFailed', detail: `card=case ${error}` }],
    notice: `${record.reference}: Panel could not bring this case's card up to date: ${error}. Its details are current in Panel (status ${record.reference}).`,
  }),
});

/** Something the business unit must hear of, in the case's thread. */
export const threadNotice = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    if (!(await replyInCaseThread(deps, record, effect.payload?.text ?? ''))) throw new EffectFailure(NO_THREAD, false);
    return { status: 'sent', audit: [{ action: 'case.noticePosted', detail: effect.key }] };
  },
  // Nowhere else to say it: logged and audited, by key.
  failed: (effect, _record, error) => ({ audit: [{ action: 'case.noticeFailed', detail: `${effect.key} ${error}` }] }),
});

/** A return overdue: the business unit hears of it in the case's thread, unless it came meanwhile. */
export const escalation = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const agencyId = effect.payload?.agencyId;
    if (!stillWanted(record, effect))
      return { status: 'skipped', error: 'no longer needed', audit: [{ action: 'reminder.skipped', detail: `agency=${agencyId}` }] };
    const text = `${record.reference}: ${agencyName(deps, agencyId)}'s return is ${dueWords(record.rapidReview!.dueOn, today(deps), deps.review.calendar)}. Panel has reminded its leads each working day.`;
    if (!(await replyInCaseThread(deps, record, text))) throw new EffectFailure(NO_THREAD, false);
    return { status: 'sent', audit: [{ action: 'reminder.escalated', detail: `agency=${agencyId}` }] };
  },
  failed: (effect, _record, error) => ({
    audit: [{ action: 'reminder.failed', detail: `escalation agency=${effect.payload?.agencyId} reason=${error}` }],
  }),
});

/** Whether a review's reminder still stands: the same decision, due date unmoved, not held or closed. */
function reviewStillDue(record: CaseRecord, effect: Effect): boolean {
  const decision = currentDecision(record);
  return Boolean(
    decision &&
    !record.hold &&
    !record.closedAt &&
    String(decision.number) === effect.payload?.decision &&
    record.clocks.reviewDue === effect.payload.dueOn,
  );
}

/** A review's due date, said in the case's thread. */
export const reviewReminder = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    if (!reviewStillDue(record, effect))
      return { status: 'skipped', error: 'no longer needed', audit: [{ action: 'reminder.skipped', detail: 'review' }] };
    const decision = currentDecision(record)!;
    const dueOn = record.clocks.reviewDue!;
    const when = dueOn === today(deps) ? 'today' : `on ${date(dueOn)}`;
    const text = `${record.reference} (${record.descriptor}): the ${outcomeName(record.kind, decision.outcome).toLowerCase()} the panel decided is due ${when}.`;
    if (!(await replyInCaseThread(deps, record, text))) throw new EffectFailure(NO_THREAD, false);
    return { status: 'sent', audit: [{ action: 'reminder.sent', detail: 'review' }] };
  },
  failed: (_effect, _record, error) => ({ audit: [{ action: 'reminder.failed', detail: `review reason=${error}` }] }),
});

/** A step of the review's plan due, said in the case's thread, unless it is done or its date moved. */
export const stepReminder = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const p = effect.payload ?? {};
    const step = record.plan?.steps.find((s) => s.kind === p.step);
    if (!step || step.doneOn || step.dueOn !== p.dueOn || record.closedAt) {
      return { status: 'skipped', error: 'no longer needed', audit: [{ action: 'reminder.skipped', detail: `step=${p.step}` }] };
    }
    const when = step.dueOn === today(deps) ? 'today' : `on ${date(step.dueOn)}`;
    const text = `${record.reference} (${record.descriptor}): the review plan's step "${STEPS[step.kind].name}" is due ${when}.`;
    if (!(await replyInCaseThread(deps, record, text))) throw new EffectFailure(NO_THREAD, false);
    return { status: 'sent', audit: [{ action: 'reminder.sent', detail: `step=${step.kind}` }] };
  },
  failed: (effect, _record, error) => ({ audit: [{ action: 'reminder.failed', detail: `step=${effect.payload?.step} reason=${error}` }] }),
});

/** A statutory duty due or overdue, said in the case's thread until someone records it as done. */
export const dutyReminder = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const kind = DUTY_KINDS.find((k) => k === effect.payload?.duty);
    const dueOn = kind && record.clocks[DUTIES[kind].clock];
    if (!kind || !dueOn || record.duties?.[kind]) {
      return {
        status: 'skipped',
        error: 'recorded as done',
        audit: [{ action: 'reminder.skipped', detail: `duty=${effect.payload?.duty}` }],
      };
    }
    // Several due at once (Panel was down, or no sweep ran in working hours): the latest speaks for them.
    const now = deps.review.now().toISOString();
    const later = effectsOf(record).some(
      (e) =>
        e.kind === 'dutyReminder' &&
        e.status === 'pending' &&
        e.payload?.duty === kind &&
        (e.payload.on ?? '') > (effect.payload?.on ?? '') &&
        e.dueAt <= now,
    );
    if (later) return { status: 'skipped', error: 'a later reminder stands for it' };
    const day = today(deps);
    const text =
      `${record.reference}: the ${DUTIES[kind].name.toLowerCase()} (a statutory duty) is ${dueWords(dueOn, day, deps.review.calendar)}. ` +
      "When it is done, press Record statutory duty on the case's card.";
    if (!(await replyInCaseThread(deps, record, text))) throw new EffectFailure(NO_THREAD, false);
    const plan = { ...deps.review.partnership, calendar: deps.review.calendar };
    // Overdue: said again the next working day, until it is recorded.
    const again = effect.payload?.when === 'overdue' || day > dueOn;
    return {
      status: 'sent',
      audit: [{ action: 'reminder.sent', detail: `duty=${kind}${day > dueOn ? ' overdue=yes' : ''}` }],
      ...(again && { change: (r: CaseRecord) => owe(r, nextOverdueOwed(kind, day, plan)) }),
    };
  },
  failed: (effect, _record, error) => ({ audit: [{ action: 'reminder.failed', detail: `duty=${effect.payload?.duty} reason=${error}` }] }),
});

/** The review's card, a reply in the case's thread; after the case's own card, which it answers. */
export const reviewPost = (deps: PanelDeps): Performer => ({
  async perform(_effect, record) {
    const post = effectOf(record, CHANNEL_POST);
    if (post?.status === 'pending') return { status: 'later', until: post.lease?.until ?? post.dueAt };
    if (!record.plan) return { status: 'skipped', error: 'the case has no review' };
    const at = await postInCaseThread(deps, record, reviewThreadCard(anonymise(record), today(deps)));
    if (!at) throw new EffectFailure(NO_THREAD, false);
    return { status: 'sent', ...at, audit: [{ action: 'channel.posted', detail: 'card=review' }] };
  },
  failed: (_effect, _record, error) => ({ audit: [{ action: 'channel.post.failed', detail: `card=review ${error}` }] }),
});

/** The review's card brought up to date in place; doing it twice is harmless. */
export const reviewCard = (deps: PanelDeps): Performer => ({
  async perform(_effect, record) {
    const post = effectOf(record, REVIEW_POST);
    if (post?.status === 'pending') return { status: 'later', until: post.lease?.until ?? post.dueAt };
    if (post?.status !== 'sent' || !post.activityId || !post.conversationId)
      return { status: 'skipped', error: 'the review has no card to update' };
    const card = reviewThreadCard(anonymise(record), today(deps));
    if (!(await updateInCaseThread(deps, record, { activityId: post.activityId, conversationId: post.conversationId }, card)))
      return { status: 'skipped', error: 'the review has no card to update' };
    return { status: 'sent' };
  },
  failed: (_effect, record, error) => ({
    audit: [{ action: 'card.updateFailed', detail: `card=review ${error}` }],
    notice: `${record.reference}: Panel could not bring the review's card up to date: ${error}. The review plan is current in Panel.`,
  }),
});
