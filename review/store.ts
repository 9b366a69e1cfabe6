import type { AuditEvent } from './audit.js';
import type { CaseRecord } from './case.js';

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

/** What a case keeps beside its record, each in the case's own partition. */
export type CaseItemType = 'return' | 'draft' | 'decision';

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

export type NotificationOutcome =
  /** Where the message is: its id and, for a new channel thread, its conversation. */
  | { status: 'sent'; activityId?: string; conversationId?: string }
  | { status: 'failed'; error: string }
  /** No longer needed when its time came (a reminder for a return that has arrived). */
  | { status: 'skipped'; error: string };

/** Side effects Panel owes: posts and requests it claims as it makes them; reminders it schedules ahead. */
export type NotificationKind =
  | 'channelPost'
  | 'leadRequest'
  | 'reminder'
  | 'escalation'
  | 'holdEnd'
  | 'feedback'
  | 'reviewReminder'
  | 'agendaPost';

export interface NotificationClaim {
  /** Unique per side effect, e.g. `channel-post:REF-2026-0007`. */
  key: string;
  caseId: string;
  kind: NotificationKind;
  at: string;
  /**
   * Until when the claimant holds it (default: NOTIFICATION_LEASE_MS after `at`). If it
   * is still pending then, its claimant died between claiming and finishing, and the
   * outbox sweep takes it over.
   */
  leaseUntil?: string;
  /** What doing it again needs, e.g. whom a request goes to: identifiers, never personal data. */
  payload?: Record<string, string>;
}

/** How long a claimant holds a notification before the outbox sweep may take it over. */
export const NOTIFICATION_LEASE_MS = 120_000;

/** The key of the notification that posts a case's card to the business unit's channel. */
export const channelPostKey = (reference: string) => `channel-post:${reference}`;

/** When a claim's lease ends. */
export const leaseEnd = (claim: Pick<NotificationClaim, 'at' | 'leaseUntil'>): string =>
  claim.leaseUntil ?? new Date(Date.parse(claim.at) + NOTIFICATION_LEASE_MS).toISOString();

/** A side effect Panel owes: claimed, then sent or failed. */
export interface Notification extends NotificationClaim {
  status: 'pending' | 'sent' | 'failed' | 'skipped';
  /** When it is (or was) due to be attempted: the claim time, or the time it was scheduled for. */
  dueAt: string;
  leaseUntil: string;
  activityId?: string;
  conversationId?: string;
  error?: string;
  completedAt?: string;
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
   * sequence number and `build` turns it into the record. The case's first audit event
   * (`case.created`, by `actor`, at the record's `receivedAt`) is written with it: in
   * the same transaction (SQLite), or by each delivery of the submission until it is
   * there (Cosmos DB). A second call with the same key returns the first case,
   * `created: false`, and allocates nothing.
   *
   * `claims` are side effects the new case owes (its post to the business unit's
   * channel), claimed with it. `created` is true for the one caller that holds them and
   * so does them; the outbox sweep takes them over if that caller dies first. With no
   * claims, it is true for the caller that made the case. On SQLite the claims are in the
   * case's transaction, so their holder made the case. On Cosmos DB they are written
   * before the case, so no case is without them; a failure in between leaves claims with
   * no case, pending, which a later delivery of the submission holds again (the outbox
   * lets them go only after a day; see storage/cosmos-create.ts and scheduler/outbox.ts).
   * Whatever the interleaving, one caller holds a claim at a time, and nobody holds one
   * that was sent or failed.
   */
  createCaseOnce(
    submissionKey: string,
    year: number,
    build: (sequence: number) => CaseRecord,
    actor: string,
    claims?: (record: CaseRecord) => NotificationClaim[],
  ): Promise<{ record: CaseRecord; created: boolean }>;
  getCase(reference: string): Promise<CaseRecord | undefined>;
  /** A case with its version tag, to change it with `replaceCase`. */
  getCaseVersion(reference: string): Promise<Versioned<CaseRecord> | undefined>;
  /**
   * Replaces a case if it is unchanged since `etag` was read, and returns the new tag.
   * A stale tag is a `ConflictError`; see `updateCase` for the read-change-retry loop.
   */
  replaceCase(record: CaseRecord, etag: string): Promise<string>;
  appendAudit(event: AuditEvent): Promise<void>;
  listAudit(caseId: string): Promise<AuditEvent[]>;
  getSetting<K extends keyof Settings>(key: K): Promise<Settings[K] | undefined>;
  putSetting<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void>;
  /**
   * Records the intent to perform a side effect once. True for the first claimant
   * only; everyone else must not perform it.
   */
  claimNotification(claim: NotificationClaim): Promise<boolean>;
  /**
   * Records a side effect due later (a reminder), once per key: true if it was new. It
   * is pending and held by nobody, so the sweep takes it once `dueAt` has come.
   */
  scheduleNotification(intent: {
    key: string;
    caseId: string;
    kind: NotificationKind;
    dueAt: string;
    payload?: Record<string, string>;
  }): Promise<boolean>;
  /**
   * Records how a claimed notification ended, with the audit event that says so: in one
   * transaction (SQLite), or the outcome first and then the event (Cosmos DB). Only a
   * notification still pending takes an outcome, so a late failure never overwrites a
   * send; with `heldUntil` (the end of the caller's lease), only while the caller still
   * holds it, not after the outbox took it over. False, and nothing written, otherwise.
   */
  completeNotification(key: string, outcome: NotificationOutcome, event: AuditEvent, heldUntil?: string): Promise<boolean>;
  /**
   * Notifications still pending that were due by `before`, oldest first, a page at a
   * time: what the outbox sweep may have to do. A failed one is not in it (it stays
   * failed until someone acts, e.g. Resend). Across all cases: the one query that is.
   */
  listDueNotifications(before: string, page: { limit: number; continuation?: string }): Promise<Page<Notification>>;
  /**
   * Takes over a pending notification whose lease ran out by `lease.now` (its claimant
   * died), holding it until `lease.until`: a conditional write, so of several sweeps
   * (several instances) exactly one gets it. With `alsoLetGo`, one that was let go
   * (`skipped`) is taken too: a claim whose case was made after the outbox found it
   * missing. Never one that was sent or failed, nor one somebody still holds.
   */
  takeOverNotification(caseId: string, key: string, lease: { now: string; until: string; alsoLetGo?: boolean }): Promise<boolean>;
  /**
   * Cases not yet closed, oldest reference first, a page at a time: what the business
   * unit and the leads have in hand (`my tasks`). A named cross-partition query.
   */
  listOpenCases(page: { limit: number; continuation?: string }): Promise<Page<CaseRecord>>;
  /** One notification by its key, whatever its state. */
  getNotification(caseId: string, key: string): Promise<Notification | undefined>;
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
   * Everything about a case is to be deleted at `expiresAt` (its retention ends).
   * Cosmos DB sets a TTL on each item; SQLite records the date for `purgeExpired`.
   */
  setExpiry(caseId: string, expiresAt: string): Promise<void>;
  /**
   * Deletes everything about the cases whose retention ended by `now`, and says how
   * many cases went. SQLite's scheduled purge; for Cosmos DB it sweeps up what TTL has
   * not (items written after the expiry was set).
   */
  purgeExpired(now: string): Promise<number>;
  close(): Promise<void>;
}
