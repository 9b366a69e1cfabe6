/**
 * The partnership's annual summary (issue 19): what its cases add up to over a period,
 * counted from each case's anonymous figures (`case-figures.ts`), live and purged alike.
 * Kinds, sources, outcomes, agencies, dates and references only: no names, no free text,
 * no Entra ids. Pure functions: the store is read by `make-annual-report.ts`.
 */
import type { CaseFigures } from './case-figures.js';
import { OUTCOMES, outcomeName, type Outcome } from './decision.js';
import { DUTIES, DUTY_KINDS, type DutyKind } from './duties.js';
import { formatLongDate, localDate, type LocalDate } from './local-date.js';
import { KIND_NAMES, REFERRAL_SOURCES, REVIEW_KINDS, SOURCE_NAMES, type ReferralSource, type ReviewKind } from './referral-model.js';

/** From and to, both days included. */
export interface Period {
  from: LocalDate;
  to: LocalDate;
}

/**
 * The partnership's year starts on 1 April (the business year safeguarding partnerships
 * report on). The partnership file has no setting for it: every partnership reports so.
 */
export const YEAR_STARTS = '04-01';

/** The partnership year starting in `year`: 1 April `year` to 31 March `year + 1`. */
export function partnershipYear(year: number): Period {
  return { from: localDate(`${year}-${YEAR_STARTS}`), to: localDate(`${year + 1}-03-31`) };
}

/** The partnership year `date` falls in: its starting year. */
export const partnershipYearOf = (date: LocalDate): number => Number(date.slice(0, 4)) - (date.slice(5) < YEAR_STARTS ? 1 : 0);

/** "2026-27" for the year from 1 April 2026; otherwise the dates. */
export function periodName(period: Period): string {
  const year = Number(period.from.slice(0, 4));
  const whole = partnershipYear(year);
  if (whole.from === period.from && whole.to === period.to) return `${year}-${String(year + 1).slice(2)}`;
  return `${period.from} to ${period.to}`;
}

/** The period in words, for a heading: "1 April 2026 to 31 March 2027" as cards write dates. */
export const periodWords = (period: Period): string => `${formatLongDate(period.from)} to ${formatLongDate(period.to)}`;

const within = (date: LocalDate | undefined, period: Period): boolean => date !== undefined && date >= period.from && date <= period.to;

/**
 * Things due by a date, and how they went: done on or before the due date is on time,
 * after it late; not done is overdue once its date has passed (as of today) and otherwise
 * not yet due.
 */
export interface OnTime {
  due: number;
  onTime: number;
  late: number;
  overdue: number;
  notYetDue: number;
}

const NO_TASKS: OnTime = { due: 0, onTime: 0, late: 0, overdue: 0, notYetDue: 0 };

function countOnTime(items: readonly { dueOn: LocalDate; doneOn?: LocalDate }[], today: LocalDate): OnTime {
  const count = { ...NO_TASKS };
  for (const { dueOn, doneOn } of items) {
    count.due += 1;
    if (doneOn) count[doneOn <= dueOn ? 'onTime' : 'late'] += 1;
    else count[dueOn < today ? 'overdue' : 'notYetDue'] += 1;
  }
  return count;
}

/** On time as a whole percentage of those whose date has passed or that are done; undefined if none. */
export function onTimePercent(c: OnTime): number | undefined {
  const settled = c.onTime + c.late + c.overdue;
  return settled === 0 ? undefined : Math.round((100 * c.onTime) / settled);
}

export interface ReviewInProgress {
  reference: string;
  kind: ReviewKind;
  outcome: Outcome;
  decidedOn: LocalDate;
  dueOn: LocalDate;
  /** When its last step was done, if it was by the report's date. */
  doneOn?: LocalDate;
  overdue: boolean;
}

export interface ActionCounts {
  /** Not done, not signed off. */
  open: number;
  /** Open, and past its date as of today. */
  overdue: number;
  /** Done, waiting for the Learning and Improvement Group. */
  awaitingSignOff: number;
  signedOff: number;
}

/** An agency by the partnership file's name; an id the file no longer lists keeps its id. */
export interface AgencyName {
  id: string;
  name: string;
}

