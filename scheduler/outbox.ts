import { schedule, type ScheduledTask } from 'node-cron';
import type { PanelDeps } from '../bot/deps.js';
import { loggableError } from '../bot/logger.js';
import { sendEscalation, sendReminders, stillWanted } from '../bot/reminders.js';
import { afterRelease } from '../bot/handlers/hold.js';
import { sendClaimedFeedback, sendReviewReminder } from '../bot/after-decision.js';
import { takeOffHold } from '../review/hold-actions.js';
import { postClaimedReferral } from '../bot/post-to-channel.js';
import { fromRequestPayload, sendClaimedRequest } from '../bot/send-requests.js';
import { anonymise, type CaseRecord } from '../review/case.js';
import { DateTime } from 'luxon';
import { localDateOf } from '../review/local-date.js';
import { mayRemindAt } from '../review/reminders.js';
import { NOTIFICATION_LEASE_MS, type Notification } from '../review/store.js';

const PAGE = 50;
/** How long a claim whose case was never made is kept pending before the outbox lets it go. */
const ORPHAN_CLAIM_MS = 24 * 60 * 60_000;

/**
 * The outbox sweep. Each pending notification that has come due and that nobody holds
 * is taken by exactly one instance, by a conditional write, and done:
 * - side effects whose claimant died between claiming and finishing them (Panel
 *   stopped, or crashed, mid-post) are done again;
 * - reminders and escalations are sent, in working hours on working days only;
 *   reminders to one person go as one digest;
 * - a decision's feedback to the referrer is sent again; a review's reminders are said.
 * Says how many it took. Its cost follows the number of notifications due, not the
 * number of cases. A crash after Teams accepted a message but before it was recorded
 * can repeat that one message: Teams gives no idempotency key.
 */
export async function sweepOutbox(deps: PanelDeps): Promise<number> {
  const { store, now, partnership, calendar } = deps.review;
  const at = now();
  const remindingHours = mayRemindAt(at, partnership.reminders, partnership.timezone, calendar);
  const reminders: Notification[] = [];
  let taken = 0;
  let continuation: string | undefined;
  do {
    const page = await store.listDueNotifications(at.toISOString(), { limit: PAGE, ...(continuation && { continuation }) });
    for (const notification of page.items) {
      if (notification.status !== 'pending' || notification.leaseUntil > at.toISOString()) continue;
      const isReminder = notification.kind === 'reminder' || notification.kind === 'escalation' || notification.kind === 'reviewReminder';
      if (isReminder && !remindingHours) continue;
      const redone = notification.kind === 'channelPost' || notification.kind === 'leadRequest';
      const record = redone ? await store.getCase(notification.caseId) : undefined;
      // A post or request whose case is not (yet) there is left pending, for a day: see `redo`.
      if (redone && !record && Date.parse(notification.at) > at.getTime() - ORPHAN_CLAIM_MS) continue;
      const until = new Date(at.getTime() + NOTIFICATION_LEASE_MS).toISOString();
      if (!(await store.takeOverNotification(notification.caseId, notification.key, { now: at.toISOString(), until }))) continue;
      taken++;
      if (notification.kind === 'reminder') reminders.push(notification);
      else if (notification.kind === 'escalation') await sendEscalation(deps, notification);
      else if (notification.kind === 'holdEnd') await endHold(deps, notification);
      else if (notification.kind === 'reviewReminder') await sendReviewReminder(deps, notification);
      else if (notification.kind === 'feedback') await sendClaimedFeedback(deps, notification.key, notification.caseId, notification.payload);
      else if (notification.kind === 'agendaPost') await abandonAgenda(deps, notification);
      else {
        deps.log.info({ job: 'outbox', kind: notification.kind, reference: notification.caseId }, 'taking over an unfinished notification');
        await redo(deps, notification, record, until);
      }
    }
    continuation = page.continuation;
  } while (continuation);
  await sendReminders(deps, reminders);
  return taken;
}

/** A hold's end date has come: Panel takes the case off hold, if it is still that hold. */
async function endHold(deps: PanelDeps, notification: Notification): Promise<void> {
  const result = await takeOffHold(deps.review, { caller: 'panel', reference: notification.caseId, ...(notification.payload?.since && { since: notification.payload.since }) });
  await deps.review.store.completeNotification(
    notification.key,
    result.status === 'released' ? { status: 'sent' } : { status: 'skipped', error: 'the hold had already ended' },
    { caseId: notification.caseId, at: deps.review.now().toISOString(), actor: 'panel', action: 'case.holdEnded' },
  );
  if (result.status === 'released') await afterRelease(deps, result.record);
}

/**
 * An agenda whose posting was cut off (Panel stopped mid-way): what was posted stands, and
 * each case's vote is open; the business unit says `post agenda` again for the rest.
 */
