import type { Container, ItemDefinition, JSONObject, OperationInput, PatchOperation } from '@azure/cosmos';
import { createdEvent, type CaseRecord } from '../review/case.js';
import { nextDueAt } from '../review/effects.js';
import { ConflictError, StoreBusyError, type CaseWrite } from '../review/store.js';
import { auditId, guard, hashKey, statusOf, strip, toStored } from './cosmos-items.js';

/**
 * Writing cases on Cosmos DB: a new case once per submission, with its number and its
 * creation event; a change with what it writes beside it. Each is one request where it
 * can be: a transactional batch in the case's partition, the case first.
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
}

/** The case as its document: its id, partition and next-due time beside the record. */
export function caseDocument(record: CaseRecord): ItemDefinition {
  const due = nextDueAt(record);
  // A closed case keeps the TTL its retention set on every item, whenever it is written again.
  const ttl = record.expiresAt && Math.max(1, Math.ceil((Date.parse(record.expiresAt) - Date.now()) / 1000));
  return { ...record, id: 'case', type: 'case', caseId: record.reference, ...(due && { nextDueAt: due }), ...(ttl && { ttl }) };
}

const auditOperation = (event: { caseId: string; at: string }, id = auditId(event.at)): OperationInput => ({
  operationType: 'Create',
  resourceBody: { ...event, id, type: 'audit' },
});

/**
 * Runs a transactional batch in one case's partition: all of it or none. @azure/cosmos
 * rethrows a refused batch as a plain Error without its status, and the test server
 * answers a refused one with per-operation statuses: either way nothing was written, so
 * the case is read back to say why. Its etag moved: a ConflictError; otherwise (throttled
 * past the retries) a StoreBusyError.
 */
async function batch(cases: Container, caseId: string, operations: OperationInput[], etagBefore: string | undefined): Promise<string> {
  try {
    // The test server wants the partition key on every operation; Cosmos DB takes it too.
    const { result } = await cases.items.batch(
      operations.map((o) => ({ ...o, partitionKey: caseId })),
      caseId,
    );
    const first = result?.[0];
    if (first && result.every((r) => r.statusCode < 400)) return first.eTag ?? '';
  } catch (err) {
    if (statusOf(err) === 429) throw new StoreBusyError();
  }
  const { etag } = await guard('case', () => cases.item('case', caseId).read());
  if (etag !== etagBefore) throw new ConflictError(`case ${caseId}`);
  throw new StoreBusyError();
}

/** `CaseStore.replaceCase`: a plain conditional replace, or a batch when something is written beside it. */
export async function replaceCase(cases: Container, record: CaseRecord, etag: string, also: CaseWrite): Promise<string> {
  const doc = caseDocument(record);
  const beside = [
    ...(also.audit ?? []).map((e) => auditOperation(e)),
    ...(also.items ?? []).map((i): OperationInput => ({ operationType: 'Create', resourceBody: toStored(i) as unknown as JSONObject })),
  ];
  if (beside.length === 0) {
    const { etag: next } = await guard(`case ${record.reference}`, () =>
      cases.item('case', record.reference).replace(doc, { accessCondition: { type: 'IfMatch', condition: etag } }),
    );
    return next;
  }
  return batch(cases, record.reference, [{ operationType: 'Replace', id: 'case', resourceBody: doc, ifMatch: etag }, ...beside], etag);
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
  if (earlier) return ensureCase(containers.cases, input.build(earlier.sequence), input.actor);

  const sequence = await nextSequence(meta, input.year);
  const record = input.build(sequence);
  try {
    await guard('submission', () => meta.items.create({ id, pk, caseId: record.reference, sequence }));
  } catch (err) {
    if (statusOf(err) !== 409) throw err;
    // Another delivery of the same submission won; its number stands, ours is unused.
    const winner = await readSubmission();
    if (!winner) throw err;
    return ensureCase(containers.cases, input.build(winner.sequence), input.actor);
  }
  return makeCase(containers.cases, record, input.actor);
}

/** The case of a submission already numbered: made now if the delivery that numbered it failed first. */
async function ensureCase(
  cases: Container,
  record: CaseRecord,
  actor: string,
): Promise<{ record: CaseRecord; created: boolean; etag: string }> {
  const { resource, etag } = await guard('case', () => cases.item('case', record.reference).read<CaseRecord & ItemDefinition>());
  if (resource) return { record: strip<CaseRecord>(resource), created: false, etag };
  return makeCase(cases, record, actor);
}

/** Creates the case and its creation event in one batch; a case made meanwhile by another delivery is theirs. */
async function makeCase(
  cases: Container,
  record: CaseRecord,
  actor: string,
): Promise<{ record: CaseRecord; created: boolean; etag: string }> {
  const caseId = record.reference;
  try {
    const etag = await batch(
      cases,
      caseId,
      [{ operationType: 'Create', resourceBody: caseDocument(record) }, auditOperation(createdEvent(record, actor), 'audit:0:created')],
      undefined,
    );
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
