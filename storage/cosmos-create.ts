import type { Container, ItemDefinition, PatchOperation } from '@azure/cosmos';
import { createdEvent, type CaseRecord } from '../review/case.js';
import { ConflictError, leaseEnd, StoreBusyError, type Notification, type NotificationClaim } from '../review/store.js';
import { guard, hashKey, statusOf, strip } from './cosmos-items.js';

/**
 * Creating things once on Cosmos DB: a new case per submission, with its number, its
 * creation event and its claims; a notification per key. Each is a create with a fixed
 * id, so a second attempt meets 409 and is told so, rather than writing twice.
 */

interface Containers {
  cases: Container;
  meta: Container;
}

interface NewCase {
  submissionKey: string;
  year: number;
  build: (sequence: number) => CaseRecord;
  actor: string;
  claims: (record: CaseRecord) => NotificationClaim[];
}

/** A new claim: pending, held by its claimant until its lease ends. */
export const pending = (claim: NotificationClaim): Notification => ({ ...claim, status: 'pending', dueAt: claim.at, leaseUntil: leaseEnd(claim) });

/** Creates a notification once: false if its key is taken. */
export async function createNotification(cases: Container, notification: Notification): Promise<boolean> {
  try {
    await guard('notification', () => cases.items.create({ ...notification, id: `notification:${notification.key}`, type: 'notification' }));
    return true;
  } catch (err) {
    if (statusOf(err) === 409) return false;
    throw err;
  }
}

/**
 * `CaseStore.createCaseOnce`: the submission's key is written first, with the number it
 * was given, so every later delivery of the submission builds the same case; then
 * `ensureCase` writes what is missing.
 */
export async function createCaseOnce(containers: Containers, input: NewCase): Promise<{ record: CaseRecord; created: boolean }> {
  const { meta } = containers;
  const id = hashKey(input.submissionKey);
  const pk = `submission:${id}`;
  const readSubmission = async () => (await guard('submission', () => meta.item(id, pk).read<{ sequence: number }>())).resource;
  const earlier = await readSubmission();
  if (earlier) return ensureCase(containers, input.build(earlier.sequence), input);

  const sequence = await nextSequence(meta, input.year);
  const record = input.build(sequence);
  try {
    await guard('submission', () => meta.items.create({ id, pk, caseId: record.reference, sequence }));
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
    // Another delivery of the same submission won; its number stands, ours is unused.
    const winner = await readSubmission();
    if (!winner) throw err;
    return ensureCase(containers, input.build(winner.sequence), input);
  }
  return ensureCase(containers, record, input);
}

/**
 * The case's claims, the case and its creation event, each written if it is not there
 * yet. The claims go before the case, so no case is ever without the claim of its post.
 * `created` says whether this call holds every claim, and so does them: it made them, or
 * found them free and held them again (a delivery of the submission that failed left
 * them). A claim somebody else holds is theirs to do, even if this call's write of the
 * case won; and once the case exists, a claim whose lease ran out is the outbox's, as its
 * holder may still be posting, unless this call made the case. (A transactional batch
 * would be atomic, but the SDK hides a failed batch's status code.)
 */
async function ensureCase({ cases }: Containers, record: CaseRecord, input: NewCase): Promise<{ record: CaseRecord; created: boolean }> {
  const caseId = record.reference;
  const readCase = async () => {
    const { resource } = await guard('case', () => cases.item('case', caseId).read<CaseRecord & ItemDefinition>());
    return resource && strip<CaseRecord>(resource);
  };
  const claims = input.claims(record);
  const held = new Set<string>();
  for (const claim of claims) {
    if (await createNotification(cases, pending(claim))) held.add(claim.key);
  }
  const holdFree = async (which: Free) => {
    for (const claim of claims) {
      if (held.has(claim.key)) continue;
      if (await holdClaim(cases, caseId, claim.key, { now: claim.at, until: leaseEnd(claim) }, which)) held.add(claim.key);
    }
  };
  let stored = await readCase();
  let made = false;
  if (!stored) {
    // Held before the case is made, so a failure in between leaves them pending.
    await holdFree({ lapsed: true, letGo: true });
    try {
      await guard('case', () => cases.items.create({ ...record, id: 'case', type: 'case', caseId }));
      stored = record;
      made = true;
    } catch (err) {
      // Throttled, the case was not written: the claims this call holds are released, so
      // the referrer's next submit takes them up at once, not when their lease runs out.
      // They stay pending: another delivery may have made the case meanwhile, and then
      // the outbox posts.
      if (err instanceof StoreBusyError) await release(cases, claims.filter((c) => held.has(c.key)));
      if (statusOf(err) !== 409) throw err;
      stored = (await readCase()) ?? record;
    }
  }
  // And after: a delivery that failed may have released a claim while this call made
  // the case. The outbox lets go a claim only when its case has been missing for a day;
  // one let go is taken up by whoever next finds the case made.
  await holdFree({ lapsed: made, letGo: true });
  // A call held up for longer than its lease (two minutes) may have lost a claim to
  // another delivery meanwhile: it holds only what still carries its lease.
  for (const claim of claims.filter((c) => held.has(c.key))) {
    const { resource } = await guard('notification', () => cases.item(`notification:${claim.key}`, caseId).read<Notification>());
    if (resource?.status !== 'pending' || resource.leaseUntil !== leaseEnd(claim)) held.delete(claim.key);
  }
  // The creation's audit event has a fixed id (sorting first), so every delivery of the
  // submission can make sure it is there: a write that was throttled is made next time.
  try {
    await guard('audit', () => cases.items.create({ ...createdEvent(stored, input.actor), id: 'audit:0:created', type: 'audit', caseId }));
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
  }
  return { record: stored, created: claims.length > 0 ? held.size === claims.length : made };
}

