import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../review/audit-chain.js';
import { formatReference } from '../../review/case.js';
import { SqliteStore } from '../../storage/sqlite-store.js';
import { caseRecord } from '../unit/fixtures.js';

/**
 * A SQLite file made by the first release (no expiry or next-due columns, side effects
 * in a notifications table of their own) opens with this one: the columns are added, and
 * each case's notifications move into it as effects.
 */
describe('a SQLite file from the first release', () => {
  const dir = mkdtempSync(join(tmpdir(), 'panel-upgrade-'));
  const path = join(dir, 'panel.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is upgraded in place, and its pending notification becomes its case's due effect", async () => {
    const old = new Database(path);
    old.exec(`
      CREATE TABLE cases (id TEXT PRIMARY KEY, year INTEGER NOT NULL, sequence INTEGER NOT NULL,
        submission_key TEXT NOT NULL UNIQUE, doc TEXT NOT NULL, etag INTEGER NOT NULL DEFAULT 1, UNIQUE (year, sequence));
      CREATE TABLE sequences (year INTEGER PRIMARY KEY, last INTEGER NOT NULL);
      CREATE TABLE audit (id INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, detail TEXT);
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE notifications (key TEXT PRIMARY KEY, case_id TEXT NOT NULL, kind TEXT NOT NULL, status TEXT NOT NULL,
        activity_id TEXT, error TEXT, claimed_at TEXT NOT NULL, completed_at TEXT);
    `);
    const reference = formatReference(2026, 1);
    old
      .prepare('INSERT INTO cases (id, year, sequence, submission_key, doc) VALUES (?, 2026, 1, ?, ?)')
      .run(reference, 'k', JSON.stringify(caseRecord({ reference, sequence: 1 })));
    const sent = formatReference(2026, 2);
    old
      .prepare('INSERT INTO cases (id, year, sequence, submission_key, doc) VALUES (?, 2026, 2, ?, ?)')
      .run(sent, 'k2', JSON.stringify(caseRecord({ reference: sent, sequence: 2 })));
    const notification = old.prepare(
      'INSERT INTO notifications (key, case_id, kind, status, claimed_at, activity_id, completed_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const audit = old.prepare("INSERT INTO audit (case_id, at, actor, action) VALUES (?, '2026-12-01T10:00:00.000Z', 'x', ?)");
    audit.run(reference, 'case.created');
    audit.run(sent, 'case.created');
    audit.run(reference, 'case.viewed');
    notification.run(`channel-post:${reference}`, reference, 'channelPost', 'pending', '2026-12-01T10:00:00.000Z', null, null);
    notification.run(`channel-post:${sent}`, sent, 'channelPost', 'sent', '2026-12-01T10:00:00.000Z', 'a1', '2026-12-01T10:00:01.000Z');
    // The business unit's agenda belonged to no case: it is dropped.
    notification.run('agenda-post:m1', 'partnership', 'agendaPost', 'pending', '2026-12-01T10:00:00.000Z', null, null);
    old.close();

    const store = new SqliteStore(path);
    expect((await store.getCase(reference))?.reference).toBe(reference);
    expect((await store.listOpenCases({ limit: 10 })).items.map((c) => c.reference)).toEqual([reference, sent]);
    // The pending post moved into its case, due; the sent one is kept with its message.
    expect((await store.getCase(reference))?.effects).toEqual({
      'channel-post': { key: 'channel-post', kind: 'channelPost', status: 'pending', dueAt: '2026-12-01T10:00:00.000Z', attempts: 0 },
    });
    expect((await store.getCase(sent))?.effects?.['channel-post']).toMatchObject({
      status: 'sent',
      activityId: 'a1',
      doneAt: '2026-12-01T10:00:01.000Z',
    });
    const due = await store.listDueCases('2026-12-02T00:00:00.000Z', { limit: 10 });
    expect(due.items).toEqual([{ reference, dueAt: '2026-12-01T10:00:00.000Z' }]);
    const tables = new Database(path, { readonly: true })
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'notifications'")
      .all();
    expect(tables).toEqual([]);
    // Its audit rows are linked into their trails in the order they were written.
    const trail = await store.listAudit(reference);
    expect(trail.map((e) => [e.seq, e.action])).toEqual([
      [1, 'case.created'],
      [2, 'case.viewed'],
    ]);
    expect(verifyTrail(reference, trail, await store.getAuditHead(reference))).toBeUndefined();
    await store.appendAudit({ caseId: sent, at: '2026-12-02T10:00:00.000Z', actor: 'y', action: 'case.viewed' });
    expect((await store.listAudit(sent)).map((e) => e.seq)).toEqual([1, 2]);
    await store.setExpiry(reference, '2030-01-01T00:00:00.000Z');
    await store.close();
  });
});
