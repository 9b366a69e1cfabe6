import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AuditAction, AuditEvent } from '../review/audit.js';
import { linkEvents, type AuditHead, type ChainedAuditEvent } from '../review/audit-chain.js';
import type { Tombstone } from '../review/case-figures.js';
import { createdEvent, type CaseRecord } from '../review/case.js';
import { createSchema } from './sqlite-schema.js';
import { nextDueAt } from '../review/effects.js';
import {
  ConflictError,
  type CaseItem,
  type CaseItemType,
  type CaseStore,
  type CaseWrite,
  type DueCase,
  type Expiry,
  type Page,
  type Settings,
  type Versioned,
} from '../review/store.js';

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
  seq: number;
  prev: string;
  hash: string;
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
    // What is deleted or replaced (a purge, an erasure) is overwritten, not left in free pages.
    this.db.pragma('secure_delete = on');
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
  ): Promise<{ record: CaseRecord; created: boolean; etag: string }> {
    const create = this.db.transaction(() => {
      const existing = this.prepared<[string], { doc: string; etag: number }>('SELECT doc, etag FROM cases WHERE submission_key = ?').get(
        submissionKey,
      );
      if (existing) return { record: JSON.parse(existing.doc) as CaseRecord, created: false, etag: String(existing.etag) };
      const { last } = this.prepared<[number], { last: number }>(
        `INSERT INTO sequences (year, last) VALUES (?, 1)
           ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`,
      ).get(year)!;
      const record = build(last);
      this.prepared('INSERT INTO cases (id, year, sequence, submission_key, doc, next_due) VALUES (?, ?, ?, ?, ?, ?)').run(
        record.reference,
        year,
        last,
        submissionKey,
        JSON.stringify(record),
        nextDueAt(record) ?? null,
      );
      this.insertAudit([createdEvent(record, actor)]);
      return { record, created: true, etag: '1' };
    });
    return create.immediate();
  }

  async getCase(reference: string): Promise<CaseRecord | undefined> {
    const row = this.prepared<[string], { doc: string }>('SELECT doc FROM cases WHERE id = ?').get(reference);
    return row ? (JSON.parse(row.doc) as CaseRecord) : undefined;
  }

  async listOpenCases(page: { limit: number; continuation?: string }): Promise<Page<CaseRecord>> {
    return this.casesPage('closed_at IS NULL AND', page);
  }

  async listCases(page: { limit: number; continuation?: string }): Promise<Page<CaseRecord>> {
    return this.casesPage('', page);
  }

  /** Keyset paging on the reference, among the cases `where` keeps; the continuation is the last one returned. */
  private casesPage(where: 'closed_at IS NULL AND' | '', page: { limit: number; continuation?: string }): Page<CaseRecord> {
    const rows = this.prepared<[string, number], { doc: string }>(`SELECT doc FROM cases WHERE ${where} id > ? ORDER BY id LIMIT ?`).all(
      page.continuation ?? '',
      page.limit + 1,
    );
    const items = rows.slice(0, page.limit).map((r) => JSON.parse(r.doc) as CaseRecord);
    const last = items.at(-1);
    return rows.length > page.limit && last ? { items, continuation: last.reference } : { items };
  }

  async getCaseVersion(reference: string): Promise<Versioned<CaseRecord> | undefined> {
    const row = this.prepared<[string], { doc: string; etag: number }>('SELECT doc, etag FROM cases WHERE id = ?').get(reference);
    return row ? { value: JSON.parse(row.doc) as CaseRecord, etag: String(row.etag) } : undefined;
  }

  async replaceCase(record: CaseRecord, etag: string, also: CaseWrite = {}): Promise<string> {
    const replace = this.db.transaction(() => {
      // A closed case's expiry is written with the close itself, so a crash straight after cannot lose it.
      const result = this.prepared(
        'UPDATE cases SET doc = ?, next_due = ?, expires_at = COALESCE(?, expires_at), etag = etag + 1 WHERE id = ? AND etag = ?',
      ).run(JSON.stringify(record), nextDueAt(record) ?? null, record.expiresAt ?? null, record.reference, Number(etag));
      if (result.changes !== 1) throw new ConflictError(`case ${record.reference}`);
      this.insertAudit(also.audit ?? []);
      for (const item of also.items ?? []) this.insertItemOnce(item);
      return String(Number(etag) + 1);
    });
    return replace.immediate();
  }

  async listDueCases(before: string, page: { limit: number; continuation?: string }): Promise<Page<DueCase>> {
    // Keyset paging on (next_due, id): the continuation is the last row returned.
    const after: [string, string] = page.continuation ? (JSON.parse(page.continuation) as [string, string]) : ['', ''];
    const rows = this.prepared<[string, string, string, string, number], { id: string; next_due: string }>(
      `SELECT id, next_due FROM cases
         WHERE next_due IS NOT NULL AND next_due <= ? AND (next_due > ? OR (next_due = ? AND id > ?))
         ORDER BY next_due, id LIMIT ?`,
    ).all(before, after[0], after[0], after[1], page.limit + 1);
    const items = rows.slice(0, page.limit).map((r) => ({ reference: r.id, dueAt: r.next_due }));
    const last = items.at(-1);
    return rows.length > page.limit && last ? { items, continuation: JSON.stringify([last.dueAt, last.reference]) } : { items };
  }

  async appendAudit(event: AuditEvent): Promise<void> {
    this.db.transaction(() => this.insertAudit([event])).immediate();
  }

  /** Links events into their trails after each one's head, and moves the heads on: inside the caller's transaction. */
  private insertAudit(events: readonly AuditEvent[]): void {
    for (const trail of new Set(events.map((e) => e.caseId))) {
      const head = this.prepared<[string], AuditHead>('SELECT seq, hash FROM audit_heads WHERE trail = ?').get(trail);
      const { linked, head: next } = linkEvents(
        events.filter((e) => e.caseId === trail),
        head,
      );
      for (const e of linked) {
        this.prepared('INSERT INTO audit (case_id, at, actor, action, detail, seq, prev, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
          e.caseId,
          e.at,
          e.actor,
          e.action,
          e.detail ?? null,
          e.seq,
          e.prev,
          e.hash,
        );
      }
      this.prepared(
        'INSERT INTO audit_heads (trail, seq, hash) VALUES (?, ?, ?) ON CONFLICT (trail) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
      ).run(trail, next!.seq, next!.hash);
    }
  }

  async listAudit(caseId: string): Promise<ChainedAuditEvent[]> {
    return this.prepared<[string], AuditRow>(
      'SELECT case_id, at, actor, action, detail, seq, prev, hash FROM audit WHERE case_id = ? ORDER BY seq',
    )
      .all(caseId)
      .map((r) => ({
        caseId: r.case_id,
        at: r.at,
        actor: r.actor,
        action: r.action as AuditAction,
        ...(r.detail !== null && { detail: r.detail }),
        seq: r.seq,
        prev: r.prev,
        hash: r.hash,
      }));
  }

  async getAuditHead(trail: string): Promise<AuditHead | undefined> {
    return this.prepared<[string], AuditHead>('SELECT seq, hash FROM audit_heads WHERE trail = ?').get(trail);
  }

  async listAuditTrails(): Promise<string[]> {
    return this.prepared<[], { trail: string }>('SELECT trail FROM audit_heads ORDER BY trail')
      .all()
      .map((r) => r.trail);
  }

  async getSetting<K extends keyof Settings>(key: K): Promise<Settings[K] | undefined> {
    const row = this.prepared<[string], { value: string }>('SELECT value FROM settings WHERE key = ?').get(key);
    return row ? (JSON.parse(row.value) as Settings[K]) : undefined;
  }

  async putSetting<K extends keyof Settings>(key: K, value: Settings[K]): Promise<void> {
    this.prepared('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
      key,
      JSON.stringify(value),
    );
  }

  async addCaseItemOnce<T>(item: CaseItem<T>): Promise<boolean> {
    return this.insertItemOnce(item);
  }

  private insertItemOnce<T>(item: CaseItem<T>): boolean {
    const result = this.prepared(
      `INSERT INTO case_items (case_id, id, type, at, doc) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (case_id, id) DO NOTHING`,
    ).run(item.caseId, item.id, item.type, item.at, JSON.stringify(item.doc));
    return result.changes === 1;
  }

  async putCaseItem<T>(item: CaseItem<T>): Promise<void> {
    this.prepared(
      `INSERT INTO case_items (case_id, id, type, at, doc) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (case_id, id) DO UPDATE SET type = excluded.type, at = excluded.at, doc = excluded.doc`,
    ).run(item.caseId, item.id, item.type, item.at, JSON.stringify(item.doc));
  }

  async getCaseItem<T>(caseId: string, id: string): Promise<CaseItem<T> | undefined> {
    const row = this.prepared<[string, string], CaseItemRow>('SELECT * FROM case_items WHERE case_id = ? AND id = ?').get(caseId, id);
    return row ? toCaseItem<T>(row) : undefined;
  }

  async listCaseItems<T>(caseId: string, type: CaseItemType): Promise<CaseItem<T>[]> {
    return this.prepared<[string, string], CaseItemRow>('SELECT * FROM case_items WHERE case_id = ? AND type = ? ORDER BY at, id')
      .all(caseId, type)
      .map((r) => toCaseItem<T>(r));
  }

  async deleteCaseItem(caseId: string, id: string): Promise<void> {
    this.prepared('DELETE FROM case_items WHERE case_id = ? AND id = ?').run(caseId, id);
  }

  async setExpiry(caseId: string, expiresAt: string): Promise<void> {
    this.prepared('UPDATE cases SET expires_at = ? WHERE id = ?').run(expiresAt, caseId);
  }

  async listExpiries(): Promise<Expiry[]> {
    return this.prepared<[], { id: string; expires_at: string }>(
      'SELECT id, expires_at FROM cases WHERE expires_at IS NOT NULL ORDER BY expires_at, id',
    )
      .all()
      .map((r) => ({ reference: r.id, expiresAt: r.expires_at }));
  }

  async purgeCase(reference: string, burial?: { tombstone: Tombstone; event: AuditEvent }): Promise<void> {
    const purge = this.db.transaction(() => {
      const buried =
        burial &&
        this.prepared('INSERT INTO tombstones (reference, doc) VALUES (?, ?) ON CONFLICT (reference) DO NOTHING').run(
          reference,
          JSON.stringify(burial.tombstone),
        );
      if (burial && buried?.changes === 1) this.insertAudit([burial.event]);
      for (const table of ['audit', 'case_items']) this.prepared(`DELETE FROM ${table} WHERE case_id = ?`).run(reference);
      this.prepared('DELETE FROM audit_heads WHERE trail = ?').run(reference);
      this.prepared('DELETE FROM cases WHERE id = ?').run(reference);
    });
    purge.immediate();
  }

  async listTombstones(): Promise<Tombstone[]> {
    return this.prepared<[], { doc: string }>('SELECT doc FROM tombstones ORDER BY reference')
      .all()
      .map((r) => JSON.parse(r.doc) as Tombstone);
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
