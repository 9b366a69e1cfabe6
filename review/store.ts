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

/** Partnership-wide settings, by key. */
export interface Settings {
  referralChannel: ChannelAddress;
}

export type NotificationOutcome =
  | { status: 'sent'; activityId?: string }
  | { status: 'failed'; error: string };

export interface NotificationClaim {
  /** Unique per side effect, e.g. `channel-post:REF-2026-0007`. */
  key: string;
  caseId: string;
  kind: 'channelPost';
  at: string;
}

/**
 * The storage port: what the review workflow needs from a store. SQLite and Cosmos DB
 * implement it; one contract test suite holds both to it.
 */
export interface CaseStore {
  /**
   * Stores a new case exactly once per submission. The store allocates the year's next
   * sequence number and `build` turns it into the record. A second call with the same
   * key returns the first case, `created: false`, and allocates nothing.
   */
  createCaseOnce(
    submissionKey: string,
    year: number,
    build: (sequence: number) => CaseRecord,
  ): Promise<{ record: CaseRecord; created: boolean }>;
  getCase(reference: string): Promise<CaseRecord | undefined>;
  appendAudit(event: AuditEvent): Promise<void>;
  listAudit(caseId: string): Promise<AuditEvent[]>;
  getSetting<K extends keyof Settings>(key: K): Promise<Settings[K] | undefined>;
  putSetting<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void>;
  /**
   * Records the intent to perform a side effect once. True for the first claimant
   * only; everyone else must not perform it.
   */
  claimNotification(claim: NotificationClaim): Promise<boolean>;
  completeNotification(key: string, outcome: NotificationOutcome, at: string): Promise<void>;
  close(): Promise<void>;
}
