import Database from 'better-sqlite3';
import { CosmosClient } from '@azure/cosmos';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { AUDIT_ONLY } from '../../bot/handlers/audit.js';
import { VERBS } from '../../cards/verbs.js';
import { verifyTrails } from '../../review/audit-trail.js';
import { ERASED, eraseCase, exportCase } from '../../review/erasure.js';
import { personalMessage, type PersonKey } from '../support/activities.js';
import { cardOf, texts, type Json } from '../support/cards.js';
import { TEST_KEY } from '../support/cosmos-test-server.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { panelCommand } from '../support/panel-command.js';
import { storeContents } from '../support/store-contents.js';
import { actIn, decidedCase } from '../support/review-case.js';

/** What the referral fixture holds about people: none of it may survive an erasure. */
const PERSONAL = ['Charlie Brook', 'Morgan Brook', '2014-03-02', '1990-05-05', '12 Elm Row', 'Dana Evans', 'dana.evans', '01632 960123'];
const FREE_TEXT = ['Attendance fell from September', 'Several agencies knew of concerns', 'Learning across agencies'];

/**
 * The partnership's records: every trail a hash chain that `audit verify` and the
 * business unit's `audit REF-…` check; export and erasure of one case's personal data for
 * a subject access request; what the nightly purge would delete. On both stores.
 */
describe.each(STORES)('the records of a case, on $name', ({ store }) => {
  const suite = httpSuite({}, store);
  const { connector, panel, serviceUrl } = suite;
  const act = actIn(suite);
  let reference = '';

  /** What Panel answered `who`'s last message in their personal chat with. */
  const lastAnswer = (who: PersonKey): Json => {
    const call = connector.matching('POST', new RegExp(`/v3/conversations/a:personal-${who}/activities`)).at(-1)!;
    return call.body as Json;
  };

  /** Changes one stored audit event (its detail) outside Panel, as someone with the file or the account would. */
  async function tamper(trail: string, seq: number, change: 'edit' | 'delete'): Promise<void> {
    if (store === 'sqlite') {
      const db = new Database(panel.dbPath);
      db.prepare(
        change === 'edit'
          ? "UPDATE audit SET detail = 'changed' WHERE case_id = ? AND seq = ?"
          : 'DELETE FROM audit WHERE case_id = ? AND seq = ?',
      ).run(trail, seq);
      db.close();
      return;
    }
    const client = new CosmosClient({ endpoint: panel.cosmos!.endpoint, key: TEST_KEY, agent: panel.cosmos!.agent });
    const { resources } = await client
      .database(panel.database)
      .container('cases')
      .items.query<{ id: string; caseId: string; seq: number }>({
        query: "SELECT * FROM c WHERE c.caseId = @trail AND c.type = 'audit' AND c.seq = @seq",
        parameters: [
          { name: '@trail', value: trail },
          { name: '@seq', value: seq },
        ],
      })
      .fetchAll();
    const item = client.database(panel.database).container('cases').item(resources[0]!.id, trail);
    if (change === 'edit') await item.replace({ ...resources[0]!, detail: 'changed' });
    else await item.delete();
    client.dispose();
  }

  it('the business unit reads a case’s trail, intact, by name and role; others are refused, and both are audited', async () => {
    reference = await decidedCase(suite, 'partnership', { rationale: 'Learning across agencies.', reviewer: 'local', notices: '' });
    // More than a card's page of events: the status command's views, each audited.
    for (let i = 0; i < 12; i++) await panel.send(personalMessage(serviceUrl(), 'sam', `status ${reference}`));
    await panel.send(personalMessage(serviceUrl(), 'sam', `audit ${reference}`));
    const card = cardOf(lastAnswer('sam'));
    const text = texts(card).join('\n');
    expect(text).toMatch(new RegExp(`Audit trail: ${reference}`));
    expect(text).toMatch(/Intact: each of the \d+ events is linked/);
    expect(text).toMatch(/Jo Reed \(Independent chair\): decision\.recorded/);
    expect(text).toMatch(/Panel \(Panel itself\): channel\.posted/);
    expect(JSON.stringify(card).length).toBeLessThan(28_000);
    for (const value of [...PERSONAL, ...FREE_TEXT]) expect(JSON.stringify(card)).not.toContain(value);

    const older = await act('sam', VERBS.showAuditTrail, { reference, page: '2' }, 'personal');
    expect(texts(older).join('\n')).toMatch(/Page 2 of \d+/);
    expect(await act('alex', VERBS.showAuditTrail, { reference }, 'personal')).toBe(AUDIT_ONLY);
    const trail = await panel.store.listAudit(reference);
    expect(trail.filter((e) => e.action === 'audit.viewed').map((e) => e.detail)).toEqual(['page=1', 'page=2']);
    expect(trail.filter((e) => e.action === 'audit.view.refused')).toHaveLength(1);
  });

  it('an untouched store verifies; an edited or deleted event is found and named', async () => {
    expect((await verifyTrails(panel.store)).filter((c) => c.broken)).toEqual([]);
    const events = (await panel.store.listAudit(reference)).length;
    await tamper(reference, 3, 'edit');
    let broken = (await verifyTrails(panel.store)).filter((c) => c.broken);
    expect(broken).toEqual([{ trail: reference, events, broken: { trail: reference, seq: 3, problem: 'edited' } }]);

    await panel.send(personalMessage(serviceUrl(), 'sam', `audit ${reference}`));
    expect(texts(cardOf(lastAnswer('sam'))).join('\n')).toMatch(/BROKEN at event 3 \(edited\)/);

    await tamper(reference, 5, 'delete');
    broken = (await verifyTrails(panel.store, reference)).filter((c) => c.broken);
    expect(broken[0]?.broken).toEqual({ trail: reference, seq: 3, problem: 'edited' });
  });

  it('export writes everything held about the case; erasure leaves no one’s personal data, and keeps the decision', async () => {
    const held = await exportCase(panel.store, reference, panel.clock);
    expect(JSON.stringify(held)).toContain('Charlie Brook');
    expect(held?.audit.length).toBeGreaterThan(10);

    const result = await eraseCase(panel.store, { reference, actor: 'operator:test', reason: 'Request SAR-0042', at: panel.clock });
    expect(result).toMatchObject({ status: 'erased' });
    const record = (await panel.store.getCase(reference))!;
    expect(record.referral.subject.name).toBe(ERASED);
    expect(record.panel?.decisions[0]).toMatchObject({ outcome: 'partnership', rationale: ERASED });
    expect(record.erased).toEqual({ at: panel.clock.toISOString(), by: 'operator:test' });
    expect((await panel.store.listAudit(reference)).at(-1)).toMatchObject({ action: 'case.erased', detail: 'reason=Request SAR-0042' });

    // Everything the store holds, as bytes: no fixture value of the erased case survives in it.
    const everything = await storeContents(panel);
    for (const value of [...PERSONAL, ...FREE_TEXT]) expect(everything, value).not.toContain(value);
    // The details card still opens, with what is left.
    expect(texts(await act('sam', VERBS.viewCaseDetails, { reference })).join('\n')).toContain(ERASED);
  });
});

