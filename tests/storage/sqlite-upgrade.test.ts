import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatReference } from '../../review/case.js';
import { SqliteStore } from '../../storage/sqlite-store.js';
import { caseRecord } from '../unit/fixtures.js';

/**
 * A SQLite file made by the first release (no expiry, due date, lease, payload or
 * thread columns) opens with this one: the columns are added, and what it held still works.
 */
describe('a SQLite file from the first release', () => {
  const dir = mkdtempSync(join(tmpdir(), 'panel-upgrade-'));
  const path = join(dir, 'panel.db');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is upgraded in place, and its pending notification becomes due', async () => {
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
    old.prepare('INSERT INTO cases (id, year, sequence, submission_key, doc) VALUES (?, 2026, 1, ?, ?)').run(
      reference,
      'k',
      JSON.stringify(caseRecord({ reference, sequence: 1 })),
    );
    old.prepare("INSERT INTO notifications (key, case_id, kind, status, claimed_at) VALUES ('channel-post:x', ?, 'channelPost', 'pending', '2026-12-01T10:00:00.000Z')").run(reference);
    old.close();

    const store = new SqliteStore(path);
    expect((await store.getCase(reference))?.reference).toBe(reference);
    expect((await store.listOpenCases({ limit: 10 })).items.map((c) => c.reference)).toEqual([reference]);
    const due = await store.listDueNotifications('2026-12-02T00:00:00.000Z', { limit: 10 });
    expect(due.items).toMatchObject([{ key: 'channel-post:x', dueAt: '2026-12-01T10:00:00.000Z', status: 'pending' }]);
    expect(await store.takeOverNotification(reference, 'channel-post:x', { now: '2026-12-02T00:00:00.000Z', until: '2026-12-02T00:02:00.000Z' })).toBe(true);
    // The post's thread, a column added since, is kept and read back.
    await store.completeNotification(
      'channel-post:x',
      { status: 'sent', activityId: 'a1', conversationId: '19:c@thread.tacv2;messageid=a1' },
      { caseId: reference, at: '2026-12-02T00:01:00.000Z', actor: 'panel', action: 'channel.posted' },
    );
    expect(await store.getNotification(reference, 'channel-post:x')).toMatchObject({
      status: 'sent',
      activityId: 'a1',
      conversationId: '19:c@thread.tacv2;messageid=a1',
    });
    await store.setExpiry(reference, '2030-01-01T00:00:00.000Z');
    await store.close();
  });
});
