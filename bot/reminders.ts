import type { CaseRecord } from '../review/case.js';
import { localDateOf, type LocalDate } from '../review/local-date.js';
import { requestFor } from '../review/rapid-review.js';
import { escalationDay, nextReminder, sendingInstant } from '../review/reminders.js';
import { chatKey, type Notification } from '../review/store.js';
import { dueWords } from '../cards/labels.js';
import { replyInCaseThread } from './channel-card.js';
import type { PanelDeps } from './deps.js';
import { sendToPerson } from './personal-chats.js';

/**
 * Reminders as stored intents in the outbox: one next reminder per addressee of an open
 * request, and one escalation per request, each with the due date it was planned for.
 * The sweep (scheduler/outbox.ts) sends what has come due, in working hours only.
 */

const today = (deps: PanelDeps): LocalDate => localDateOf(deps.review.now(), deps.review.partnership.timezone);
const agencyName = (deps: PanelDeps, id: string) => deps.review.partnership.agencies.find((a) => a.id === id)?.name ?? id;

/** Plans the next reminder to one addressee after `after`, and the request's escalation. */
export async function planReminders(
  deps: PanelDeps,
  record: CaseRecord,
  target: { agencyId: string; aadObjectId: string; serviceUrl: string; tenantId?: string },
  after: LocalDate,
): Promise<void> {
  const review = record.rapidReview;
  if (!review || review.closed) return;
  const { partnership, calendar, store } = deps.review;
  const plan = partnership.reminders;
  const payload = {
    agencyId: target.agencyId,
    aadObjectId: target.aadObjectId,
    dueOn: review.dueOn,
    serviceUrl: target.serviceUrl,
    ...(target.tenantId && { tenantId: target.tenantId }),
  };
  const next = nextReminder(review.dueOn, after, plan, calendar);
  if (next) {
    await store.scheduleNotification({
      key: `reminder:${record.reference}:${target.agencyId}:${target.aadObjectId.toLowerCase()}:${next.on}`,
      caseId: record.reference,
      kind: 'reminder',
      dueAt: sendingInstant(next.on, plan, partnership.timezone),
      payload: { ...payload, on: next.on },
    });
  }
  const escalation = escalationDay(review.dueOn, plan, calendar);
  await store.scheduleNotification({
    key: `escalation:${record.reference}:${target.agencyId}:${review.dueOn}`,
    caseId: record.reference,
    kind: 'escalation',
    dueAt: sendingInstant(escalation.on, plan, partnership.timezone),
    payload: { ...payload, on: escalation.on },
  });
}

/**
 * Whether a reminder is still wanted: the case is not on hold, the request is open, has no return, is due on the
 * date the reminder was planned for (not moved since), and, for a reminder, its
 * addressee still answers for the agency.
 */
export function stillWanted(record: CaseRecord | undefined, notification: Notification): record is CaseRecord {
  const p = notification.payload;
  const review = record?.rapidReview;
  if (!record || !review || review.closed || record.hold || !p?.agencyId || p.dueOn !== review.dueOn) return false;
  const request = requestFor(record, p.agencyId);
  if (!request || request.current) return false;
  return notification.kind === 'escalation' || request.addressees.some((a) => a.aadObjectId.toLowerCase() === p.aadObjectId?.toLowerCase());
}

const skip = (deps: PanelDeps, n: Notification, why: string) =>
  deps.review.store.completeNotification(
    n.key,
    { status: 'skipped', error: why },
    { caseId: n.caseId, at: deps.review.now().toISOString(), actor: 'panel', action: 'reminder.skipped', detail: `agency=${n.payload?.agencyId ?? ''}` },
  );

/**
 * Sends the reminders the sweep has taken, one digest message per person: every request
 * they owe that has a reminder due, by reference and agency only. A reminder Panel
 * missed while it was down goes once, marked late. Each is recorded, and the next one
 * planned from today.
 */
