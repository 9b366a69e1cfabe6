import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, describe, expect, it } from 'vitest';
import { PERSONAL_ONLY } from '../../bot/caller.js';
import { REPORT_REFUSED, WORKBOOK_DECLINED } from '../../bot/handlers/annual-report.js';
import { createLogger } from '../../bot/logger.js';
import { PARTNERSHIP_AUDIT } from '../../review/audit.js';
import { caseFigures, type CaseFigures } from '../../review/case-figures.js';
import { purgeExpiredCases } from '../../scheduler/retention.js';
import { channelMention, PEOPLE, personalMessage, type Activity, type PersonKey } from '../support/activities.js';
import { texts, type Json } from '../support/cards.js';
import { httpSuite } from '../support/http-suite.js';
import { panelCommand } from '../support/panel-command.js';
import { parseCsv } from '../support/parse-csv.js';
import { PERSONAL_VALUES } from '../support/referral-form.js';
import { decidedCase, PARTNERSHIP_REVIEW } from '../support/review-case.js';

const FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';
const WORKBOOK = 'annual-summary-2026-27.xlsx';

/** Every value a fixture holds about a person, and everyone's name and Entra id: none may be in the report. */
const NOT_IN_THE_REPORT = [
  ...PERSONAL_VALUES,
  'Learning across agencies',
  'No learning beyond',
  ...Object.values(PEOPLE).flatMap((p) => [p.name, p.aadObjectId]),
];

const countsOf = (figures: CaseFigures[], kind: string) =>
  figures.flatMap((f) => f.duties).filter((d) => d.kind === kind && d.dueOn >= '2026-04-01' && d.dueOn <= '2027-03-31').length;

/**
 * The annual summary (issue 19) over real cases: one decided "no review", closed, and
 * purged by the nightly job once its retention ended, leaving its tombstone; one a
 * partnership review still going. The operator's command, run as a separate process,
 * counts the purged case as it counts the live one; the business unit asks for it in
 * chat and saves the workbook through Teams' file consent; nobody else may.
 */
