import type Database from 'better-sqlite3';
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
  detail TEXT
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
  const hasNotifications = () => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'notifications'").get();
  // Checked again inside the transaction: another process opening the same file may have moved them first.
  if (hasNotifications()) db.transaction(() => hasNotifications() && moveNotifications(db)).immediate();
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
