import type { Container, ItemDefinition, PatchOperation } from '@azure/cosmos';
import { createdEvent, type CaseRecord } from '../review/case.js';
import { leaseEnd, type Notification, type NotificationClaim } from '../review/store.js';
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
 * yet; `created` says whether this call made the case, and so holds its claims. The
 * claims go before the case, so no case is ever without the claim of its post. A crash
 * or a throttled write in between leaves either claims with no case, which the next
 * delivery of the submission takes up as it makes the case (the outbox lets such claims
 * go, having nothing to post), or a case whose claims the outbox does once their lease
 * has run out. (A transactional batch would be atomic, but the SDK hides a failed
 * batch's status code.)
 */
async function ensureCase({ cases }: Containers, record: CaseRecord, input: NewCase): Promise<{ record: CaseRecord; created: boolean }> {
  const caseId = record.reference;
  const readCase = async () => {
    const { resource } = await guard('case', () => cases.item('case', caseId).read<CaseRecord & ItemDefinition>());
    return resource && strip<CaseRecord>(resource);
  };
  const earlier: NotificationClaim[] = [];
  for (const claim of input.claims(record)) {
    if (!(await createNotification(cases, pending(claim)))) earlier.push(claim);
  }
  let stored = await readCase();
  let created = false;
  if (!stored) {
    // An earlier delivery claimed these and failed before the case was made, so never
    // did them, and the outbox may have let them go: this call holds them again.
    for (const claim of earlier) await holdAgain(cases, claim);
    try {
      await guard('case', () => cases.items.create({ ...record, id: 'case', type: 'case', caseId }));
      stored = record;
      created = true;
    } catch (err) {
      if (statusOf(err) !== 409) throw err;
      stored = (await readCase()) ?? record;
    }
  }
  // The creation's audit event has a fixed id (sorting first), so every delivery of the
  // submission can make sure it is there: a write that was throttled is made next time.
  try {
    await guard('audit', () => cases.items.create({ ...createdEvent(stored, input.actor), id: 'audit:0:created', type: 'audit', caseId }));
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
  }
  return { record: stored, created };
}

/** Makes a claim pending again, held by this caller until its lease ends. */
async function holdAgain(cases: Container, claim: NotificationClaim): Promise<void> {
  const operations: PatchOperation[] = [
    { op: 'set', path: '/status', value: 'pending' },
    { op: 'set', path: '/leaseUntil', value: leaseEnd(claim) },
  ];
  await guard('notification', () => cases.item(`notification:${claim.key}`, claim.caseId).patch(operations));
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