describe('the annual summary, with a purged case', () => {
  const suite = httpSuite();
  const { connector, panel, serviceUrl } = suite;
  const out = mkdtempSync(join(tmpdir(), 'panel-report-'));
  afterAll(() => rmSync(out, { recursive: true, force: true }));
  let purged = '';
  let live = '';
  const figures: CaseFigures[] = [];

  /**
   * The messages Panel posted in `who`'s personal chat since `since` calls: replies, and
   * posts after the turn (not the typing indicator teams-ai sends once a turn takes a second).
   */
  const postedTo = (who: PersonKey, since: number) =>
    connector.calls
      .slice(since)
      .filter(
        (c) => c.method === 'POST' && c.path.startsWith(`/v3/conversations/a:personal-${who}/activities`) && c.body.type !== 'typing',
      );
  const attachment = (call: { body: Json }) => (call.body.attachments as Json[] | undefined)?.[0];

  /** Someone's answer on the workbook's file consent card, as Teams sends it. */
  const consentAnswer = (who: PersonKey, action: 'accept' | 'decline', context: unknown): Activity => {
    const { text: _text, ...activity } = personalMessage(serviceUrl(), who, '');
    return {
      ...activity,
      type: 'invoke',
      name: 'fileConsent/invoke',
      value: {
        type: 'fileUpload',
        action,
        context,
        ...(action === 'accept' && {
          uploadInfo: {
            name: WORKBOOK,
            uploadUrl: connector.uploadUrl(WORKBOOK),
            contentUrl: `https://contoso.sharepoint.com/personal/sam/Documents/Applications/Panel/${WORKBOOK}`,
            uniqueId: '1150D938-8870-4044-9F2C-5BBDEBA70C8C',
            fileType: 'xlsx',
          },
        }),
      },
    };
  };
  let offered: Json | undefined;

  it('a closed case past its retention is purged by the nightly job; its tombstone is left', async () => {
    purged = await decidedCase(suite, 'noReview', { rationale: 'No learning beyond the agency.', notices: '' });
    live = await decidedCase(suite, PARTNERSHIP_REVIEW.outcome, PARTNERSHIP_REVIEW.close, PARTNERSHIP_REVIEW.at);
    const closed = await panel.store.getCase(purged);
    expect(closed).toMatchObject({ stage: 'closed', closedAt: '2026-12-01T10:00:00.000Z', expiresAt: '2033-12-01T10:00:00.000Z' });
    figures.push(caseFigures(closed!, 'Europe/London'), caseFigures((await panel.store.getCase(live))!, 'Europe/London'));

    // The night its retention has ended: the job, with the clock it is given.
    const purge = (at: string) => {
      panel.clock = new Date(at);
      return purgeExpiredCases({ store: panel.store, timezone: 'Europe/London', now: () => panel.clock, log: createLogger('silent') });
    };
    expect(await purge('2033-11-30T02:30:00Z')).toEqual([]);
    expect(await purge('2033-12-02T02:30:00Z')).toEqual([purged]);
    expect(await panel.store.getCase(purged)).toBeUndefined();
    expect(await panel.store.listAudit(purged)).toEqual([]);
    const tombstone = (await panel.store.listTombstones()).find((t) => t.reference === purged);
    expect(tombstone).toMatchObject({ figures: figures[0], closedAt: '2026-12-01T10:00:00.000Z', purgedAt: '2033-12-02T02:30:00.000Z' });
    expect(JSON.stringify(tombstone)).not.toMatch(new RegExp(NOT_IN_THE_REPORT.join('|')));
    expect((await panel.store.getCase(live))?.closedAt).toBeUndefined();
  });

  it('`npm run panel -- report`, a separate process, writes the CSVs, the workbook and the charts, counting the purged case', async () => {
    const run = await panelCommand(['report', '--from', '2026-04-01', '--to', '2027-03-31', '--out', out], {
      LOCAL_MODE: 'true',
      SQLITE_PATH: panel.dbPath,
      LOG_LEVEL: 'silent',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('Annual summary 2026-27 of Example Safeguarding Partnership:');
    expect(run.stdout).toContain('Referrals received: 2');
    expect(readdirSync(out).sort()).toEqual(
      [
        'actions.csv',
        'actions.png',
        'agency-reports.csv',
        WORKBOOK,
        'decisions.csv',
        'decisions.png',
        'referrals.csv',
        'referrals.png',
        'returns.csv',
        'returns.png',
        'reviews-in-progress.csv',
        'statutory-tasks.csv',
        'statutory-tasks.png',
      ].sort(),
    );

    // Dana's two referrals, both from a practitioner: the purged one and the live one.
    const referrals = parseCsv(readFileSync(join(out, 'referrals.csv'), 'utf8'));
    expect(referrals[0]).toEqual([
      'Kind of review',
      'A practitioner',
      'A National Panel notification',
      'A court',
      'The child death overview panel',
      'Another partnership (cross-border)',
      'Total',
    ]);
    expect(referrals[1]).toEqual(['Child Safeguarding Practice Review (LCSPR)', '2', '0', '0', '0', '0', '2']);
    expect(referrals.at(-1)).toEqual(['Total', '2', '0', '0', '0', '0', '2']);
    const decisions = Object.fromEntries(parseCsv(readFileSync(join(out, 'decisions.csv'), 'utf8')).map((r) => [r[0], r.slice(1)]));
    expect(decisions['No review']).toEqual(['1', '0', '0', '0', '0', '1']); // the purged case, from its tombstone
    expect(decisions['Partnership review']).toEqual(['1', '0', '0', '0', '0', '1']);
    expect(decisions.Total).toEqual(['2', '0', '0', '0', '0', '2']);
    // Both are serious child incidents: each has its National Panel notification and rapid review.
    const tasks = Object.fromEntries(parseCsv(readFileSync(join(out, 'statutory-tasks.csv'), 'utf8')).map((r) => [r[0], r.slice(1)]));
    expect(countsOf(figures, 'nationalPanelNotification')).toBe(2);
    expect(tasks['National Panel notification']?.[0]).toBe('2');
    expect(tasks['Rapid review sent to the National Panel']?.[0]).toBe(String(countsOf(figures, 'rapidReviewResponse')));
    // Neither had a rapid review's requests: no returns were due.
    expect(parseCsv(readFileSync(join(out, 'returns.csv'), 'utf8')).at(-1)).toEqual(['Total', '0', '0', '0', '0', '0', '']);

    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync(join(out, WORKBOOK)) as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual([
      'README',
      'Referrals',
      'Decisions',
      'Statutory tasks',
      'Returns',
      'Agency reports',
      'Reviews in progress',
      'Actions',
    ]);
    expect(book.getWorksheet('README')!.getCell('B2').value).toBe('Wed 1 Apr 2026 to Wed 31 Mar 2027');
    expect(book.getWorksheet('Referrals')!.getCell('G2').value).toBe(2);
    expect(book.getWorksheet('Decisions')!.getCell('B2').value).toBe(1);

    for (const png of readdirSync(out).filter((f) => f.endsWith('.png'))) {
      const bytes = readFileSync(join(out, png));
      expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect(bytes.length).toBeGreaterThan(10_000);
    }

    // Nothing about anyone: every CSV, and every part of the workbook, scanned.
    const written = [
      ...readdirSync(out)
        .filter((f) => f.endsWith('.csv'))
        .map((f) => readFileSync(join(out, f), 'utf8')),
      ...Object.values(unzipSync(new Uint8Array(readFileSync(join(out, WORKBOOK))))).map((part) => strFromU8(part)),
    ].join('\n');
    for (const value of NOT_IN_THE_REPORT) expect(written).not.toContain(value);

    const made = (await panel.store.listAudit(PARTNERSHIP_AUDIT)).filter((e) => e.action === 'annualReport.made');
    expect(made).toEqual([
      expect.objectContaining({ actor: expect.stringMatching(/^operator:/), detail: 'from=2026-04-01 to=2027-03-31 by=cli' }),
    ]);
  });

  it('`report 2026` in chat: the business unit gets the figures and a chart on one card, then the workbook offered', async () => {
    const since = connector.calls.length;
    expect((await panel.send(personalMessage(serviceUrl(), 'sam', 'report 2026'))).status).toBe(200);
    const posted = postedTo('sam', since);
    expect(posted.map((c) => attachment(c)?.contentType ?? c.body.text)).toEqual(['application/vnd.microsoft.card.adaptive', FILE_CONSENT]);
    const [cardCall, consentCall] = posted;
    const card = attachment(cardCall!)!.content as Json;
    expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(28 * 1024);
    const shown = texts(card).join('\n');
    expect(shown).toContain('Annual summary 2026-27');
    expect(shown).toContain('Referrals received: 2');
    expect(shown).toContain('Decisions made: 2');
    expect(shown).toContain('No review: 1');
    // Today is after the year: in progress is as of its last day.
    expect(shown).toMatch(/Reviews in progress on Wed 31 Mar 2027: 1 \(\d overdue\)/);
    const image = (card.body as Json[]).find((b) => b.type === 'Image')!;
    expect(String(image.url)).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(String(image.altText)).toMatch(/^Rapid review returns on time, by agency, 2026-27\./);
    for (const value of NOT_IN_THE_REPORT) expect(JSON.stringify(card)).not.toContain(value);

    offered = attachment(consentCall!);
    expect(offered).toMatchObject({
      contentType: FILE_CONSENT,
      name: WORKBOOK,
      content: { acceptContext: { period: { from: '2026-04-01', to: '2027-03-31' } }, sizeInBytes: expect.any(Number) },
    });
    expect(JSON.stringify(offered)).not.toContain(PEOPLE.sam.aadObjectId);
    expect((await panel.store.listAudit(PARTNERSHIP_AUDIT)).at(-1)).toMatchObject({
      action: 'annualReport.made',
      actor: PEOPLE.sam.aadObjectId,
      detail: 'from=2026-04-01 to=2027-03-31 by=chat',
    });
  });

  it('accepted, the workbook is PUT to the upload URL Teams gives, and shown as a file card', async () => {
    const since = connector.calls.length;
    const context = (offered!.content as Json).acceptContext;
    const answer = await panel.send(consentAnswer('sam', 'accept', context));
    expect(answer.status).toBe(200);
    await panel.idle();
    const upload = connector.uploads.get(WORKBOOK)!;
    expect(upload.contentRange).toBe(`bytes 0-${upload.bytes.length - 1}/${upload.bytes.length}`);
    expect(upload.authorization).toBeUndefined(); // the bot's token goes to the Bot Connector only
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(upload.bytes as unknown as ArrayBuffer);
    expect(book.getWorksheet('Referrals')!.getCell('G7').value).toBe(2); // the total row
    const unzipped = Object.values(unzipSync(new Uint8Array(upload.bytes)))
      .map((part) => strFromU8(part))
      .join('\n');
    for (const value of NOT_IN_THE_REPORT) expect(unzipped).not.toContain(value);

    const [info] = postedTo('sam', since);
    expect(attachment(info!)).toEqual({
      contentType: FILE_INFO,
      name: WORKBOOK,
      contentUrl: `https://contoso.sharepoint.com/personal/sam/Documents/Applications/Panel/${WORKBOOK}`,
      content: { uniqueId: '1150D938-8870-4044-9F2C-5BBDEBA70C8C', fileType: 'xlsx' },
    });
    expect((await panel.store.listAudit(PARTNERSHIP_AUDIT)).at(-1)).toMatchObject({
      action: 'annualReport.made',
      actor: PEOPLE.sam.aadObjectId,
      detail: 'from=2026-04-01 to=2027-03-31 by=chat file=workbook',
    });
  });

  it('declined, nothing is saved; an upload Teams refuses is said', async () => {
    const context = (offered!.content as Json).acceptContext;
    let since = connector.calls.length;
    expect((await panel.send(consentAnswer('sam', 'decline', context))).status).toBe(200);
    expect(postedTo('sam', since).map((c) => c.body.text)).toEqual([WORKBOOK_DECLINED]);

    connector.uploads.clear();
    connector.respondWith((call) => (call.path.startsWith('/upload/') ? { status: 503 } : undefined));
    since = connector.calls.length;
    await panel.send(consentAnswer('sam', 'accept', context));
    await panel.idle();
    connector.respondWith(() => undefined);
    expect(connector.uploads.size).toBe(0);
    expect(String(postedTo('sam', since)[0]?.body.text)).toMatch(
      /could not be saved to your OneDrive. Say \*\*report 2026\*\* to try again/,
    );
  });

  it('anyone else is refused, in chat and on a forged consent, and the refusal audited; a channel is never answered with it', async () => {
    let since = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'dana', 'report 2026'));
    expect(postedTo('dana', since).map((c) => c.body.text)).toEqual([REPORT_REFUSED]);
    await panel.send(personalMessage(serviceUrl(), 'priya', 'report'));
    expect(postedTo('priya', since).map((c) => c.body.text)).toEqual([REPORT_REFUSED]);

    connector.uploads.clear();
    since = connector.calls.length;
    await panel.send(consentAnswer('dana', 'accept', (offered!.content as Json).acceptContext));
    await panel.idle();
    expect(connector.uploads.size).toBe(0);
    expect(postedTo('dana', since).map((c) => c.body.text)).toEqual([REPORT_REFUSED]);
    const refused = (await panel.store.listAudit(PARTNERSHIP_AUDIT)).filter((e) => e.action === 'annualReport.refused');
    expect(refused.map((e) => [e.actor, e.detail])).toEqual([
      [PEOPLE.dana.aadObjectId, 'from=2026-04-01 to=2027-03-31 by=chat'],
      [PEOPLE.priya.aadObjectId, 'from=2033-04-01 to=2034-03-31 by=chat'],
      [PEOPLE.dana.aadObjectId, 'from=2026-04-01 to=2027-03-31 by=chat file=workbook'],
    ]);

    since = connector.calls.length;
    await panel.send(channelMention(serviceUrl(), 'sam', 'report 2026'));
    const answers = connector.calls.slice(since).filter((c) => c.method === 'POST' && c.body.type !== 'typing');
    expect(answers.map((c) => c.body.text)).toEqual([PERSONAL_ONLY]);
  });
});
