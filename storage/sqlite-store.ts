import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditAction, AuditEvent } from '../review/audit.js';
import { createdEvent, type CaseRecord } from '../review/case.js';
import { createSchema } from './sqlite-schema.js';
import {
  ConflictError,
  type CaseItem,
  type CaseItemType,
  leaseEnd,
  type CaseStore,
  type NotificationKind,
  type Notification,
  type NotificationClaim,
  type NotificationOutcome,
  type Page,
  type Settings,
  type Versioned,
} from '../review/store.js';

interface NotificationRow {
  key: string;
  case_id: string;
  kind: string;
  status: string;
  activity_id: string | null;
  conversation_id: string | null;
  error: string | null;
  claimed_at: string;
  due_at: string;
  completed_at: string | null;
  lease_until: string;
  payload: string | null;
}

function toNotification(r: NotificationRow): Notification {
  return {
    key: r.key,
    caseId: r.case_id,
    kind: r.kind as Notification['kind'],
    status: r.status as Notification['status'],
    at: r.claimed_at,
    dueAt: r.due_at,
    leaseUntil: r.lease_until,
    ...(r.payload !== null && { payload: JSON.parse(r.payload) as Record<string, string> }),
    ...(r.activity_id !== null && { activityId: r.activity_id }),
    ...(r.conversation_id !== null && { conversationId: r.conversation_id }),
    ...(r.error !== null && { error: r.error }),
    ...(r.completed_at !== null && { completedAt: r.completed_at }),
  };
}

interface CaseItemRow {
  case_id: string;
  id: string;
  type: string;
  at: string;
  doc: string;
}

function toCaseItem<T>(r: CaseItemRow): CaseItem<T> {
  return { caseId: r.case_id, id: r.id, type: r.type as CaseItemType, at: r.at, doc: JSON.parse(r.doc) as T };
}

interface AuditRow {
  case_id: string;
  at: string;
  actor: string;
  action: string;
  detail: string | null;
}

/** How hard SQLite makes sure a commit is on disk: SQLITE_SYNCHRONOUS. */
export type SqliteSynchronous = 'normal' | 'full';

/**
 * The embedded store: one SQLite file in WAL mode. better-sqlite3 is synchronous, and
 * every write that reads first runs in an IMMEDIATE transaction, so several Panel
 * processes on one file still never hand out a reference twice.
 */
export class SqliteStore implements CaseStore {
  private readonly db: Database.Database;

