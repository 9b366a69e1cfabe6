import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, describe, expect, it } from 'vitest';
import { annualReportCard } from '../../cards/annual-report-cards.js';
import { reportCharts, renderChart } from '../../reports/charts.js';
import { tableCsv } from '../../reports/csv.js';
import { workbookName } from '../../reports/workbook.js';
import { FILE_CHART, writeReport } from '../../reports/write-report.js';
import {
  annualReport,
  headlineFigures,
  partnershipYear,
  partnershipYearOf,
  periodName,
  reportTables,
  type AnnualReport,
  type Cell,
  type ReportTable,
} from '../../review/annual-report.js';
import type { CaseFigures } from '../../review/case-figures.js';
import { localDate, type LocalDate } from '../../review/local-date.js';
import { UsageError } from '../../scripts/commands/context.js';
import { report as reportCommand } from '../../scripts/commands/report.js';
import { parseCsv } from '../support/parse-csv.js';
import { AGENCY_LIST } from './fixtures.js';

const YEAR = partnershipYear(2026);
const TODAY = localDate('2026-12-01');
const d = (text: string): LocalDate => localDate(text);

/** A case's figures with nothing in them but what the test sets. */
function figures(reference: string, set: Partial<CaseFigures>): CaseFigures {
  return {
    reference,
    kind: 'lcspr',
    source: 'practitioner',
    agencyId: 'la',
    receivedOn: d('2026-06-01'),
    duties: [],
    returns: [],
    reports: [],
    actions: [],
    ...set,
  };
}

/**
 * A partnership year, seeded so that every figure is known: what each case adds to each
 * table is said beside it, and the expected tables below are those sums.
 */
