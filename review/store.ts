import type { AuditEvent } from './audit.js';
import type { AuditHead, ChainedAuditEvent } from './audit-chain.js';
import type { CaseRecord } from './case.js';
import type { Tombstone } from './case-figures.js';

/** A Teams channel Panel posts to, as the Bot Connector addresses it. */
export interface ChannelAddress {
  /** The channel's conversation id ("19:…@thread.tacv2"). */
  channelId: string;
  teamId?: string;
  tenantId?: string;
  serviceUrl: string;
  /** Who chose it, and when (ISO 8601). */
  setBy: string;
  setAt: string;
}

/** A person's one-to-one chat with Panel, as the Bot Connector addresses it. */
export interface PersonalChat {
  conversationId: string;
  serviceUrl: string;
  tenantId?: string;
  /** When Panel last learnt or used it (ISO 8601). */
  at: string;
}

/** Partnership-wide settings, by key. */
export interface Settings {
  referralChannel: ChannelAddress;
  /** Where the panel meets in Teams: agendas are posted there. */
  panelChannel: ChannelAddress;
  /** `chat:<Entra object id>`: where Panel reaches that person one to one. */
  [chat: `chat:${string}`]: PersonalChat;
  /** `user:<Entra object id>`: that person's Teams user id, which a card's refresh names them by. */
  [user: `user:${string}`]: TeamsUser;
}

/** A person's Teams user id (`from.id`, "29:…"), and when Panel learnt it. */
export interface TeamsUser {
  id: string;
  at: string;
}

/** The setting that holds a person's Teams user id. */
export const userKey = (aadObjectId: string): `user:${string}` => `user:${aadObjectId.toLowerCase()}`;

/** The setting that holds a person's one-to-one chat. */
export const chatKey = (aadObjectId: string): `chat:${string}` => `chat:${aadObjectId.toLowerCase()}`;

/** What a case keeps beside its record, each in the case's own partition (an agenda's marker, in the partnership's). */
export type CaseItemType = 'return' | 'draft' | 'decision' | 'agenda' | 'report';

/**
 * Something stored about a case beside its record: an agency's return (each version
 * kept), a lead's draft. Written and read by point operations or a single-partition
 * query, and deleted with the case when its retention ends.
 */
export interface CaseItem<T = unknown> {
  caseId: string;
  /** Unique within the case, e.g. `return:police:<submission id>` or `draft:police`. */
  id: string;
  type: CaseItemType;
  /** When it was written (ISO 8601). */
  at: string;
  doc: T;
}

/** What a change writes beside the case, in the same write: its audit events, and items added once. */
export interface CaseWrite {
  audit?: AuditEvent[];
  /** Added if the case has no item with that id yet (a decision's record); never replaced. */
  items?: CaseItem[];
}

/** A case with work for the effects runner: its earliest pending effect is due at `dueAt`. */
export interface DueCase {
  reference: string;
  dueAt: string;
}

/** When a closed case's retention ends. */
export interface Expiry {
  reference: string;
  expiresAt: string;
}

/** A value and the version tag it was read at, for a conditional write. */
export interface Versioned<T> {
  value: T;
  etag: string;
}

/** One page of a query; pass `continuation` back for the next. */
export interface Page<T> {
  items: T[];
  continuation?: string;
}

/** A conditional write found the item changed since it was read (a stale etag). */
export class ConflictError extends Error {
  constructor(what: string) {
    super(`${what} was changed by someone else; read it again`);
    this.name = 'ConflictError';
  }
}

/** The store cannot be opened at start-up: unreachable, refused, or not writable. */
export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/** The store is throttled and its retries are spent: try again shortly. Nothing was half-written. */
export class StoreBusyError extends Error {
  constructor() {
    super('the store is busy; try again shortly');
    this.name = 'StoreBusyError';
  }
}

/**
 * The storage port: what the review workflow needs from a store. SQLite and Cosmos DB
 * implement it; one contract test suite holds both to it.
 */