/** Which claims a caller may take: pending ones whose lease ran out, and ones let go (`skipped`). */
export interface Free {
  lapsed: boolean;
  letGo: boolean;
}

/**
 * Holds a claim until `lease.until` if it is free in the sense of `which` by `lease.now`.
 * The write is conditional on the version read, so of several callers exactly one gets
 * it; a claim that was sent or failed is never touched. (`CaseStore.takeOverNotification`.)
 */
export async function holdClaim(cases: Container, caseId: string, key: string, lease: { now: string; until: string }, which: Free): Promise<boolean> {
  const item = cases.item(`notification:${key}`, caseId);
  const { resource, etag } = await guard('notification', () => item.read<Notification & ItemDefinition>());
  if (!resource) return false;
  const free = resource.status === 'pending' ? which.lapsed && resource.leaseUntil <= lease.now : resource.status === 'skipped' && which.letGo;
  if (!free) return false;
  const heldAgain: Notification & ItemDefinition = { ...resource, status: 'pending', leaseUntil: lease.until };
  delete heldAgain.error;
  delete heldAgain.completedAt;
  try {
    await guard('notification', () => item.replace(heldAgain, { accessCondition: { type: 'IfMatch', condition: etag } }));
    return true;
  } catch (err) {
    if (err instanceof ConflictError) return false;
    throw err;
  }
}

/**
 * Ends this call's lease on claims it holds and will not do now, leaving them pending:
 * each only if it is still held under this call's lease. Best effort, and never in the
 * way of the error the caller is about to report: a claim not released now is free when
 * its lease runs out.
 */
async function release(cases: Container, claims: NotificationClaim[]): Promise<void> {
  for (const claim of claims) {
    const item = cases.item(`notification:${claim.key}`, claim.caseId);
    try {
      const { resource, etag } = await guard('notification', () => item.read<Notification & ItemDefinition>());
      if (resource?.status !== 'pending' || resource.leaseUntil !== leaseEnd(claim)) continue;
      await guard('notification', () => item.replace({ ...resource, leaseUntil: claim.at }, { accessCondition: { type: 'IfMatch', condition: etag } }));
    } catch (err) {
      // Left to its lease: the store's answer, whatever it was, is not the caller's error.
      if (statusOf(err) === undefined && !(err instanceof StoreBusyError || err instanceof ConflictError)) throw err;
    }
  }
}

/** The year's next number: an atomic server-side increment, so never issued twice. */
async function nextSequence(meta: Container, year: number): Promise<number> {
  const id = `sequence-${year}`;
  const increment: PatchOperation[] = [{ op: 'incr', path: '/last', value: 1 }];
  try {
    const { resource } = await guard('sequence', () => meta.item(id, id).patch<{ last: number }>(increment));
    if (resource) return resource.last;
  } catch (err) {
    if (statusOf(err) !== 404) throw err;
  }
  try {
    await guard('sequence', () => meta.items.create({ id, pk: id, last: 1 }));
    return 1;
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
    // Someone created the counter first: increment theirs.
    const { resource } = await guard('sequence', () => meta.item(id, id).patch<{ last: number }>(increment));
    if (!resource) throw err;
    return resource.last;
  }
}
