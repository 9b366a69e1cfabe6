import { schedule, type ScheduledTask } from 'node-cron';
import type { PanelDeps } from '../bot/deps.js';
import { loggableError } from '../bot/logger.js';
import { postClaimedReferral } from '../bot/post-to-channel.js';
import { fromRequestPayload, sendClaimedRequest } from '../bot/send-requests.js';
import { anonymise } from '../review/case.js';
import { NOTIFICATION_LEASE_MS, type Notification } from '../review/store.js';

/** Every five minutes, and once at start-up: a side effect whose claimant died waits at most that long. */
export const OUTBOX_SCHEDULE = '*/5 * * * *';
const PAGE = 50;

/**
 * Finishes the side effects whose claimant died between claiming and finishing them
 * (Panel stopped, or crashed, mid-post): each pending notification whose lease has run
 * out is taken over by exactly one instance, by a conditional write, and done again.
 * Says how many it took over. A crash after Teams accepted a post but before it was
 * recorded can repeat that one post: Teams gives no idempotency key.
 */
export async function recoverNotifications(deps: PanelDeps): Promise<number> {
  const { store, now } = deps.review;
  const at = now();
  let taken = 0;
  let continuation: string | undefined;
  do {
    const page = await store.listDueNotifications(at.toISOString(), { limit: PAGE, ...(continuation && { continuation }) });
    for (const notification of page.items) {
      if (notification.status !== 'pending' || notification.leaseUntil > at.toISOString()) continue;
      const until = new Date(at.getTime() + NOTIFICATION_LEASE_MS).toISOString();
      if (!(await store.takeOverNotification(notification.caseId, notification.key, { now: at.toISOString(), until }))) continue;
      taken++;
      deps.log.info({ job: 'outbox', kind: notification.kind, reference: notification.caseId }, 'taking over an unfinished notification');
      await redo(deps, notification);
    }
    continuation = page.continuation;
  } while (continuation);
  return taken;
}

async function redo(deps: PanelDeps, notification: Notification): Promise<void> {
  const record = await deps.review.store.getCase(notification.caseId);
  if (!record) return;
  if (notification.kind === 'channelPost') {
    await postClaimedReferral(deps, notification.key, anonymise(record));
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

/** The outbox sweep: every five minutes in the partnership's timezone, never two at once in one process. */
export function scheduleOutbox(deps: PanelDeps): ScheduledTask {
  const run = async () => {
    try {
      await recoverNotifications(deps);
    } catch (err) {
      deps.log.error({ job: 'outbox', err: loggableError(err) }, 'outbox sweep failed');
    }
  };
  const task = schedule(OUTBOX_SCHEDULE, run, { name: 'outbox', timezone: deps.review.partnership.timezone, noOverlap: true });
  deps.background.run('outbox', run);
  return task;
}