/** The operator's commands, as separate processes on the SQLite file the server uses. */
describe('npm run panel -- audit, retention, export, erase (SQLite)', () => {
  const suite = httpSuite();
  const { panel } = suite;
  const env = () => ({ LOCAL_MODE: 'true', SQLITE_PATH: panel.dbPath });
  const out = mkdtempSync(join(tmpdir(), 'panel-export-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  let reference = '';

  it('audit verify passes an untouched store, and names the trail and event an edit broke; exit 1', async () => {
    reference = await decidedCase(suite, 'noReview', { rationale: 'Learning across agencies.', notices: '' });
    const good = await panelCommand(['audit', 'verify'], env());
    expect(good.stderr).toBe('');
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(new RegExp(`${reference}: intact, \\d+ events`));
    expect(good.stdout).toMatch(/partnership: intact/);

    const db = new Database(panel.dbPath);
    db.prepare("UPDATE audit SET actor = 'someone else' WHERE case_id = ? AND seq = 2").run(reference);
    db.close();
    const bad = await panelCommand(['audit', 'verify', reference], env());
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(new RegExp(`${reference}: BROKEN at event 2 \\(edited\\)`));
    expect(bad.stdout).toMatch(/1 trails checked, 1 broken\./);
    expect((await panelCommand(['audit'], env())).status).toBe(2);
  }, 60_000);

  it('retention --dry-run lists the closed cases and which the purge would delete by then', async () => {
    expect(texts(await actIn(suite)('sam', VERBS.confirmClose, { reference })).join('\n')).toMatch(/closed/i);
    await panel.idle();
    const expiresAt = (await panel.store.getCase(reference))!.expiresAt!;
    await panel.panel.deps.effects.sweep();
    const now = await panelCommand(['retention', '--dry-run'], env());
    expect(now.stdout).toMatch(new RegExp(`${reference}  lcspr  closed .*  retention ends .*  kept`));
    const later = await panelCommand(['retention', '--dry-run', '--at', `${Number(expiresAt.slice(0, 4)) + 1}-01-01T03:00`], env());
    expect(later.stdout).toMatch(new RegExp(`${reference} .* WOULD BE PURGED`));
    expect(later.stdout).toMatch(/1 closed cases held; 1 would be purged by/);
    expect((await panelCommand(['retention'], env())).status).toBe(2);
  }, 60_000);

  it('export and erase refuse without the operator’s confirmation, and are recorded either way', async () => {
    const refused = await panelCommand(['export', reference, '--out', out], env());
    expect(refused.status).toBe(1);
    expect(existsSync(join(out, reference))).toBe(false);
    const exported = await panelCommand(['export', reference, '--out', out, '--confirm', reference], env());
    expect(exported.status).toBe(0);
    const summary = readFileSync(join(out, reference, 'summary.md'), 'utf8');
    expect(summary).toContain('Charlie Brook');
    expect(summary).toMatch(/Jo Reed \(Independent chair\)\s+decision\.recorded/);
    expect(JSON.parse(readFileSync(join(out, reference, 'case.json'), 'utf8'))).toMatchObject({ reference });

    expect((await panelCommand(['erase', reference, '--reason', 'SAR-0042', '--confirm', 'REF-2026-9999'], env())).status).toBe(1);
    expect((await panelCommand(['erase', reference], env())).status).toBe(2);
    const erased = await panelCommand(['erase', reference, '--reason', 'SAR-0042', '--confirm', reference], env());
    expect(erased.status).toBe(0);
    expect((await panel.store.getCase(reference))?.referral.subject.name).toBe(ERASED);
    const trail = (await panel.store.listAudit(reference)).map((e) => [e.action, e.detail]);
    expect(trail).toEqual(
      expect.arrayContaining([
        ['records.refused', 'export not confirmed'],
        ['case.exported', expect.stringMatching(/^items=\d+ events=\d+$/)],
        ['records.refused', 'erase not confirmed'],
        ['case.erased', 'reason=SAR-0042'],
      ]),
    );
    // The edit made above is still found, however many events came after it.
    expect((await panelCommand(['audit', 'verify', reference], env())).stdout).toMatch(/BROKEN at event 2 \(edited\)/);
  }, 120_000);
});
