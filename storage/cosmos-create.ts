import type { Container, ItemDefinition, JSONObject, OperationInput, PatchOperation } from '@azure/cosmos';
import { createdEvent, type CaseRecord } from '../review/case.js';
import { nextDueAt } from '../review/effects.js';
import type { AuditEvent } from '../review/audit.js';
import { ConflictError, StoreBusyError, type CaseWrite } from '../review/store.js';
import { auditOperations, HEAD_ATTEMPTS, tryBatch, type Heads } from './cosmos-audit.js';
import { guard, hashKey, statusOf, strip, toStored } from './cosmos-items.js';

/**
 * Writing cases on Cosmos DB: a new case once per submission, with its number and its
 * creation event; a change with what it writes beside it. Each is one request where it
 * can be: a transactional batch in the case's partition, the case first.
 */

interface Containers {
  cases: Container;
  meta: Container;
  /** The audit trails' heads this process knows. */
  heads: Heads;
}

interface NewCase {
  submissionKey: string;
  year: number;
  build: (sequence: number) => CaseRecord;
  actor: string;
}

/** The case as its document: its id, partition and next-due time beside the record. */
export function caseDocument(record: CaseRecord): ItemDefinition {
  const due = nextDueAt(record);
  return { ...record, id: 'case', type: 'case', caseId: record.reference, ...(due && { nextDueAt: due }) };
}

/**
 * Writes the case (the batch's first operation) with its audit events linked into its
 * trail and anything else beside it, all or none. Refused, the case is read back to say
 * why: its etag moved, a ConflictError; its trail's head moved (another writer's event),
 * linked again after it; neither (throttled past the retries), a StoreBusyError.
 */
async function writeWithAudit(
  { cases, heads }: { cases: Container; heads: Heads },
  caseId: string,
  write: {
    first: OperationInput;
    events: readonly AuditEvent[];
    beside: OperationInput[];
    etagBefore: string | undefined;
    newTrail?: boolean;
  },
): Promise<string> {
  const { first, events, beside, etagBefore } = write;
  // A new case's trail has no head yet: nothing to read.
  let read = events.length === 0 || write.newTrail ? {} : await heads.current(caseId);
  for (let attempt = 1; attempt <= HEAD_ATTEMPTS; attempt++) {
    const { operations, head } = auditOperations(caseId, events, read);
    const etags = await tryBatch(cases, caseId, [first, ...operations, ...beside]);
    if (etags) {
      if (head) heads.remember(caseId, { head, etag: etags[1]! });
      return etags[0]!;
    }
    heads.forget(caseId);
    const { etag } = await guard('case', () => cases.item('case', caseId).read());
    if (etag !== etagBefore) throw new ConflictError(`case ${caseId}`);
    if (events.length === 0) break;
    const fresh = await heads.current(caseId, true);
    if (fresh.etag === read.etag) break;
    read = fresh;
  }
  throw new StoreBusyError();
}

/** `CaseStore.replaceCase`: a plain conditional replace, or a batch when something is written beside it. */
export async function replaceCase(
  { cases, heads }: { cases: Container; heads: Heads },
  record: CaseRecord,
  etag: string,
  also: CaseWrite,
): Promise<string> {
  const doc = caseDocument(record);
  const events = also.audit ?? [];
  const items = (also.items ?? []).map((i): OperationInput => ({
    operationType: 'Create',
    resourceBody: toStored(i) as unknown as JSONObject,
  }));
  if (events.length === 0 && items.length === 0) {
    const { etag: next } = await guard(`case ${record.reference}`, () =>
      cases.item('case', record.reference).replace(doc, { accessCondition: { type: 'IfMatch', condition: etag } }),
    );
    return next;
  }
  return writeWithAudit({ cases, heads }, record.reference, {
    first: { operationType: 'Replace', id: 'case', resourceBody: doc, ifMatch: etag },
    events,
    beside: items,
    etagBefore: etag,
  });
}

/**
 * `CaseStore.createCaseOnce`: the submission's key is written first, with the number it
 * was given, so every later delivery of the submission builds the same case; then the
 * case (with the effects it owes) and its creation event, in one batch, unless a delivery
 * already made them.
 */
export async function createCaseOnce(
  containers: Containers,
  input: NewCase,
): Promise<{ record: CaseRecord; created: boolean; etag: string }> {
  const { meta } = containers;
  const id = hashKey(input.submissionKey);
  const pk = `submission:${id}`;
  const readSubmission = async () => (await guard('submission', () => meta.item(id, pk).read<{ sequence: number }>())).resource;
  const earlier = await readSubmission();
  if (earlier) return ensureCase(containers, input.build(earlier.sequence), input.actor);

  const sequence = await nextSequence(meta, input.year);
  const record = input.build(sequence);
  try {
    await guard('submission', () => meta.items.create({ id, pk, caseId: record.reference, sequence }));
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
    // Another delivery of the same submission won; its number stands, ours is unused.
    const winner = await readSubmission();
    if (!winner) throw err;
    return ensureCase(containers, input.build(winner.sequence), input.actor);
  }
  return makeCase(containers, record, input.actor);
}

/** The case of a submission already numbered: made now if the delivery that numbered it failed first. */
async function ensureCase(
  containers: Containers,
  record: CaseRecord,
  actor: string,
): Promise<{ record: CaseRecord; created: boolean; etag: string }> {
  const { resource, etag } = await guard('case', () => containers.cases.item('case', record.reference).read<CaseRecord & ItemDefinition>());
  if (resource) return { record: strip<CaseRecord>(resource), created: false, etag };
  return makeCase(containers, record, actor);
}

/** Creates the case and its creation event in one batch; a case made meanwhile by another delivery is theirs. */
async function makeCase(
  { cases, heads }: Containers,
  record: CaseRecord,
  actor: string,
): Promise<{ record: CaseRecord; created: boolean; etag: string }> {
  const caseId = record.reference;
  try {
    const etag = await writeWithAudit({ cases, heads }, caseId, {
      first: { operationType: 'Create', resourceBody: caseDocument(record) },
      events: [createdEvent(record, actor)],
      beside: [],
      etagBefore: undefined,
      newTrail: true,
    });
    return { record, created: true, etag };
  } catch (err) {
    // The read-back found a case: another delivery's write won.
    if (!(err instanceof ConflictError)) throw err;
    const { resource, etag } = await guard('case', () => cases.item('case', caseId).read<CaseRecord & ItemDefinition>());
    if (!resource) throw err;
    return { record: strip<CaseRecord>(resource), created: false, etag };
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