const CASE_1 = figures('REF-2026-0001', {
  // Received on the year's first day; no review; both intake duties; three returns.
  receivedOn: d('2026-04-01'),
  decision: { outcome: 'noReview', on: d('2026-05-20') },
  duties: [
    { kind: 'nationalPanelNotification', dueOn: d('2026-04-08'), doneOn: d('2026-04-07') }, // on time
    { kind: 'rapidReviewResponse', dueOn: d('2026-04-22'), doneOn: d('2026-04-27') }, // late
  ],
  returns: [
    { agencyId: 'la', dueOn: d('2026-04-15'), doneOn: d('2026-04-14') }, // on time
    { agencyId: 'icb', dueOn: d('2026-04-15'), doneOn: d('2026-04-15') }, // on the day: on time
    { agencyId: 'police', dueOn: d('2026-04-15'), doneOn: d('2026-04-20') }, // late
  ],
  closedOn: d('2026-05-20'),
});
const CASE_2 = figures('REF-2026-0002', {
  // A National Panel notification; a partnership review, overdue, with its actions.
  source: 'nationalPanel',
  agencyId: 'police',
  receivedOn: d('2026-06-02'),
  decision: { outcome: 'partnership', on: d('2026-07-15') },
  duties: [
    { kind: 'nationalPanelNotification', dueOn: d('2026-06-09') }, // not done: overdue
    { kind: 'rapidReviewResponse', dueOn: d('2026-06-23'), doneOn: d('2026-06-23') }, // on time
    { kind: 'nationalPanelDecisionNotice', dueOn: d('2026-07-22'), doneOn: d('2026-07-21') }, // on time
  ],
  returns: [
    { agencyId: 'la', dueOn: d('2026-06-16'), doneOn: d('2026-06-15') }, // on time
    { agencyId: 'police', dueOn: d('2026-06-16'), doneOn: d('2026-06-30') }, // late
    { agencyId: 'mh', dueOn: d('2026-06-16') }, // not returned: overdue
  ],
  reports: [
    { agencyId: 'police', dueOn: d('2026-08-20'), doneOn: d('2026-08-19') }, // on time
    { agencyId: 'la', dueOn: d('2026-08-20') }, // overdue
  ],
  review: { dueOn: d('2026-10-15') }, // in progress, overdue
  actions: [
    { agencyId: 'police', dueOn: d('2026-11-01'), status: 'inProgress', signedOff: false }, // open, overdue
    { agencyId: 'la', dueOn: d('2027-01-31'), status: 'notStarted', signedOff: false }, // open
    { agencyId: 'icb', dueOn: d('2026-10-01'), status: 'done', signedOff: false }, // awaiting sign-off
  ],
});
const CASE_3 = figures('REF-2026-0003', {
  // A SAR from a court: an independent review due after the year ends.
  kind: 'sar',
  source: 'court',
  receivedOn: d('2026-09-01'),
  decision: { outcome: 'independent', on: d('2026-10-20') },
  duties: [{ kind: 'publicationNotice', dueOn: d('2027-03-10') }], // not yet due
  review: { dueOn: d('2027-04-20') }, // in progress, not overdue
  actions: [{ agencyId: 'police', dueOn: d('2027-02-01'), status: 'notStarted', signedOff: false }], // open
});
const CASE_4 = figures('REF-2026-0004', {
  // A DHR not yet decided: a return not yet due, and one from an agency the file no longer lists.
  kind: 'dhr',
  agencyId: 'police',
  receivedOn: d('2026-11-20'),
  returns: [
    { agencyId: 'police', dueOn: d('2026-12-10') }, // not yet due
    { agencyId: 'cafcass', dueOn: d('2026-11-30'), doneOn: d('2026-11-30') }, // on time
  ],
});
const CASE_5 = figures('REF-2026-0005', {
  // Received before the year (not counted as a referral), decided in it; its review's last
  // step done but the case not closed; an action carried over, and one signed off before.
  receivedOn: d('2026-02-15'),
  decision: { outcome: 'actionLearning', on: d('2026-04-05') },
  review: { dueOn: d('2026-05-05'), doneOn: d('2026-05-01') }, // in progress, done, not overdue
  actions: [
    { agencyId: 'la', dueOn: d('2026-03-01'), status: 'done', signedOff: true }, // before the year, signed off: not counted
    { agencyId: 'police', dueOn: d('2026-03-15'), status: 'inProgress', signedOff: false }, // carried over: open, overdue
  ],
});
const CASE_7 = figures('REF-2027-0001', {
  // After the year: nothing of it counts.
  receivedOn: d('2027-04-03'),
  decision: { outcome: 'noReview', on: d('2027-04-20') },
  returns: [{ agencyId: 'police', dueOn: d('2027-04-15') }],
  actions: [{ agencyId: 'police', dueOn: d('2027-05-01'), status: 'notStarted', signedOff: false }],
});
const CASE_8 = figures('REF-2026-0008', {
  // Received on the year's last day: counted.
  kind: 'notSure',
  source: 'otherPartnership',
  agencyId: 'mh',
  receivedOn: d('2027-03-31'),
});
/** A case purged already: only its tombstone's figures are left, and they count the same. */
const PURGED = figures('REF-2026-0006', {
  kind: 'reflective',
  source: 'cdop',
  agencyId: 'education',
  receivedOn: d('2026-05-05'),
  decision: { outcome: 'reflective', on: d('2026-06-10') },
  returns: [{ agencyId: 'education', dueOn: d('2026-05-19'), doneOn: d('2026-05-18') }], // on time
  review: { dueOn: d('2026-06-10'), doneOn: d('2026-06-10') },
  actions: [{ agencyId: 'education', dueOn: d('2026-06-20'), status: 'done', signedOff: true }], // signed off
  closedOn: d('2026-06-30'),
});

/** The live cases, then the tombstones: case 1 is both, as a purge stopped part-way leaves it. */
const SEED: CaseFigures[] = [CASE_1, CASE_2, CASE_3, CASE_4, CASE_5, CASE_7, CASE_8, PURGED, { ...CASE_1 }];

const made = (today: LocalDate = TODAY): AnnualReport => annualReport(SEED, { period: YEAR, today, agencies: AGENCY_LIST });
const table = (report: AnnualReport, id: string): ReportTable => reportTables(report).find((t) => t.id === id)!;
/** A table as rows keyed by their first cell. */
const byRow = (t: ReportTable): Record<string, Cell[]> => Object.fromEntries(t.rows.map((r) => [String(r[0]), r.slice(1)]));

