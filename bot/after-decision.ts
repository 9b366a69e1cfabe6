import { CardFactory } from 'botbuilder';
import { feedbackCard } from '../cards/feedback-cards.js';
import { date } from '../cards/labels.js';
import { anonymise, type CaseRecord } from '../review/case.js';
import { currentDecision, outcomeName, type DecisionRecord } from '../review/decision.js';
import { localDateOf } from '../review/local-date.js';
import { sendingInstant } from '../review/reminders.js';
import type { Notification } from '../review/store.js';
import { replyInCaseThread } from './channel-card.js';
import type { PanelDeps } from './deps.js';
import { scheduleHoldEnd } from './reminders.js';
import { sendToPerson } from './personal-chats.js';
import type { Origin } from './send-requests.js';

/** The referrer's feedback on one decision: claimed once, so it is sent once. */
export const feedbackKey = (reference: string, decision: number) => `feedback:${reference}:${decision}`;

/**
 * Everything a recorded decision sets going: the referrer is told; the business unit's
 * card and the decision card show it; a hold with a date ends by itself; a review's
 * due date gets its reminders.
 */
export async function afterDecision(deps: PanelDeps, record: CaseRecord, decision: DecisionRecord, origin: Origin): Promise<void> {
  await deps.channelCards.refreshDecision(deps, record.reference);
  await deps.channelCards.refresh(deps, record.reference);
  if (decision.outcome === 'onHold') await scheduleHoldEnd(deps, record);
  await planReviewReminders(deps, record);
  const key = feedbackKey(record.reference, decision.number);
  const payload = { decision: String(decision.number), serviceUrl: origin.serviceUrl, ...(origin.tenantId && { tenantId: origin.tenantId }) };
  const claimed = await deps.review.store.claimNotification({ key, caseId: record.reference, kind: 'feedback', at: deps.review.now().toISOString(), payload });
  if (claimed) await sendClaimedFeedback(deps, key, record.reference, payload);
}

/**
 * Sends the referrer the decision, one to one: held by this instance (claimed, or taken
 * over by the outbox sweep). If Panel cannot reach them, the business unit is told in the
 * case's thread, so that someone tells them another way.
 */
export async function sendClaimedFeedback(deps: PanelDeps, key: string, reference: string, payload: Record<string, string> | undefined): Promise<void> {
  const { store, now } = deps.review;
  const record = await store.getCase(reference);
  const decision = record?.panel?.decisions.find((d) => String(d.number) === payload?.decision);
  if (!record || !decision || !payload?.serviceUrl) {
    await store.completeNotification(
      key,
      { status: 'skipped', error: 'the decision is not stored' },
      { caseId: reference, at: now().toISOString(), actor: 'panel', action: 'decision.feedbackFailed', detail: 'no decision' },
    );
    return;
  }
  const delivery = await sendToPerson(
    deps,
    { aadObjectId: record.referrerAadObjectId, serviceUrl: payload.serviceUrl, ...(payload.tenantId && { tenantId: payload.tenantId }) },
    { attachments: [CardFactory.adaptiveCard(feedbackCard(anonymise(record), decision))], summary: `Panel decision on ${reference}` },
  );
  const at = now().toISOString();
  if (delivery.status === 'sent') {
    await store.completeNotification(
      key,
      { status: 'sent', ...(delivery.activityId && { activityId: delivery.activityId }) },
      { caseId: reference, at, actor: 'panel', action: 'decision.feedbackSent', detail: `decision=${decision.number}` },
    );
    return;
  }
  deps.log.warn({ reference, reason: delivery.reason }, 'decision not delivered to the referrer');
  const recorded = await store.completeNotification(
    key,
    { status: 'failed', error: delivery.reason },
    { caseId: reference, at, actor: 'panel', action: 'decision.feedbackFailed', detail: `decision=${decision.number} reason=${delivery.reason}` },
  );
  // Already done by whoever took it over: theirs is the outcome, and the message.
  if (!recorded) return;
  await replyInCaseThread(
    deps,
    reference,
    `${reference}: Panel could not tell the referrer of the panel's decision: ${delivery.reason}. Please tell them another way.`,
  );
}

/** The reminders of a review's due date: some working days before, and on the day. */
export async function planReviewReminders(deps: PanelDeps, record: CaseRecord): Promise<void> {
  const decision = currentDecision(record);
  const dueOn = record.clocks.reviewDue;
  if (!decision || !dueOn) return;
  const { partnership, calendar, store, now } = deps.review;
  const today = localDateOf(now(), partnership.timezone);
  for (const before of [...partnership.reminders.reviewBeforeDueWorkingDays, 0]) {
    const on = calendar.addWorkingDays(dueOn, -before);
    if (on < today) continue;
    await store.scheduleNotification({
      key: `review-reminder:${record.reference}:${decision.number}:${dueOn}:${before}`,
      caseId: record.reference,
      kind: 'reviewReminder',
      dueAt: sendingInstant(on, partnership.reminders, partnership.timezone),
      payload: { decision: String(decision.number), dueOn },
    });
  }
}

/**
 * A review's reminder has come: said in the case's thread in the business unit's
 * channel, by reference, unless the decision was superseded, the case is on hold or
 * closed, or its due date moved (a hold), when a newer reminder stands in for it.
 */
export async function sendReviewReminder(deps: PanelDeps, notification: Notification): Promise<void> {
  const { store, now } = deps.review;
  const record = await store.getCase(notification.caseId);
  const decision = record && currentDecision(record);
  const dueOn = record?.clocks.reviewDue;
  const wanted =
    record && decision && dueOn && !record.hold && !record.closedAt && String(decision.number) === notification.payload?.decision && dueOn === notification.payload.dueOn;
  const at = now().toISOString();
  if (!wanted) {
    await store.completeNotification(
      notification.key,
      { status: 'skipped', error: 'no longer needed' },
      { caseId: notification.caseId, at, actor: 'panel', action: 'reminder.skipped', detail: 'review' },
    );
    return;
  }
  const today = localDateOf(now(), deps.review.partnership.timezone);
  const when = dueOn === today ? 'today' : `on ${date(dueOn)}`;
  const posted = await replyInCaseThread(
    deps,
    record.reference,
    `${record.reference} (${record.descriptor}): the ${outcomeName(record.kind, decision.outcome).toLowerCase()} the panel decided is due ${when}.`,
  );
  await store.completeNotification(
    notification.key,
    posted ? { status: 'sent' } : { status: 'failed', error: "the case has no card in the business unit's channel" },
    { caseId: record.reference, at, actor: 'panel', action: 'reminder.sent', detail: 'review' },
  );
}
