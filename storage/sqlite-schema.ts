import type Database from 'better-sqlite3';

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
CREATE TABLE IF NOT EXISTS notifications (
  key TEXT PRIMARY KEY,
  case_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  activity_id TEXT,
  conversation_id TEXT,
  error TEXT,
  claimed_at TEXT NOT NULL,
  due_at TEXT NOT NULL,
  completed_at TEXT,
  lease_until TEXT NOT NULL DEFAULT '',
  payload TEXT
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
DROP INDEX IF EXISTS notifications_due;
CREATE INDEX IF NOT EXISTS notifications_pending ON notifications (due_at, key) WHERE status = 'pending';
CREATE INDEX IF NOT EXISTS case_items_by_type ON case_items (case_id, type, at, id);
CREATE INDEX IF NOT EXISTS cases_open ON cases (id) WHERE closed_at IS NULL;
`;

/** Columns added since a file was first made, added to older files. */
function migrate(db: Database.Database): void {
  const columns = new Set(
    (db.pragma('table_info(notifications)') as { name: string }[]).map((c) => c.name),
  );
  if (!columns.has('due_at')) {
    db.exec("ALTER TABLE notifications ADD COLUMN due_at TEXT NOT NULL DEFAULT ''");
    db.exec("UPDATE notifications SET due_at = claimed_at WHERE due_at = ''");
  }
  if (!columns.has('lease_until')) db.exec("ALTER TABLE notifications ADD COLUMN lease_until TEXT NOT NULL DEFAULT ''");
  if (!columns.has('payload')) db.exec('ALTER TABLE notifications ADD COLUMN payload TEXT');
  if (!columns.has('conversation_id')) db.exec('ALTER TABLE notifications ADD COLUMN conversation_id TEXT');
  const caseColumns = new Set((db.pragma('table_xinfo(cases)') as { name: string }[]).map((c) => c.name));
  if (!caseColumns.has('expires_at')) db.exec('ALTER TABLE cases ADD COLUMN expires_at TEXT');
  if (!caseColumns.has('closed_at')) {
    db.exec("ALTER TABLE cases ADD COLUMN closed_at TEXT GENERATED ALWAYS AS (json_extract(doc, '$.closedAt')) VIRTUAL");
  }
}