describe('`npm run panel -- report`', () => {
  const check = (values: Record<string, string>) => () => reportCommand.check!({ positionals: [], values });
  it('needs the period and a folder, and says so before it opens the store', () => {
    expect(check({ from: '2026-04-01', to: '2027-03-31', out: 'out' })).not.toThrow();
    expect(check({ from: '2027-04-01', to: '2027-03-31', out: 'out' })).toThrow(
      new UsageError('--from 2027-04-01 is after --to 2027-03-31'),
    );
    expect(check({ from: '2026-04-31', to: '2027-03-31', out: 'out' })).toThrow(/report needs --from and --to/);
    expect(check({ from: '2026-04-01', to: '2027-03-31' })).toThrow(/report needs --out/);
  });
});

describe('the partnership year', () => {
  it('runs from 1 April to 31 March, named by its two years', () => {
    expect(YEAR).toEqual({ from: '2026-04-01', to: '2027-03-31' });
    expect(periodName(YEAR)).toBe('2026-27');
    expect(periodName({ from: d('2026-04-01'), to: d('2026-09-30') })).toBe('2026-04-01 to 2026-09-30');
    expect(partnershipYearOf(d('2027-03-31'))).toBe(2026);
    expect(partnershipYearOf(d('2027-04-01'))).toBe(2027);
    expect(partnershipYearOf(d('2026-12-01'))).toBe(2026);
  });
});

