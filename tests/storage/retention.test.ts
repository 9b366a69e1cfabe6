import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validate } from 'node-cron';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger.js';
import { createWorkingCalendar } from '../../review/calendar.js';
import { closeCase } from '../../review/close-case.js';
import { createDirectory, parsePartnership } from '../../review/partnership.js';
import type { ReviewDeps } from '../../review/deps.js';
import { submitReferral } from '../../review/submit-referral.js';
import { purgeExpiredCases, RETENTION_SCHEDULE } from '../../scheduler/retention.js';
import { SqliteStore } from '../../storage/sqlite-store.js';
import { validReferralForm } from '../support/referral-form.js';

/** Retention, as the partnership sets it: closed cases are kept N years, then deleted. */
describe('retention of closed cases (SQLite, scheduled purge)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'panel-retention-'));
  const store = new SqliteStore(join(dir, 'panel.db'));
  const demo = readFileSync(new URL('../../partnership/demo.yaml', import.meta.url), 'utf8');
  const partnership = parsePartnership(`${demo}\nretention: { closedCaseYears: 2 }\n`, 'demo.yaml');
  let now = new Date('2026-12-01T10:00:00Z');
  const deps: ReviewDeps = {
    store,
    partnership,
    directory: createDirectory(partnership),
    calendar: createWorkingCalendar('ENG'),
    now: () => now,
  };
  const sam = { aadObjectId: '22222222-2222-4222-8222-222222222222', displayName: 'Sam Patel' };
  const dana = { aadObjectId: '11111111-1111-4111-8111-111111111111', displayName: 'Dana Evans' };
  const log = createLogger('silent');

  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the purge runs nightly at 02:30', () => {
    expect(validate(RETENTION_SCHEDULE)).toBe(true);
    expect(RETENTION_SCHEDULE).toBe('30 2 * * *');
  });

  it('a closed case is kept for the years the partnership sets, then everything about it is gone', async () => {
    const closed = await submitReferral(deps, {
      caller: dana,
      data: validReferralForm(),
      submissionId: 'one',
      origin: { serviceUrl: 'https://smba.example' },
    });
    const open = await submitReferral(deps, {
      caller: dana,
      data: validReferralForm(),
      submissionId: 'two',
      origin: { serviceUrl: 'https://smba.example' },
    });
    if (closed.status !== 'accepted' || open.status !== 'accepted') throw new Error('both referrals are valid');
    const reference = closed.record.reference;

    const result = await closeCase(deps, { caller: sam, reference });
    expect(result).toMatchObject({ status: 'closed', record: { expiresAt: '2028-12-01T10:00:00.000Z' } });
    expect((await store.listAudit(reference)).map((e) => e.action)).toEqual(['case.created', 'case.closed']);

    now = new Date('2028-11-30T23:00:00Z');
    expect(await purgeExpiredCases({ store, timezone: 'Europe/London', now: deps.now, log })).toEqual([]);
    expect(await store.getCase(reference)).toBeDefined();

    now = new Date('2028-12-01T10:00:00Z');
    expect(await purgeExpiredCases({ store, timezone: 'Europe/London', now: deps.now, log })).toEqual([reference]);
    expect(await store.getCase(reference)).toBeUndefined();
    expect(await store.listAudit(reference)).toEqual([]);
    expect(await store.getCase(open.record.reference)).toBeDefined();
  });
});
