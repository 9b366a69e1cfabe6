/**
 * The audit trails on Cosmos DB. A trail's events live in its partition (the case's, or
 * `partnership`), each with its number as its id (`audit:000000000001`), beside the
 * trail's head (`auditHead`). An event is written in one transactional batch with the
 * head moved on, conditional on the head as read: a writer that raced another reads the
 * new head and links after it. The number as id means two events can never share one.
 */
import type { Container, ItemDefinition, OperationInput } from '@azure/cosmos';
import type { AuditAction, AuditEvent } from '../review/audit.js';
import { linkEvents, type AuditHead, type ChainedAuditEvent } from '../review/audit-chain.js';
import { StoreBusyError } from '../review/store.js';
import { guard, statusOf, strip } from './cosmos-items.js';

export const AUDIT_HEAD_ID = 'auditHead';

/** An event's id: its number, padded so that ids sort as numbers. */
export const auditItemId = (seq: number) => `audit:${String(seq).padStart(12, '0')}`;

/** A trail's head as read, with its version tag for the conditional write that moves it. */
export interface HeadRead {
  head?: AuditHead;
  etag?: string;
}

export async function readHead(cases: Container, trail: string): Promise<HeadRead> {
  const { resource, etag } = await guard('audit head', () => cases.item(AUDIT_HEAD_ID, trail).read<AuditHead & ItemDefinition>());
  return resource ? { head: { seq: resource.seq, hash: resource.hash }, etag } : {};
}

/**
 * The operations that link `events` into `trail` after `read`: the head moved on (first,
 * so its etag is the batch's second), then each event; and the head they leave.
 */
export function auditOperations(
  trail: string,
  events: readonly AuditEvent[],
  read: HeadRead,
): { operations: OperationInput[]; head?: AuditHead } {
  const { linked, head } = linkEvents(events, read.head);
  if (!head || linked.length === 0) return { operations: [] };
  const headDoc = { id: AUDIT_HEAD_ID, type: 'auditHead', caseId: trail, ...head };
  return {
    head,
    operations: [
      read.etag
        ? { operationType: 'Replace', id: AUDIT_HEAD_ID, resourceBody: headDoc, ifMatch: read.etag }
        : { operationType: 'Create', resourceBody: headDoc },
      ...linked.map((e): OperationInput => ({ operationType: 'Create', resourceBody: { ...e, id: auditItemId(e.seq), type: 'audit' } })),
    ],
  };
}

/**
 * The heads this process last wrote or read, by trail, so that a write links after the
 * head it knows without reading it first. Another instance's write makes one stale: the
 * batch conditional on it is refused, and the writer reads the head and links again.
 */
export class Heads {
  private readonly known = new Map<string, HeadRead>();

  constructor(
    private readonly cases: Container,
    private readonly max = 10_000,
  ) {}

  /** The head as this process knows it, or as read now (`fresh`, or not known). */
  async current(trail: string, fresh = false): Promise<HeadRead> {
    const known = fresh ? undefined : this.known.get(trail);
    if (known) return known;
    const read = await readHead(this.cases, trail);
    this.remember(trail, read);
    return read;
  }

  remember(trail: string, read: HeadRead): void {
    this.known.delete(trail);
    this.known.set(trail, read);
    if (this.known.size > this.max) this.known.delete(this.known.keys().next().value!);
  }

  forget(trail: string): void {
    this.known.delete(trail);
  }
}

/** How many times a writer re-reads a moved head before calling the store busy. */
export const HEAD_ATTEMPTS = 20;

/**
 * Runs a transactional batch in one partition: all of it or none. Written, it returns
 * each document's new version tag, in order; refused (a condition failed), undefined. The SDK
 * rethrows a refused batch as a plain Error without its status, and the test server
 * answers one with per-operation statuses: either way nothing was written. Throttled
 * past the SDK's retries: busy.
 */
export async function tryBatch(cases: Container, partition: string, operations: OperationInput[]): Promise<string[] | undefined> {
  try {
    // The test server wants the partition key on every operation; Cosmos DB takes it too.
    const { result } = await cases.items.batch(
      operations.map((o) => ({ ...o, partitionKey: partition })),
      partition,
    );
    return result?.length && result.every((r) => r.statusCode < 400) ? result.map((r) => r.eTag ?? '') : undefined;
  } catch (err) {
    if (statusOf(err) === 429) throw new StoreBusyError();
    return undefined;
  }
}

/**
 * `CaseStore.appendAudit`: the event after the trail's head, however many writers race.
 * With `once`, a document created in the same batch: if one with its id is already there,
 * nothing is written and it returns false (the event was recorded with it before).
 */
export async function appendAudit(cases: Container, heads: Heads, event: AuditEvent, once?: ItemDefinition): Promise<boolean> {
  const trail = event.caseId;
  const alongside: OperationInput[] = once ? [{ operationType: 'Create', resourceBody: { ...once, caseId: trail } }] : [];
  for (let attempt = 1; attempt <= HEAD_ATTEMPTS; attempt++) {
    const read = await heads.current(trail, attempt > 1);
    const { operations, head } = auditOperations(trail, [event], read);
    const etags = await tryBatch(cases, trail, [...operations, ...alongside]);
    if (etags) {
      heads.remember(trail, { ...(head && { head }), etag: etags[0]! });
      return true;
    }
    heads.forget(trail);
    if (once) {
      const { resource } = await guard('audit', () => cases.item(once.id!, trail).read());
      if (resource) return false;
    }
  }
  throw new StoreBusyError();
}

export async function listAudit(cases: Container, trail: string): Promise<ChainedAuditEvent[]> {
  const { resources } = await guard('audit', () =>
    cases.items
      .query<ChainedAuditEvent & ItemDefinition>(
        {
          query: "SELECT * FROM c WHERE c.caseId = @trail AND c.type = 'audit' ORDER BY c.id",
          parameters: [{ name: '@trail', value: trail }],
        },
        { partitionKey: trail },
      )
      .fetchAll(),
  );
  return resources.map((r) => ({ ...strip<Omit<ChainedAuditEvent, 'caseId'>>(r), caseId: trail, action: r.action as AuditAction }));
}

export async function listTrails(cases: Container): Promise<string[]> {
  const { resources } = await guard('audit heads', () =>
    cases.items.query<string>("SELECT VALUE c.caseId FROM c WHERE c.type = 'auditHead'").fetchAll(),
  );
  return resources.sort();
}
