/**
 * The annual summary in chat, for the business unit one to one: the headline figures and
 * one chart. Counts, kinds, outcomes and agencies only, like the report itself.
 */
import { periodName, periodWords, type HeadlineGroup, type Period } from '../review/annual-report.js';
import { renderCard, type AdaptiveCardJson } from './render.js';
import template from './templates/annual-report.json' with { type: 'json' };

export interface AnnualReportCardView {
  partnership: string;
  period: Period;
  groups: HeadlineGroup[];
  /** A small PNG as a data URI (`data:image/png;base64,…`), and what it shows in words. */
  chart: { url: string; alt: string };
  /** The workbook's file name, if it follows this card to be saved. */
  workbook?: string;
}

/** The card: headline figures in FactSets, then the chart as an image. */
export function annualReportCard(view: AnnualReportCardView): AdaptiveCardJson {
  return renderCard(template, {
    heading: `Annual summary ${periodName(view.period)}`,
    notice: `${view.partnership}, ${periodWords(view.period)}. No personal data: counts by kind, outcome and agency.`,
    groups: view.groups,
    chart: view.chart,
    footnote: view.workbook
      ? `Every table is in the workbook ${view.workbook}, which follows: allow it to be saved to your OneDrive.`
      : 'Every table is in the workbook: the operators make it with npm run panel -- report.',
  });
}