export interface CaseStore {
  /**
   * Stores a new case exactly once per submission. The store allocates the year's next
   * sequence number and `build` turns it into the record, with the effects it owes (its
   * post to the business unit's channel) inside it. The case's first audit event
   * (`case.created`, by `actor`, at the record's `receivedAt`) is written with it, in the
   * same write. A second call with the same key returns the first case, `created: false`,
   * and allocates nothing. `etag` is the case's version as returned, for a change (or the
   * effects runner) to start from without reading it again.
   */
  createCaseOnce(
    submissionKey: string,
    year: number,
    build: (sequence: number) => CaseRecord,
    actor: string,
  ): Promise<{ record: CaseRecord; created: boolean; etag: string }>;
  getCase(reference: string): Promise<CaseRecord | undefined>;
  /** A case with its version tag, to change it with `replaceCase`. */
  getCaseVersion(reference: string): Promise<Versioned<CaseRecord> | undefined>;
  /**
   * Replaces a case if it is unchanged since `etag` was read, and returns the new tag,
   * writing `also` (audit events, items) in the same write: one SQLite transaction, one
   * Cosmos DB transactional batch. All of it or none. A stale tag is a `ConflictError`;
   * see `updateCase` for the read-change-retry loop.
   */
  replaceCase(record: CaseRecord, etag: string, also?: CaseWrite): Promise<string>;
  /**
   * Every audit event is linked into its trail (`audit-chain.ts`) as it is written, here
   * and in `createCaseOnce` and `replaceCase`: numbered after the trail's head, carrying
   * its hash, and the head moved on, in the same write. Writers racing on one trail each
   * link after the other's event, never beside it.
   */
  appendAudit(event: AuditEvent): Promise<void>;
  /** A trail's events in order (a case's, or PARTNERSHIP_AUDIT's). */
  listAudit(caseId: string): Promise<ChainedAuditEvent[]>;
  /** A trail's head: its last event's number and hash; undefined if it has none. */
  getAuditHead(trail: string): Promise<AuditHead | undefined>;
  /** Every trail the store holds a head for: what `audit verify` checks. Cross-partition. */
  listAuditTrails(): Promise<string[]>;
  getSetting<K extends keyof Settings>(key: K): Promise<Settings[K] | undefined>;
  putSetting<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void>;
  /**
   * Cases with an effect due by `before` (their indexed next-due time), soonest first, a
   * page at a time: what the effects sweep reads. Across all cases: one of the two
   * cross-partition queries.
   */
  listDueCases(before: string, page: { limit: number; continuation?: string }): Promise<Page<DueCase>>;
  /**
   * Cases not yet closed, oldest reference first, a page at a time: what the business
   * unit and the leads have in hand (`my tasks`). A named cross-partition query.
   */
  listOpenCases(page: { limit: number; continuation?: string }): Promise<Page<CaseRecord>>;
  /** Every case, open or closed, oldest reference first, a page at a time: the annual summary's. Cross-partition. */
  listCases(page: { limit: number; continuation?: string }): Promise<Page<CaseRecord>>;
  /**
   * Adds an item once: true if it was added, false if the case already has an item
   * with that id (which is left as it was). A redelivered return is stored once.
   */
  addCaseItemOnce<T>(item: CaseItem<T>): Promise<boolean>;
  /** Creates or replaces an item (a draft: the last save wins). */
  putCaseItem<T>(item: CaseItem<T>): Promise<void>;
  getCaseItem<T>(caseId: string, id: string): Promise<CaseItem<T> | undefined>;
  /** A case's items of one type, oldest first (by `at`, then id): one partition's query. */
  listCaseItems<T>(caseId: string, type: CaseItemType): Promise<CaseItem<T>[]>;
  /** Deletes an item; nothing happens if there is none. */
  deleteCaseItem(caseId: string, id: string): Promise<void>;
  /**
   * Everything about a case is to be deleted at `expiresAt` (its retention ends). SQLite
   * has it from the closed case itself; Cosmos DB keeps a marker, which `listExpiries` reads.
   */
  setExpiry(caseId: string, expiresAt: string): Promise<void>;
  /** The closed cases waiting for their retention to end, soonest first. */
  listExpiries(): Promise<Expiry[]>;
  /**
   * Deletes a case and everything about it (its items, its audit trail and head, its
   * expiry; the case itself last), leaving `burial.tombstone`, and appends `burial.event`
   * (the purge) to the partnership's trail. Run again after a crash part-way, it finishes
   * the deletion and neither the tombstone nor the event is written twice. Without a
   * burial (the case itself is already gone) it deletes what is left.
   */
  purgeCase(reference: string, burial?: { tombstone: Tombstone; event: AuditEvent }): Promise<void>;
  /** What is left of each purged case. One small partition (Cosmos), one table (SQLite). */
  listTombstones(): Promise<Tombstone[]>;
  close(): Promise<void>;
}