describe('the annual summary of a seeded year', () => {
  const report = made();

  it('referrals received in the year, by kind and source: the first and last days in, the tombstone counted', () => {
    const t = table(report, 'referrals');
    expect(t.columns).toEqual([
      'Kind of review',
      'A practitioner',
      'A National Panel notification',
      'A court',
      'The child death overview panel',
      'Another partnership (cross-border)',
      'Total',
    ]);
    expect(byRow(t)).toEqual({
      'Child Safeguarding Practice Review (LCSPR)': [1, 1, 0, 0, 0, 2], // cases 1 and 2 (5 came before, 7 after)
      'Safeguarding Adults Review (SAR)': [0, 0, 1, 0, 0, 1], // case 3
      'Domestic Homicide Review (DHR / DARDR)': [1, 0, 0, 0, 0, 1], // case 4
      'Multi-agency reflective review': [0, 0, 0, 1, 0, 1], // the purged case
      'Not sure which kind': [0, 0, 0, 0, 1, 1], // case 8, on 31 March
      Total: [2, 1, 1, 1, 1, 6],
    });
  });

  it('decisions made in the year, by outcome and kind', () => {
    const t = table(report, 'decisions');
    expect(t.columns).toEqual(['Outcome', 'LCSPR', 'SAR', 'DHR', 'Reflective review', 'Not sure', 'Total']);
    expect(byRow(t)).toEqual({
      'No review': [1, 0, 0, 0, 0, 1], // case 1 (case 7's is after the year)
      'Action learning from the rapid review': [1, 0, 0, 0, 0, 1], // case 5, received the year before
      'Single agency review': [0, 0, 0, 0, 0, 0],
      'Partnership review': [1, 0, 0, 0, 0, 1], // case 2
      'Independent review (LCSPR or SAR) with an independent reviewer': [0, 1, 0, 0, 0, 1], // case 3
      'Domestic Homicide Review (the Home Office is notified)': [0, 0, 0, 0, 0, 0],
      'Multi-agency reflective review (one meeting)': [0, 0, 0, 1, 0, 1], // the purged case
      'On hold: listed again at every panel until decided': [0, 0, 0, 0, 0, 0],
      'Refer to another process': [0, 0, 0, 0, 0, 0],
      Total: [3, 1, 0, 1, 0, 5],
    });
  });

  it('statutory tasks due in the year: on time, late, overdue and not yet due', () => {
    const t = table(report, 'statutory-tasks');
    expect(t.columns).toEqual([
      'Task',
      'Due in the period',
      'Done on time',
      'Done late',
      'Not done, overdue',
      'Not done, not yet due',
      'On time (%)',
    ]);
    expect(byRow(t)).toEqual({
      'National Panel notification': [2, 1, 0, 1, 0, 50], // case 1 on time, case 2 never done
      'Rapid review sent to the National Panel': [2, 1, 1, 0, 0, 50], // case 1 late, case 2 on the day
      'Decision notified to the National Panel': [1, 1, 0, 0, 0, 100], // case 2
      'Decision notified to Ofsted': [0, 0, 0, 0, 0, ''],
      'Decision notified to the Home Office': [0, 0, 0, 0, 0, ''],
      'Report and notice to the National Panel, Ofsted and the Secretary of State': [1, 0, 0, 0, 1, ''], // case 3, in March
      Total: [6, 3, 1, 1, 1, 60],
    });
  });

  it('rapid review returns due in the year, by agency: late by the police, one agency the file no longer lists', () => {
    expect(byRow(table(report, 'returns'))).toEqual({
      'Local Authority': [2, 2, 0, 0, 0, 100], // cases 1 and 2
      'Integrated Care Board': [1, 1, 0, 0, 0, 100], // case 1, on the day
      Police: [3, 0, 2, 0, 1, 0], // cases 1 and 2 late, case 4 not yet due (case 7's after the year)
      'Mental Health Trust': [1, 0, 0, 1, 0, 0], // case 2, never returned
      Education: [1, 1, 0, 0, 0, 100], // the purged case
      cafcass: [1, 1, 0, 0, 0, 100], // case 4
      Total: [9, 5, 2, 1, 1, 63],
    });
  });

  it("reviews' agency reports due in the year, by agency", () => {
    expect(byRow(table(report, 'agency-reports'))).toEqual({
      'Local Authority': [1, 0, 0, 1, 0, 0],
      'Integrated Care Board': [0, 0, 0, 0, 0, ''],
      Police: [1, 1, 0, 0, 0, 100],
      'Mental Health Trust': [0, 0, 0, 0, 0, ''],
      Education: [0, 0, 0, 0, 0, ''],
      Total: [2, 1, 0, 1, 0, 50],
    });
  });

  it('reviews in progress today, soonest due first: closed ones left out, an overdue one said', () => {
    const t = table(report, 'reviews-in-progress');
    expect(t.title).toBe('Reviews in progress on Tue 1 Dec 2026, against their due dates');
    expect(t.columns).toEqual(['Reference', 'Kind of review', 'Review', 'Decided on', 'Due on', 'Last step done on', 'Overdue']);
    expect(t.rows).toEqual([
      ['REF-2026-0005', 'LCSPR', 'Action learning from the rapid review', '2026-04-05', '2026-05-05', '2026-05-01', 'No'],
      ['REF-2026-0002', 'LCSPR', 'Partnership review', '2026-07-15', '2026-10-15', '', 'Yes'],
      ['REF-2026-0003', 'SAR', 'Safeguarding adults review (SAR) with an independent reviewer', '2026-10-20', '2027-04-20', '', 'No'],
    ]);
  });

  it('review actions by agency today: open, overdue, awaiting sign-off and signed off', () => {
    const t = table(report, 'actions');
    expect(t.columns).toEqual(['Agency', 'Open', 'Open and overdue', 'Done, awaiting sign-off', 'Signed off']);
    expect(byRow(t)).toEqual({
      'Local Authority': [1, 0, 0, 0], // case 2's, due in January (case 5's signed off before the year)
      'Integrated Care Board': [0, 0, 1, 0], // case 2's, done
      Police: [3, 2, 0, 0], // case 2's and case 5's (carried over) overdue, case 3's not yet
      'Mental Health Trust': [0, 0, 0, 0],
      Education: [0, 0, 0, 1], // the purged case's
      Total: [4, 2, 1, 1],
    });
  });

  it('the headline figures, as the card and the command show them', () => {
    expect(headlineFigures(report)).toEqual([
      {
        title: 'Referrals and decisions',
        facts: [
          { title: 'Referrals received', value: '6' },
          { title: 'Decisions made', value: '5' },
          { title: 'No review', value: '1' },
          { title: 'Action learning from the rapid review', value: '1' },
          { title: 'Partnership review', value: '1' },
          { title: 'Independent review (LCSPR or SAR) with an independent reviewer', value: '1' },
          { title: 'Multi-agency reflective review (one meeting)', value: '1' },
        ],
      },
      {
        title: 'On time',
        facts: [
          { title: 'National Panel notification', value: '1 of 2 on time (50%)' },
          { title: 'Rapid review sent to the National Panel', value: '1 of 2 on time (50%)' },
          { title: 'Publication notices', value: '0 of 0 on time; 1 not yet due' },
          { title: 'Decision notices', value: '1 of 1 on time (100%)' },
          { title: 'Rapid review returns', value: '5 of 8 on time (63%); 1 not yet due' },
          { title: 'Agency reports', value: '1 of 2 on time (50%)' },
        ],
      },
      {
        title: 'Reviews and actions',
        facts: [
          { title: 'Reviews in progress on Tue 1 Dec 2026', value: '3 (1 overdue)' },
          { title: 'Actions open', value: '4 (2 overdue)' },
          { title: 'Actions awaiting sign-off', value: '1' },
          { title: 'Actions signed off', value: '1' },
        ],
      },
    ]);
  });

  it('once the year is over, reviews in progress are as of its last day and what was not yet due is overdue', () => {
    const later = made(d('2027-06-01'));
    expect(later.asOf).toBe('2027-03-31');
    expect(table(later, 'reviews-in-progress').rows.map((r) => [r[0], r[6]])).toEqual([
      ['REF-2026-0005', 'No'],
      ['REF-2026-0002', 'Yes'],
      ['REF-2026-0003', 'No'], // due 20 April: not overdue on 31 March
    ]);
    expect(byRow(table(later, 'statutory-tasks'))['Report and notice to the National Panel, Ofsted and the Secretary of State']).toEqual([
      1, 0, 0, 1, 0, 0,
    ]);
    // Case 4's police return, due 10 December, never came.
    expect(byRow(table(later, 'returns')).Police).toEqual([3, 0, 2, 1, 0, 0]);
  });
});