export interface AnnualReport {
  period: Period;
  today: LocalDate;
  /** What "in progress" is judged at: the period's end, or today while the period runs. */
  asOf: LocalDate;
  /** Referrals received in the period, by kind and source. */
  referrals: Record<ReviewKind, Record<ReferralSource, number>>;
  /** The decision in force on each case, counted where it was made in the period, by outcome and kind. */
  decisions: Record<Outcome, Record<ReviewKind, number>>;
  /** Statutory tasks due in the period. */
  duties: Record<DutyKind, OnTime>;
  /** Rapid review returns due in the period, by agency. */
  returns: { agency: AgencyName; count: OnTime }[];
  /** The review's agency reports due in the period, by agency. */
  reports: { agency: AgencyName; count: OnTime }[];
  reviews: ReviewInProgress[];
  /** Review actions due in the period, or due before it and still open, by agency, as of today. */
  actions: { agency: AgencyName; count: ActionCounts }[];
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

/** The partnership's agencies in the file's order, then any others the figures name, by id. */
function agencyRows<T>(
  agencies: readonly AgencyName[],
  ids: readonly string[],
  empty: () => T,
): Map<string, { agency: AgencyName; count: T }> {
  const rows = new Map(agencies.map((a) => [a.id, { agency: a, count: empty() }]));
  for (const id of [...new Set(ids)].sort()) if (!rows.has(id)) rows.set(id, { agency: { id, name: id }, count: empty() });
  return rows;
}

function onTimeByAgency(
  asks: readonly { agencyId: string; dueOn: LocalDate; doneOn?: LocalDate }[],
  agencies: readonly AgencyName[],
  today: LocalDate,
) {
  const rows = agencyRows(
    agencies,
    asks.map((a) => a.agencyId),
    () => ({ ...NO_TASKS }),
  );
  for (const row of rows.values())
    row.count = countOnTime(
      asks.filter((a) => a.agencyId === row.agency.id),
      today,
    );
  return [...rows.values()];
}

/** One figure per case: a case both live and (part-way through its purge) buried is counted once. */
export function onePerCase(figures: readonly CaseFigures[]): CaseFigures[] {
  const seen = new Set<string>();
  return figures.filter((f) => !seen.has(f.reference) && seen.add(f.reference));
}

/** The annual summary of `figures` over `period`, as of `today`. */
export function annualReport(
  figures: readonly CaseFigures[],
  input: { period: Period; today: LocalDate; agencies: readonly AgencyName[] },
): AnnualReport {
  const { period, today, agencies } = input;
  const cases = onePerCase(figures);
  const asOf = today < period.to ? today : period.to;

  const referrals = Object.fromEntries(REVIEW_KINDS.map((k) => [k, zeros(REFERRAL_SOURCES)])) as AnnualReport['referrals'];
  for (const c of cases) if (within(c.receivedOn, period)) referrals[c.kind][c.source] += 1;

  const decisions = Object.fromEntries(OUTCOMES.map((o) => [o, zeros(REVIEW_KINDS)])) as AnnualReport['decisions'];
  for (const c of cases) if (c.decision && within(c.decision.on, period)) decisions[c.decision.outcome][c.kind] += 1;

  const duties = Object.fromEntries(
    DUTY_KINDS.map((kind) => [
      kind,
      countOnTime(
        cases.flatMap((c) => c.duties.filter((d) => d.kind === kind && within(d.dueOn, period))),
        today,
      ),
    ]),
  ) as AnnualReport['duties'];

  const dueIn = (asks: CaseFigures['returns']) => asks.filter((a) => within(a.dueOn, period));
  const returns = onTimeByAgency(
    cases.flatMap((c) => dueIn(c.returns)),
    agencies,
    today,
  );
  const reports = onTimeByAgency(
    cases.flatMap((c) => dueIn(c.reports)),
    agencies,
    today,
  );

  const reviews = cases
    .flatMap((c): ReviewInProgress[] => {
      if (!c.review || !c.decision || c.decision.on > asOf || (c.closedOn && c.closedOn <= asOf)) return [];
      const doneOn = c.review.doneOn && c.review.doneOn <= asOf ? c.review.doneOn : undefined;
      return [
        {
          reference: c.reference,
          kind: c.kind,
          outcome: c.decision.outcome,
          decidedOn: c.decision.on,
          dueOn: c.review.dueOn,
          ...(doneOn && { doneOn }),
          overdue: !doneOn && c.review.dueOn < asOf,
        },
      ];
    })
    .sort((a, b) => a.dueOn.localeCompare(b.dueOn) || a.reference.localeCompare(b.reference));

  const counted = cases.flatMap((c) => c.actions.filter((a) => within(a.dueOn, period) || (!a.signedOff && a.dueOn < period.from)));
  const actionRows = agencyRows(
    agencies,
    counted.map((a) => a.agencyId),
    (): ActionCounts => ({ open: 0, overdue: 0, awaitingSignOff: 0, signedOff: 0 }),
  );
  for (const a of counted) {
    const count = actionRows.get(a.agencyId)!.count;
    if (a.signedOff) count.signedOff += 1;
    else if (a.status === 'done') count.awaitingSignOff += 1;
    else {
      count.open += 1;
      if (a.dueOn < today) count.overdue += 1;
    }
  }

  return { period, today, asOf, referrals, decisions, duties, returns, reports, reviews, actions: [...actionRows.values()] };
}

// ---------------------------------------------------------------------------
// The report as tables: what the CSV files, the workbook's sheets and the chat show
// ---------------------------------------------------------------------------

export type Cell = string | number;

export interface ReportTable {
  /** The file's name (`<id>.csv`, `<id>.png`). */
  id: string;
  /** The sheet's name: at most 31 characters, as Excel allows. */
  sheet: string;
  title: string;
  /** What it counts, in a sentence: the workbook's README sheet says it. */
  counts: string;
  columns: string[];
  rows: Cell[][];
}

/** Short names of the kinds, for column headings. */
export const KIND_SHORT_NAMES: Record<ReviewKind, string> = {
  lcspr: 'LCSPR',
  sar: 'SAR',
  dhr: 'DHR',
  reflective: 'Reflective review',
  notSure: 'Not sure',
};

/** An outcome in words that fit every kind. */
export const outcomeTitle = (outcome: Outcome): string => outcomeName('notSure', outcome);

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const percentCell = (c: OnTime): Cell => onTimePercent(c) ?? '';
const ON_TIME_COLUMNS = ['Due in the period', 'Done on time', 'Done late', 'Not done, overdue', 'Not done, not yet due', 'On time (%)'];
const onTimeCells = (c: OnTime): Cell[] => [c.due, c.onTime, c.late, c.overdue, c.notYetDue, percentCell(c)];
const totalOf = (counts: readonly OnTime[]): OnTime => ({
  due: sum(counts.map((c) => c.due)),
  onTime: sum(counts.map((c) => c.onTime)),
  late: sum(counts.map((c) => c.late)),
  overdue: sum(counts.map((c) => c.overdue)),
  notYetDue: sum(counts.map((c) => c.notYetDue)),
});

const ON_TIME_MEANS =
  'On time is done on or before the due date; a task not done is overdue once its date has passed (as of the day the report is made). ' +
  'On time (%) is of those done or overdue.';

/** The report's tables, in the order the workbook holds them. */
export function reportTables(report: AnnualReport): ReportTable[] {
  const byAgency = (rows: AnnualReport['returns']): Cell[][] => [
    ...rows.map((r) => [r.agency.name, ...onTimeCells(r.count)]),
    ['Total', ...onTimeCells(totalOf(rows.map((r) => r.count)))],
  ];
  const actionTotal = (key: keyof ActionCounts) => sum(report.actions.map((a) => a.count[key]));
  return [
    {
      id: 'referrals',
      sheet: 'Referrals',
      title: 'Referrals received, by kind and source',
      counts: 'Referrals received in the period, by the kind of review asked for and where the referral came from.',
      columns: ['Kind of review', ...REFERRAL_SOURCES.map((s) => SOURCE_NAMES[s]), 'Total'],
      rows: [
        ...REVIEW_KINDS.map((k) => [
          KIND_NAMES[k],
          ...REFERRAL_SOURCES.map((s) => report.referrals[k][s]),
          sum(Object.values(report.referrals[k])),
        ]),
        [
          'Total',
          ...REFERRAL_SOURCES.map((s) => sum(REVIEW_KINDS.map((k) => report.referrals[k][s]))),
          sum(REVIEW_KINDS.map((k) => sum(Object.values(report.referrals[k])))),
        ],
      ],
    },
    {
      id: 'decisions',
      sheet: 'Decisions',
      title: 'Decisions, by outcome',
      counts: "The panel's decision in force on each case, where it was made in the period, by outcome and the case's kind.",
      columns: ['Outcome', ...REVIEW_KINDS.map((k) => KIND_SHORT_NAMES[k]), 'Total'],
      rows: [
        ...OUTCOMES.map((o) => [
          outcomeTitle(o),
          ...REVIEW_KINDS.map((k) => report.decisions[o][k]),
          sum(Object.values(report.decisions[o])),
        ]),
        [
          'Total',
          ...REVIEW_KINDS.map((k) => sum(OUTCOMES.map((o) => report.decisions[o][k]))),
          sum(OUTCOMES.map((o) => sum(Object.values(report.decisions[o])))),
        ],
      ],
    },
    {
      id: 'statutory-tasks',
      sheet: 'Statutory tasks',
      title: 'Statutory tasks done on time',
      counts: `Statutory tasks due in the period (the National Panel notification, the rapid review, the decision and publication notices). ${ON_TIME_MEANS}`,
      columns: ['Task', ...ON_TIME_COLUMNS],
      rows: [
        ...DUTY_KINDS.map((k) => [DUTIES[k].name, ...onTimeCells(report.duties[k])]),
        ['Total', ...onTimeCells(totalOf(DUTY_KINDS.map((k) => report.duties[k])))],
      ],
    },
    {
      id: 'returns',
      sheet: 'Returns',
      title: 'Rapid review returns on time, by agency',
      counts: `Rapid review returns due in the period, by the agency asked. ${ON_TIME_MEANS}`,
      columns: ['Agency', ...ON_TIME_COLUMNS],
      rows: byAgency(report.returns),
    },
    {
      id: 'agency-reports',
      sheet: 'Agency reports',
      title: "Reviews' agency reports on time, by agency",
      counts: `Agency reports for a review due in the period, by the agency asked. ${ON_TIME_MEANS}`,
      columns: ['Agency', ...ON_TIME_COLUMNS],
      rows: byAgency(report.reports),
    },
    {
      id: 'reviews-in-progress',
      sheet: 'Reviews in progress',
      title: `Reviews in progress on ${formatLongDate(report.asOf)}, against their due dates`,
      counts:
        'Each review a decision started that was not closed on the period’s last day (or today, while the period runs), by reference: ' +
        'when it was decided, when its last step is due, and whether it is overdue.',
      columns: ['Reference', 'Kind of review', 'Review', 'Decided on', 'Due on', 'Last step done on', 'Overdue'],
      rows: report.reviews.map((r) => [
        r.reference,
        KIND_SHORT_NAMES[r.kind],
        outcomeName(r.kind, r.outcome),
        r.decidedOn,
        r.dueOn,
        r.doneOn ?? '',
        r.overdue ? 'Yes' : 'No',
      ]),
    },
    {
      id: 'actions',
      sheet: 'Actions',
      title: `Review actions by agency, on ${formatLongDate(report.today)}`,
      counts:
        "The review action plans' actions due in the period, and those due before it still open, by owning agency: " +
        'open (not done), of them overdue, done and waiting for sign-off by the Learning and Improvement Group, and signed off.',
      columns: ['Agency', 'Open', 'Open and overdue', 'Done, awaiting sign-off', 'Signed off'],
      rows: [
        ...report.actions.map((a) => [a.agency.name, a.count.open, a.count.overdue, a.count.awaitingSignOff, a.count.signedOff]),
        ['Total', actionTotal('open'), actionTotal('overdue'), actionTotal('awaitingSignOff'), actionTotal('signedOff')],
      ],
    },
  ];
}

export interface HeadlineGroup {
  title: string;
  facts: { title: string; value: string }[];
}

const outOf = (c: OnTime) => {
  const settled = c.onTime + c.late + c.overdue;
  const percent = onTimePercent(c);
  return `${c.onTime} of ${settled} on time${percent === undefined ? '' : ` (${percent}%)`}${c.notYetDue ? `; ${c.notYetDue} not yet due` : ''}`;
};

/** The figures a reader wants first: what the chat's card and the command's output show. */
export function headlineFigures(report: AnnualReport): HeadlineGroup[] {
  const received = sum(REVIEW_KINDS.map((k) => sum(Object.values(report.referrals[k]))));
  const decided = OUTCOMES.map((o) => ({ o, n: sum(Object.values(report.decisions[o])) })).filter((d) => d.n > 0);
  const duty = (kinds: readonly DutyKind[]) => totalOf(kinds.map((k) => report.duties[k]));
  const actions = (key: keyof ActionCounts) => sum(report.actions.map((a) => a.count[key]));
  const overdueReviews = report.reviews.filter((r) => r.overdue).length;
  return [
    {
      title: 'Referrals and decisions',
      facts: [
        { title: 'Referrals received', value: String(received) },
        { title: 'Decisions made', value: String(sum(decided.map((d) => d.n))) },
        ...decided.map((d) => ({ title: outcomeTitle(d.o), value: String(d.n) })),
      ],
    },
    {
      title: 'On time',
      facts: [
        { title: DUTIES.nationalPanelNotification.name, value: outOf(report.duties.nationalPanelNotification) },
        { title: DUTIES.rapidReviewResponse.name, value: outOf(report.duties.rapidReviewResponse) },
        { title: 'Publication notices', value: outOf(report.duties.publicationNotice) },
        {
          title: 'Decision notices',
          value: outOf(duty(['nationalPanelDecisionNotice', 'ofstedNotice', 'homeOfficeNotice'])),
        },
        { title: 'Rapid review returns', value: outOf(totalOf(report.returns.map((r) => r.count))) },
        { title: 'Agency reports', value: outOf(totalOf(report.reports.map((r) => r.count))) },
      ],
    },
    {
      title: 'Reviews and actions',
      facts: [
        { title: `Reviews in progress on ${formatLongDate(report.asOf)}`, value: `${report.reviews.length} (${overdueReviews} overdue)` },
        { title: 'Actions open', value: `${actions('open')} (${actions('overdue')} overdue)` },
        { title: 'Actions awaiting sign-off', value: String(actions('awaitingSignOff')) },
        { title: 'Actions signed off', value: String(actions('signedOff')) },
      ],
    },
  ];
}
