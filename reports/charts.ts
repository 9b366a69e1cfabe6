/**
 * The annual summary's charts: vega-lite specs drawn without a browser (vega's headless
 * View renders SVG, resvg turns it into a PNG on a white background).
 */
import { Resvg } from '@resvg/resvg-js';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { DUTY_KINDS, type DutyKind } from '../review/duties.js';
import { KIND_SHORT_NAMES, periodName, type AnnualReport, type OnTime } from '../review/annual-report.js';
import { OUTCOMES, type Outcome } from '../review/decision.js';
import { REFERRAL_SOURCES, REVIEW_KINDS, SOURCE_NAMES } from '../review/referral-model.js';

export interface Chart {
  /** The file's name: `<id>.png`. */
  id: string;
  title: string;
  /** Its data as it is drawn: what a screen reader or a test reads instead. */
  values: { label: string; series: string; count: number }[];
  /** The series in the order they stack, with their colours. */
  series: { name: string; colour: string }[];
}

/** Said in the PNG's text: the fonts resvg looks for, then whatever sans-serif the host has. */
const FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

const ON_TIME_SERIES = [
  { name: 'On time', colour: '#2e7d32' },
  { name: 'Late', colour: '#f9a825' },
  { name: 'Overdue', colour: '#c62828' },
  { name: 'Not yet due', colour: '#9e9e9e' },
];
const onTimeValues = (label: string, c: OnTime) =>
  [c.onTime, c.late, c.overdue, c.notYetDue].map((count, i) => ({ label, series: ON_TIME_SERIES[i]!.name, count }));

/** Labels short enough for a chart's axis; the tables use the full names. */
const OUTCOME_LABELS: Record<Outcome, string> = {
  noReview: 'No review',
  actionLearning: 'Action learning',
  singleAgency: 'Single agency review',
  partnership: 'Partnership review',
  independent: 'Independent review',
  dhr: 'DHR',
  reflective: 'Reflective review',
  onHold: 'On hold',
  otherProcess: 'Another process',
};
const DUTY_LABELS: Record<DutyKind, string> = {
  nationalPanelNotification: 'National Panel notification',
  rapidReviewResponse: 'Rapid review sent',
  nationalPanelDecisionNotice: 'Decision notice: National Panel',
  ofstedNotice: 'Decision notice: Ofsted',
  homeOfficeNotice: 'Decision notice: Home Office',
  publicationNotice: 'Publication notice',
};

const PALETTE = ['#0f6c7a', '#5e97f6', '#f4b400', '#db4437', '#7e57c2', '#8d6e63', '#26a69a', '#ec407a', '#9e9e9e'];

/** The report's charts, one per table that counts something by category. */
export function reportCharts(report: AnnualReport): Chart[] {
  const year = periodName(report.period);
  return [
    {
      id: 'referrals',
      title: `Referrals by kind and source, ${year}`,
      values: REVIEW_KINDS.flatMap((k) =>
        REFERRAL_SOURCES.map((s) => ({ label: KIND_SHORT_NAMES[k], series: SOURCE_NAMES[s], count: report.referrals[k][s] })),
      ),
      series: REFERRAL_SOURCES.map((s, i) => ({ name: SOURCE_NAMES[s], colour: PALETTE[i]! })),
    },
    {
      id: 'decisions',
      title: `Decisions by outcome, ${year}`,
      values: OUTCOMES.flatMap((o) =>
        REVIEW_KINDS.map((k) => ({ label: OUTCOME_LABELS[o], series: KIND_SHORT_NAMES[k], count: report.decisions[o][k] })),
      ),
      series: REVIEW_KINDS.map((k, i) => ({ name: KIND_SHORT_NAMES[k], colour: PALETTE[i]! })),
    },
    {
      id: 'statutory-tasks',
      title: `Statutory tasks on time, ${year}`,
      values: DUTY_KINDS.flatMap((k) => onTimeValues(DUTY_LABELS[k], report.duties[k])),
      series: ON_TIME_SERIES,
    },
    {
      id: 'returns',
      title: `Rapid review returns on time, by agency, ${year}`,
      values: report.returns.flatMap((r) => onTimeValues(r.agency.name, r.count)),
      series: ON_TIME_SERIES,
    },
    {
      id: 'actions',
      title: `Review actions by agency, ${year}`,
      values: report.actions.flatMap((a) => [
        { label: a.agency.name, series: 'Open and overdue', count: a.count.overdue },
        { label: a.agency.name, series: 'Open', count: a.count.open - a.count.overdue },
        { label: a.agency.name, series: 'Awaiting sign-off', count: a.count.awaitingSignOff },
        { label: a.agency.name, series: 'Signed off', count: a.count.signedOff },
      ]),
      series: [
        { name: 'Open and overdue', colour: '#c62828' },
        { name: 'Open', colour: '#f9a825' },
        { name: 'Awaiting sign-off', colour: '#5e97f6' },
        { name: 'Signed off', colour: '#2e7d32' },
      ],
    },
  ];
}

/** A horizontal stacked bar chart of `chart`, `width` by `height` pixels in all. */
export function chartSpec(chart: Chart, size: { width: number; height: number }): TopLevelSpec {
  const small = size.width < 500;
  const labels = [...new Set(chart.values.map((v) => v.label))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: size.width,
    height: size.height,
    autosize: { type: 'fit', contains: 'padding' },
    background: 'white',
    padding: small ? 6 : 12,
    title: { text: chart.title, fontSize: small ? 11 : 15, anchor: 'start' },
    config: {
      font: FONT,
      axis: { labelFontSize: small ? 9 : 12, titleFontSize: small ? 9 : 12, labelLimit: small ? 110 : 260 },
      legend: { labelFontSize: small ? 9 : 12, titleFontSize: small ? 9 : 12, orient: 'bottom', columns: small ? 2 : 4, labelLimit: 240 },
      view: { stroke: null },
    },
    data: { values: chart.values.filter((v) => v.count > 0) },
    mark: { type: 'bar' },
    encoding: {
      y: { field: 'label', type: 'nominal', title: null, sort: labels, scale: { domain: labels } },
      x: { aggregate: 'sum', field: 'count', type: 'quantitative', title: 'Number', axis: { tickMinStep: 1, format: 'd' } },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        scale: { domain: chart.series.map((s) => s.name), range: chart.series.map((s) => s.colour) },
      },
      order: { field: 'order', type: 'quantitative' },
    },
    transform: [{ calculate: `indexof(${JSON.stringify(chart.series.map((s) => s.name))}, datum.series)`, as: 'order' }],
  };
}

/** `chart` drawn as a PNG: `width` by `height`, times `scale` (2 for a sharp file, 1 for a card). */
export async function renderChart(chart: Chart, size: { width: number; height: number; scale?: number }): Promise<Buffer> {
  const view = new View(parse(compile(chartSpec(chart, size)).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    const png = new Resvg(svg, {
      background: 'white',
      fitTo: { mode: 'zoom', value: size.scale ?? 1 },
      font: { loadSystemFonts: true, sansSerifFamily: 'DejaVu Sans' },
      logLevel: 'off',
    });
    return png.render().asPng();
  } finally {
    view.finalize();
  }
}