describe('the annual summary as files', () => {
  const report = made();
  const dir = mkdtempSync(join(tmpdir(), 'panel-annual-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('each CSV opens as a spreadsheet would read it: a header, then the table, the same figures', () => {
    for (const t of reportTables(report)) {
      const csv = tableCsv(t);
      expect(csv.startsWith('\uFEFF')).toBe(true);
      expect(csv).toContain('\r\n');
      expect(parseCsv(csv)).toEqual([t.columns, ...t.rows.map((r) => r.map(String))]);
    }
  });

  it('a cell that would start a formula is escaped', () => {
    const csv = tableCsv({ id: 'x', sheet: 'x', title: 'x', counts: 'x', columns: ['Agency', 'n'], rows: [['=HYPERLINK("x")', 1]] });
    expect(parseCsv(csv)[1]).toEqual([`'=HYPERLINK("x")`, '1']);
  });

  it('writes a CSV per table, the workbook and a PNG per chart into the folder', async () => {
    const written = await writeReport(dir, report, {
      partnership: 'Example Safeguarding Partnership',
      at: new Date('2026-12-01T10:00:00Z'),
    });
    expect(written.map((p) => basename(p))).toEqual([
      'referrals.csv',
      'decisions.csv',
      'statutory-tasks.csv',
      'returns.csv',
      'agency-reports.csv',
      'reviews-in-progress.csv',
      'actions.csv',
      'annual-summary-2026-27.xlsx',
      'referrals.png',
      'decisions.png',
      'statutory-tasks.png',
      'returns.png',
      'actions.png',
    ]);
    for (const png of written.filter((p) => p.endsWith('.png'))) {
      const bytes = readFileSync(png);
      expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
      // The IHDR chunk: width and height, drawn at twice the chart's size.
      expect([bytes.readUInt32BE(16), bytes.readUInt32BE(20)]).toEqual([FILE_CHART.width * 2, FILE_CHART.height * 2]);
      expect(bytes.length).toBeGreaterThan(10_000);
    }
    expect(readFileSync(join(dir, 'returns.csv'), 'utf8')).toContain('Police,3,0,2,0,1,0');
    // The picture in the README: the seeded year's returns.
    const pictures = process.env.UPDATE_SCREENSHOTS ? 'docs/screenshots' : 'test-results/screenshots';
    mkdirSync(pictures, { recursive: true });
    writeFileSync(join(pictures, 'annual-report-chart.png'), readFileSync(join(dir, 'returns.png')));
  });

  it('the workbook: a README sheet saying the period and that it holds no personal data, then a sheet per table', async () => {
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(readFileSync(join(dir, workbookName(report))) as unknown as ArrayBuffer);
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
    const readme = book.getWorksheet('README')!;
    expect(readme.getCell('B1').value).toBe('Example Safeguarding Partnership, 2026-27');
    expect(readme.getCell('B2').value).toBe('Wed 1 Apr 2026 to Wed 31 Mar 2027');
    expect(readme.getCell('A5').value).toBe('Personal data');
    expect(String(readme.getCell('B5').value)).toMatch(/^It holds no personal data/);
    // Every sheet holds its table exactly: the header row, then the rows, numbers as numbers.
    for (const t of reportTables(report)) {
      const sheet = book.getWorksheet(t.sheet)!;
      const values = sheet.getSheetValues().slice(1) as unknown[][];
      // (An empty cell is no value: a row's trailing ones are not there at all.)
      expect(values.map((row) => t.columns.map((_, i) => row[i + 1] ?? ''))).toEqual([t.columns, ...t.rows]);
    }
    expect(book.getWorksheet('Returns')!.getCell('C4').value).toBe(0); // the police's returns on time
    expect(book.getWorksheet('Returns')!.getCell('D4').value).toBe(2); // and late
  });
});