  /**
   * `synchronous` NORMAL (the default) syncs the WAL to disk at checkpoints, not at
   * every commit: a commit survives Panel crashing, but the last few may be lost if
   * the machine loses power. FULL syncs every commit, at about a quarter less throughput.
   */
  constructor(path: string, options: { synchronous?: SqliteSynchronous } = {}) {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('busy_timeout = 5000');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'normal'}`);
    createSchema(this.db);
  }

  private readonly statements = new Map<string, Database.Statement>();

  /** Statements are compiled once: preparing costs more than running. */
  private prepared<P extends unknown[] = unknown[], R = unknown>(sql: string): Database.Statement<P, R> {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement as unknown as Database.Statement<P, R>;
  }

  async createCaseOnce(
    submissionKey: string,
    year: number,
    build: (sequence: number) => CaseRecord,
    actor: string,
    claims: (record: CaseRecord) => NotificationClaim[] = () => [],
  ): Promise<{ record: CaseRecord; created: boolean }> {
    const create = this.db.transaction(() => {
      const existing = this
        .prepared<[string], { doc: string }>('SELECT doc FROM cases WHERE submission_key = ?')
        .get(submissionKey);
      if (existing) return { record: JSON.parse(existing.doc) as CaseRecord, created: false };
      const { last } = this
        .prepared<[number], { last: number }>(
          `INSERT INTO sequences (year, last) VALUES (?, 1)
           ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`,
        )
        .get(year)!;
      const record = build(last);
      this
        .prepared('INSERT INTO cases (id, year, sequence, submission_key, doc) VALUES (?, ?, ?, ?, ?)')
        .run(record.reference, year, last, submissionKey, JSON.stringify(record));
      this.insertAudit(createdEvent(record, actor));
      for (const claim of claims(record)) this.insertNotification(claim, claim.at, leaseEnd(claim));
      return { record, created: true };
    });
    return create.immediate();
  }

  async getCase(reference: string): Promise<CaseRecord | undefined> {
    const row = this.prepared<[string], { doc: string }>('SELECT doc FROM cases WHERE id = ?').get(reference);
    return row ? (JSON.parse(row.doc) as CaseRecord) : undefined;
  }

  async listOpenCases(page: { limit: number; continuation?: string }): Promise<Page<CaseRecord>> {
    // Keyset paging on the reference; the continuation is the last one returned.
    const rows = this
      .prepared<[string, number], { id: string; doc: string }>(
        'SELECT id, doc FROM cases WHERE closed_at IS NULL AND id > ? ORDER BY id LIMIT ?',
      )
      .all(page.continuation ?? '', page.limit + 1);
    const items = rows.slice(0, page.limit).map((r) => JSON.parse(r.doc) as CaseRecord);
    const last = items.at(-1);
    return rows.length > page.limit && last ? { items, continuation: last.reference } : { items };
  }

  async getCaseVersion(reference: string): Promise<Versioned<CaseRecord> | undefined> {
    const row = this
      .prepared<[string], { doc: string; etag: number }>('SELECT doc, etag FROM cases WHERE id = ?')
      .get(reference);
    return row ? { value: JSON.parse(row.doc) as CaseRecord, etag: String(row.etag) } : undefined;
  }

  async replaceCase(record: CaseRecord, etag: string): Promise<string> {
    const result = this
      .prepared('UPDATE cases SET doc = ?, etag = etag + 1 WHERE id = ? AND etag = ?')
      .run(JSON.stringify(record), record.reference, Number(etag));
    if (result.changes !== 1) throw new ConflictError(`case ${record.reference}`);
    return String(Number(etag) + 1);
  }

  async appendAudit(event: AuditEvent): Promise<void> {
    this.insertAudit(event);
  }

  private insertAudit(event: AuditEvent): void {
    this
      .prepared('INSERT INTO audit (case_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)')
      .run(event.caseId, event.at, event.actor, event.action, event.detail ?? null);
  }

  async listAudit(caseId: string): Promise<AuditEvent[]> {
    return this
      .prepared<[string], AuditRow>('SELECT case_id, at, actor, action, detail FROM audit WHERE case_id = ? ORDER BY id')
      .all(caseId)
      .map((r) => ({
        caseId: r.case_id,
        at: r.at,
        actor: r.actor,
        action: r.action as AuditAction,
        ...(r.detail !== null && { detail: r.detail }),
      }));
  }

  async getSetting<K extends keyof Settings>(key: K): Promise<Settings[K] | undefined> {
    const row = this.prepared<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key);
    return row ? (JSON.parse(row.value) as Settings[K]) : undefined;
  }

  async putSetting<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void> {
    this
      .prepared('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(key, JSON.stringify(value));
  }

  async claimNotification(claim: NotificationClaim): Promise<boolean> {
    return this.insertNotification(claim, claim.at, leaseEnd(claim));
  }

  async scheduleNotification(intent: {
    key: string;
    caseId: string;
    kind: NotificationKind;
    dueAt: string;
    payload?: Record<string, string>;
  }): Promise<boolean> {
    return this.insertNotification({ ...intent, at: intent.dueAt }, intent.dueAt, intent.dueAt);
  }

  /** Adds a pending notification once: false if its key is taken. */
  private insertNotification(n: NotificationClaim, dueAt: string, leaseUntil: string): boolean {
    const result = this
      .prepared(
        `INSERT INTO notifications (key, case_id, kind, status, claimed_at, due_at, lease_until, payload)
         VALUES (?, ?, ?, 'pending', ?, ?, ?, ?)
         ON CONFLICT (key) DO NOTHING`,
      )
      .run(n.key, n.caseId, n.kind, n.at, dueAt, leaseUntil, n.payload ? JSON.stringify(n.payload) : null);
    return result.changes === 1;
  }

  async takeOverNotification(caseId: string, key: string, lease: { now: string; until: string; alsoLetGo?: boolean }): Promise<boolean> {
    const result = this
      .prepared(
        `UPDATE notifications SET status = 'pending', lease_until = ?, error = NULL, completed_at = NULL
         WHERE key = ? AND case_id = ? AND ((status = 'pending' AND lease_until <= ?) OR (? AND status = 'skipped'))`,
      )
      .run(lease.until, key, caseId, lease.now, lease.alsoLetGo ? 1 : 0);
    return result.changes === 1;
  }

  async completeNotification(key: string, outcome: NotificationOutcome, event: AuditEvent, heldUntil?: string): Promise<boolean> {
    return this.db.transaction(() => {
      if (!this.recordOutcome(key, outcome, event.at, heldUntil)) return false;
      this.insertAudit(event);
      return true;
    })();
  }

  /** Records the outcome of a notification still pending (and held until `heldUntil`, if given): false if it was not. */
  private recordOutcome(key: string, outcome: NotificationOutcome, at: string, heldUntil: string | undefined): boolean {
    const result = this
      .prepared(
        `UPDATE notifications SET status = ?, activity_id = ?, conversation_id = ?, error = ?, completed_at = ?
         WHERE key = ? AND status = 'pending' AND (? IS NULL OR lease_until = ?)`,
      )
      .run(
        outcome.status,
        outcome.status === 'sent' ? (outcome.activityId ?? null) : null,
        outcome.status === 'sent' ? (outcome.conversationId ?? null) : null,
        outcome.status === 'sent' ? null : outcome.error,
        at,
        key,
        heldUntil ?? null,
        heldUntil ?? null,
      );
    return result.changes === 1;
  }

  async listDueNotifications(
    before: string,
    page: { limit: number; continuation?: string },
  ): Promise<Page<Notification>> {
    // The continuation is the (due_at, key) of the last row returned: keyset paging.
    const after: [string, string] = page.continuation ? (JSON.parse(page.continuation) as [string, string]) : ['', ''];
    const rows = this
      .prepared<[string, string, string, string, number], NotificationRow>(
        `SELECT * FROM notifications
         WHERE status = 'pending' AND due_at <= ? AND (due_at > ? OR (due_at = ? AND key > ?))
         ORDER BY due_at, key LIMIT ?`,
      )
      .all(before, after[0], after[0], after[1], page.limit + 1);
    const items = rows.slice(0, page.limit).map(toNotification);
    const last = items.at(-1);
    return rows.length > page.limit && last
      ? { items, continuation: JSON.stringify([last.dueAt, last.key]) }
      : { items };
  }

  async getNotification(caseId: string, key: string): Promise<Notification | undefined> {
    const row = this
      .prepared<[string, string], NotificationRow>('SELECT * FROM notifications WHERE key = ? AND case_id = ?')
      .get(key, caseId);
    return row ? toNotification(row) : undefined;
  }

  async addCaseItemOnce<T>(item: CaseItem<T>): Promise<boolean> {
    const result = this
      .prepared(
        `INSERT INTO case_items (case_id, id, type, at, doc) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (case_id, id) DO NOTHING`,
      )
      .run(item.caseId, item.id, item.type, item.at, JSON.stringify(item.doc));
    return result.changes === 1;
  }

  async putCaseItem<T>(item: CaseItem<T>): Promise<void> {
    this
      .prepared(
        `INSERT INTO case_items (case_id, id, type, at, doc) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (case_id, id) DO UPDATE SET type = excluded.type, at = excluded.at, doc = excluded.doc`,
      )
      .run(item.caseId, item.id, item.type, item.at, JSON.stringify(item.doc));
  }

  async getCaseItem<T>(caseId: string, id: string): Promise<CaseItem<T> | undefined> {
    const row = this
      .prepared<[string, string], CaseItemRow>('SELECT * FROM case_items WHERE case_id = ? AND id = ?')
      .get(caseId, id);
    return row ? toCaseItem<T>(row) : undefined;
  }

  async listCaseItems<T>(caseId: string, type: CaseItemType): Promise<CaseItem<T>[]> {
    return this
      .prepared<[string, string], CaseItemRow>('SELECT * FROM case_items WHERE case_id = ? AND type = ? ORDER BY at, id')
      .all(caseId, type)
      .map((r) => toCaseItem<T>(r));
  }

  async deleteCaseItem(caseId: string, id: string): Promise<void> {
    this.prepared('DELETE FROM case_items WHERE case_id = ? AND id = ?').run(caseId, id);
  }

  async setExpiry(caseId: string, expiresAt: string): Promise<void> {
    this.prepared('UPDATE cases SET expires_at = ? WHERE id = ?').run(expiresAt, caseId);
  }

  async purgeExpired(now: string): Promise<number> {
    const purge = this.db.transaction(() => {
      const ids = this
        .prepared<[string], { id: string }>('SELECT id FROM cases WHERE expires_at IS NOT NULL AND expires_at <= ?')
        .all(now)
        .map((r) => r.id);
      for (const id of ids) {
        for (const table of ['audit', 'notifications', 'case_items']) {
          this.prepared(`DELETE FROM ${table} WHERE case_id = ?`).run(id);
        }
        this.prepared('DELETE FROM cases WHERE id = ?').run(id);
      }
      return ids.length;
    });
    return purge.immediate();
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