export async function sendReminders(deps: PanelDeps, taken: Notification[]): Promise<void> {
  const { store } = deps.review;
  const byPerson = new Map<string, { notification: Notification; record: CaseRecord }[]>();
  for (const notification of taken) {
    const record = await store.getCase(notification.caseId);
    if (!stillWanted(record, notification)) {
      await skip(deps, notification, 'no longer needed');
      continue;
    }
    const person = notification.payload!.aadObjectId!.toLowerCase();
    byPerson.set(person, [...(byPerson.get(person) ?? []), { notification, record }]);
  }
  const now = today(deps);
  for (const [person, items] of byPerson) {
    const lines = items.map(({ notification, record }) => {
      const late = (notification.payload!.on ?? now) < now ? ' (sent late: Panel was unavailable when it was due)' : '';
      return `- **${record.reference}** (${record.descriptor}), ${agencyName(deps, notification.payload!.agencyId!)}'s return: ${dueWords(record.rapidReview!.dueOn, today(deps), deps.review.calendar)}${late}`;
    });
    const first = items[0]!.notification.payload!;
    const chat = await store.getSetting(chatKey(person));
    const delivery = await sendToPerson(
      deps,
      { aadObjectId: person, serviceUrl: chat?.serviceUrl ?? first.serviceUrl!, ...(first.tenantId && { tenantId: first.tenantId }) },
      {
        textFormat: 'markdown',
        text: ['**Reminder from Panel**: rapid review returns you owe. Open the request card to answer.', ...lines].join('\n'),
      },
    );
    for (const { notification, record } of items) {
      const p = notification.payload!;
      const at = deps.review.now().toISOString();
      const detail = `agency=${p.agencyId} to=${p.aadObjectId}${(p.on ?? now) < now ? ' late=yes' : ''}`;
      if (delivery.status === 'sent') {
        await store.completeNotification(notification.key, { status: 'sent' }, { caseId: record.reference, at, actor: 'panel', action: 'reminder.sent', detail });
      } else {
        await store.completeNotification(notification.key, { status: 'failed', error: delivery.reason }, { caseId: record.reference, at, actor: 'panel', action: 'reminder.skipped', detail: `${detail} reason=${delivery.reason}` });
      }
      await planReminders(deps, record, { agencyId: p.agencyId!, aadObjectId: p.aadObjectId!, serviceUrl: p.serviceUrl!, ...(p.tenantId && { tenantId: p.tenantId }) }, now);
    }
  }
}

/** An escalation: said in the case's thread in the business unit's channel, by reference and agency. */
export async function sendEscalation(deps: PanelDeps, notification: Notification): Promise<void> {
  const record = await deps.review.store.getCase(notification.caseId);
  if (!stillWanted(record, notification)) {
    await skip(deps, notification, 'no longer needed');
    return;
  }
  const agency = agencyName(deps, notification.payload!.agencyId!);
  const text = `${record.reference}: ${agency}'s return is ${dueWords(record.rapidReview!.dueOn, today(deps), deps.review.calendar)}. Panel has reminded its leads each working day.`;
  const posted = await replyInCaseThread(deps, record.reference, text);
  const at = deps.review.now().toISOString();
  await deps.review.store.completeNotification(
    notification.key,
    posted ? { status: 'sent' } : { status: 'failed', error: 'the case has no card in the business unit channel' },
    { caseId: record.reference, at, actor: 'panel', action: 'reminder.escalated', detail: `agency=${notification.payload!.agencyId}` },
  );
}

/**
 * Plans afresh the reminders of every request still awaiting a return, from today: after
 * a hold ends and the due date has moved. Reminders planned for the old date are skipped
 * when their time comes.
 */
export async function replanReminders(deps: PanelDeps, record: CaseRecord): Promise<void> {
  const review = record.rapidReview;
  if (!review || review.closed || record.hold) return;
  const { store } = deps.review;
  const channel = await store.getSetting('referralChannel');
  for (const request of review.requests.filter((r) => !r.current)) {
    for (const addressee of request.addressees) {
      const chat = await store.getSetting(chatKey(addressee.aadObjectId));
      const serviceUrl = chat?.serviceUrl ?? channel?.serviceUrl;
      if (!serviceUrl) continue;
      const tenantId = chat?.tenantId ?? channel?.tenantId;
      await planReminders(deps, record, { agencyId: request.agencyId, aadObjectId: addressee.aadObjectId, serviceUrl, ...(tenantId && { tenantId }) }, today(deps));
    }
  }
}

/** A hold with an end date ends by itself then, through the outbox sweep. */
export async function scheduleHoldEnd(deps: PanelDeps, record: CaseRecord): Promise<void> {
  const hold = record.hold;
  if (!hold?.until) return;
  const { partnership } = deps.review;
  await deps.review.store.scheduleNotification({
    key: `hold-end:${record.reference}:${hold.since}`,
    caseId: record.reference,
    kind: 'holdEnd',
    dueAt: sendingInstant(hold.until, partnership.reminders, partnership.timezone),
    payload: { since: hold.since },
  });
}
