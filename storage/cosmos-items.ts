/**
 * How Panel's documents are shaped in Cosmos DB, and how the SDK's errors map onto the
 * storage port's: the helpers of `CosmosStore`.
 */
import { ErrorResponse, type ItemDefinition } from '@azure/cosmos';
import { createHash } from 'node:crypto';
import { ConflictError, StoreBusyError, type CaseItem, type CaseItemType } from '../review/store.js';

const SYSTEM_FIELDS = ['id', 'type', 'caseId', 'pk', 'ttl', 'nextDueAt', '_rid', '_self', '_etag', '_attachments', '_ts'];

export function strip<T>(item: ItemDefinition): T {
  const copy: Record<string, unknown> = { ...item };
  for (const f of SYSTEM_FIELDS) delete copy[f];
  return copy as T;
}

export const statusOf = (err: unknown) => (err instanceof ErrorResponse ? Number(err.code) : undefined);

/** Maps what the SDK throws onto the port's errors. */
export async function guard<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    const status = statusOf(err);
    if (status === 429) throw new StoreBusyError();
    if (status === 412) throw new ConflictError(what);
    throw err;
  }
}

/** The `meta` partition of expiry markers: one small partition, read by the nightly purge. */
export const EXPIRY_PK = 'expiry';

/** What a purged case leaves behind, in the partnership's partition of `cases` beside the trail that records the purge. */
export const tombstoneId = (reference: string) => `tombstone:${reference}`;

/**
 * A case item as the `cases` container keeps it. Its id is prefixed, so it never meets
 * the case (`case`) or an audit event (`audit:…`) in
 * the partition; `type` names the kind of document there, so the item's own type is
 * `itemType`.
 */
export interface StoredCaseItem {
  id: `item:${string}`;
  type: 'caseItem';
  caseId: string;
  itemType: CaseItemType;
  at: string;
  doc: unknown;
}

const ITEM_PREFIX = 'item:';
export const itemId = (id: string): StoredCaseItem['id'] => `${ITEM_PREFIX}${id}`;

export function toStored<T>(item: CaseItem<T>): StoredCaseItem {
  return { id: itemId(item.id), type: 'caseItem', caseId: item.caseId, itemType: item.type, at: item.at, doc: item.doc };
}

/** Picks the item's own fields, which leaves the system properties (`_etag`, `ttl` …) behind. */
export function fromStored<T>(stored: StoredCaseItem): CaseItem<T> {
  return {
    caseId: stored.caseId,
    id: stored.id.slice(ITEM_PREFIX.length),
    type: stored.itemType,
    at: stored.at,
    doc: stored.doc as T,
  };
}

/** Oldest first, then by id: how the port orders a case's items (ISO times sort as text). */
export function byAtThenId(a: CaseItem, b: CaseItem): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

export const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');