async function abandonAgenda(deps: PanelDeps, notification: Notification): Promise<void> {
  await deps.review.store.completeNotification(
    notification.key,
    { status: 'failed', error: 'interrupted' },
    { caseId: notification.caseId, at: deps.review.now().toISOString(), actor: 'panel', action: 'agenda.post.failed', detail: 'interrupted' },
  );
}

/**
 * A post or request whose claimant died before finishing it, done again. Its case was
 * read before taking it over. A case missing then was missing for a day: a submission
 * failed between claiming its post and making its case (Cosmos DB writes the claim
 * first), or the case has since been purged. Until then the claim was left pending, and
 * a later delivery of the submission could make the case and post; a read may also miss
 * a case another instance has just made. Now the referrer has given up, and the claim is
 * let go. A delivery that still makes the case takes it up again, and so does this sweep
 * if the case appears as it lets go.
 */
async function redo(deps: PanelDeps, notification: Notification, found: CaseRecord | undefined, until: string): Promise<void> {
  const { store, now } = deps.review;
  let record = found;
  let heldUntil = until;
  if (!record) {
    const error = 'its case was never stored';
    await store.completeNotification(
      notification.key,
      { status: 'skipped', error },
      { caseId: notification.caseId, at: now().toISOString(), actor: 'panel', action: 'notification.skipped', detail: error },
    );
    record = await store.getCase(notification.caseId);
    const at = now();
    const lease = { now: at.toISOString(), until: new Date(at.getTime() + NOTIFICATION_LEASE_MS).toISOString(), alsoLetGo: true };
    if (!record || !(await store.takeOverNotification(notification.caseId, notification.key, lease))) return;
    heldUntil = lease.until;
  }
  if (notification.kind === 'channelPost') {
    await postClaimedReferral(deps, notification.key, anonymise(record), heldUntil);
    return;
  }
  const request = fromRequestPayload(notification.payload);
  if (!request) {
    deps.log.warn({ job: 'outbox', reference: notification.caseId }, 'a lead request without the payload to send it again');
    return;
  }
  await sendClaimedRequest(deps, notification.key, record, request.target, request.origin);
  await deps.channelCards.refresh(deps, record.reference);
}

/**
 * The outbox sweep: at start-up, and every `reminders.sweepEveryMinutes` (15) in the
 * partnership's timezone, never two at once in one process.
 */
export function scheduleOutbox(deps: PanelDeps): ScheduledTask {
  const { partnership } = deps.review;
  const run = async () => {
    try {
      await sweepOutbox(deps);
    } catch (err) {
      deps.log.error({ job: 'outbox', err: loggableError(err) }, 'outbox sweep failed');
    }
  };
  const every = `*/${partnership.reminders.sweepEveryMinutes} * * * *`;
  const task = schedule(every, run, { name: 'outbox', timezone: partnership.timezone, noOverlap: true });
  deps.background.run('outbox', run);
  return task;
}

/**
 * What the sweep would send at `at`, without sending or recording anything: one line per
 * reminder or escalation due, by reference, agency and staff member. For
 * `npm run panel -- reminders --dry-run`.
 */
export async function previewReminders(
  deps: Pick<PanelDeps['review'], 'store' | 'partnership' | 'calendar' | 'directory'>,
  at: Date,
): Promise<string[]> {
  const { store, partnership, calendar, directory } = deps;
  const open = mayRemindAt(at, partnership.reminders, partnership.timezone, calendar);
  const lines = [
    `At ${DateTime.fromJSDate(at, { zone: partnership.timezone }).toFormat('yyyy-MM-dd HH:mm')} (${partnership.timezone}): ` +
      (open ? 'within working hours.' : 'outside working hours: nothing would be sent until they begin.'),
  ];
  const today = localDateOf(at, partnership.timezone);
  let continuation: string | undefined;
  do {
    const page = await store.listDueNotifications(at.toISOString(), { limit: PAGE, ...(continuation && { continuation }) });
    for (const n of page.items) {
      if (n.status !== 'pending' || (n.kind !== 'reminder' && n.kind !== 'escalation')) continue;
      const record = await store.getCase(n.caseId);
      const agency = partnership.agencies.find((a) => a.id === n.payload?.agencyId)?.name ?? n.payload?.agencyId ?? '';
      const to = n.kind === 'escalation' ? "the business unit's channel" : (directory.find(n.payload?.aadObjectId)?.name ?? n.payload?.aadObjectId ?? '');
      const late = n.payload?.on && n.payload.on < today ? ', late' : '';
      const skipped = stillWanted(record, n) ? '' : ' (would be skipped: no longer needed)';
      lines.push(`${n.caseId}  ${n.kind}  ${agency}  to ${to}${late}${skipped}`);
    }
    continuation = page.continuation;
  } while (continuation);
  if (lines.length === 1) lines.push('No reminders are due.');
  return lines;
}
