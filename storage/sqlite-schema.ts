import type Database from 'better-sqlite3';
import type { AuditAction } from '../review/audit.js';
import { linkEvents, type AuditHead } from '../review/audit-chain.js';
import type { CaseRecord } from '../review/case.js';
import { withNotifications, type OldNotification } from './upgrade-notifications.js';

/**
 * The embedded store's tables and indexes. A file from an earlier release is brought up
 * to date in place: missing tables are made, missing columns added, then the indexes.
 */
export function createSchema(db: Database.Database): void {
  db.exec(SCHEMA);
  migrate(db);
  db.exec(INDEXES);
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS cases (
  id TEXT PRIMARY KEY,
  year INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  submission_key TEXT NOT NULL UNIQUE,
  doc TEXT NOT NULL,
  etag INTEGER NOT NULL DEFAULT 1,
  expires_at TEXT,
  next_due TEXT,
  UNIQUE (year, sequence)
);
CREATE TABLE IF NOT EXISTS sequences (
  year INTEGER PRIMARY KEY,
  last INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  case_id TEXT NOT NULL,
  at TEXT NOT NULL,
  actor TEXT NOT NULL,
  action TEXT NOT NULL,
  detail TEXT,
  seq INTEGER,
  prev TEXT,
  hash TEXT
);
CREATE TABLE IF NOT EXISTS audit_heads (
  trail TEXT PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tombstones (
  reference TEXT PRIMARY KEY,
  doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS case_items (
  case_id TEXT NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  at TEXT NOT NULL,
  doc TEXT NOT NULL,
  PRIMARY KEY (case_id, id)
);
`;

/** Indexes come after the columns they need, which an older file gains in `migrate`. */
const INDEXES = `
CREATE INDEX IF NOT EXISTS cases_expiry ON cases (expires_at) WHERE expires_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS audit_by_case ON audit (case_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS audit_chain ON audit (case_id, seq);
CREATE INDEX IF NOT EXISTS cases_due ON cases (next_due, id) WHERE next_due IS NOT NULL;
CREATE INDEX IF NOT EXISTS case_items_by_type ON case_items (case_id, type, at, id);
CREATE INDEX IF NOT EXISTS cases_open ON cases (id) WHERE closed_at IS NULL;
`;

/** Columns added since a file was first made, added to older files; old notifications moved into their cases. */
function migrate(db: Database.Database): void {
  const caseColumns = new Set((db.pragma('table_xinfo(cases)') as { name: string }[]).map((c) => c.name));
  if (!caseColumns.has('expires_at')) db.exec('ALTER TABLE cases ADD COLUMN expires_at TEXT');
  if (!caseColumns.has('next_due')) db.exec('ALTER TABLE cases ADD COLUMN next_due TEXT');
  if (!caseColumns.has('closed_at')) {
    db.exec("ALTER TABLE cases ADD COLUMN closed_at TEXT GENERATED ALWAYS AS (json_extract(doc, '$.closedAt')) VIRTUAL");
  }
  const auditColumns = new Set((db.pragma('table_xinfo(audit)') as { name: string }[]).map((c) => c.name));
  for (const column of ['seq INTEGER', 'prev TEXT', 'hash TEXT']) {
    if (!auditColumns.has(column.split(' ')[0]!)) db.exec(`ALTER TABLE audit ADD COLUMN ${column}`);
  }
  db.transaction(() => chainUnlinkedAudit(db)).immediate();
  const hasNotifications = () => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'notifications'").get();
  // Checked again inside the transaction: another process opening the same file may have moved them first.
  if (hasNotifications()) db.transaction(() => hasNotifications() && moveNotifications(db)).immediate();
}

interface UnlinkedRow {
  id: number;
  case_id: string;
  at: string;
  actor: string;
  action: AuditAction;
  detail: string | null;
}

/**
 * Audit rows of a file from before the trails were chained, linked now in the order they
 * were written: the chain proves nothing was changed after this upgrade, not before.
 */
function chainUnlinkedAudit(db: Database.Database): void {
  const rows = db.prepare('SELECT id, case_id, at, actor, action, detail FROM audit WHERE hash IS NULL ORDER BY id').all() as UnlinkedRow[];
  if (rows.length === 0) return;
  const readHead = db.prepare<[string], AuditHead>('SELECT seq, hash FROM audit_heads WHERE trail = ?');
  const link = db.prepare('UPDATE audit SET seq = ?, prev = ?, hash = ? WHERE id = ?');
  const heads = new Map<string, AuditHead | undefined>();
  for (const r of rows) {
    const head = heads.has(r.case_id) ? heads.get(r.case_id) : readHead.get(r.case_id);
    const event = { caseId: r.case_id, at: r.at, actor: r.actor, action: r.action, ...(r.detail !== null && { detail: r.detail }) };
    const { linked, head: next } = linkEvents([event], head);
    link.run(linked[0]!.seq, linked[0]!.prev, linked[0]!.hash, r.id);
    heads.set(r.case_id, next);
  }
  const writeHead = db.prepare(
    'INSERT INTO audit_heads (trail, seq, hash) VALUES (?, ?, ?) ON CONFLICT (trail) DO UPDATE SET seq = excluded.seq, hash = excluded.hash',
  );
  for (const [trail, head] of heads) writeHead.run(trail, head!.seq, head!.hash);
}

interface NotificationRow {
  key: string;
  case_id: string;
  kind: string;
  status: string;
  due_at?: string;
  claimed_at: string;
  lease_until?: string;
  payload?: string | null;
  activity_id?: string | null;
  conversation_id?: string | null;
  error: string | null;
  completed_at: string | null;
}

/** The notifications table of a file from before the effects outbox, moved into the cases it belongs to, then dropped. */
function moveNotifications(db: Database.Database): void {
  const rows = db.prepare('SELECT * FROM notifications').all() as NotificationRow[];
  const byCase = new Map<string, OldNotification[]>();
  for (const r of rows) {
    const old: OldNotification = {
      key: r.key,
      caseId: r.case_id,
      kind: r.kind,
      status: r.status,
      dueAt: r.due_at || r.claimed_at,
      ...(r.lease_until && { leaseUntil: r.lease_until }),
      ...(r.payload && { payload: JSON.parse(r.payload) as Record<string, string> }),
      ...(r.activity_id && { activityId: r.activity_id }),
      ...(r.conversation_id && { conversationId: r.conversation_id }),
      ...(r.error && { error: r.error }),
      ...(r.completed_at && { completedAt: r.completed_at }),
    };
    byCase.set(r.case_id, [...(byCase.get(r.case_id) ?? []), old]);
  }
  const read = db.prepare<[string], { doc: string }>('SELECT doc FROM cases WHERE id = ?');
  const write = db.prepare('UPDATE cases SET doc = ?, next_due = ?, etag = etag + 1 WHERE id = ?');
  for (const [caseId, old] of byCase) {
    const row = read.get(caseId);
    if (!row) continue;
    const { record, nextDue } = withNotifications(JSON.parse(row.doc) as CaseRecord, old);
    write.run(JSON.stringify(record), nextDue ?? null, caseId);
  }
  db.exec('DROP TABLE notifications');
}