// ---------------------------------------------------------------------------
// The chat's card
// ---------------------------------------------------------------------------

interface AdaptiveCardsLibrary {
  AdaptiveCard: new () => {
    parse(json: unknown, context?: unknown): void;
    validateProperties(): { validationEvents: { message: string }[] };
  };
  SerializationContext: new () => { readonly eventCount: number; getEventAt(index: number): { message: string } };
}
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsLibrary;

describe("the annual summary's card", () => {
  it('the headline figures and one small chart, parsed by the Adaptive Cards library, within 28 KB', async () => {
    const report = made();
    const chart = reportCharts(report).find((c) => c.id === 'returns')!;
    const png = await renderChart(chart, { width: 360, height: 200 });
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([360, 200]);
    const card = annualReportCard({
      partnership: 'Example Safeguarding Partnership',
      period: YEAR,
      groups: headlineFigures(report),
      chart: { url: `data:image/png;base64,${png.toString('base64')}`, alt: chart.title },
      workbook: workbookName(report),
    });
    const json = JSON.stringify(card);
    expect(Buffer.byteLength(json)).toBeLessThan(28 * 1024);
    const parsed = new AC.AdaptiveCard();
    const context = new AC.SerializationContext();
    parsed.parse(card, context);
    const problems = [...Array(context.eventCount).keys()].map((i) => context.getEventAt(i).message);
    expect([...problems, ...parsed.validateProperties().validationEvents.map((e) => e.message)]).toEqual([]);
    expect(json).toContain('Annual summary 2026-27');
    expect(json).toContain('"title":"Rapid review returns","value":"5 of 8 on time (63%); 1 not yet due"');
    const image = (card.body as { type: string; url?: string }[]).find((b) => b.type === 'Image');
    expect(image?.url?.startsWith('data:image/png;base64,iVBORw0KGgo')).toBe(true);
  });
});
