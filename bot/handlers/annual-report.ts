import { CardFactory, type FileConsentCardResponse, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { annualReportCard } from '../../cards/annual-report-cards.js';
import { reportCharts, renderChart, type Chart } from '../../reports/charts.js';
import { workbookName, workbookOf } from '../../reports/workbook.js';
import {
  headlineFigures,
  partnershipYear,
  partnershipYearOf,
  periodName,
  reportTables,
  type AnnualReport,
  type Period,
} from '../../review/annual-report.js';
import { PARTNERSHIP_AUDIT } from '../../review/audit.js';
import { recordAudit, todayFor, type Caller } from '../../review/deps.js';
import { parseLocalDate, type LocalDate } from '../../review/local-date.js';
import { makeAnnualReport } from '../../review/make-annual-report.js';
import { personalCaller } from '../caller.js';
import type { PanelDeps } from '../deps.js';
import { uploadAllowed, uploadFile } from '../file-upload.js';
import { loggableError } from '../logger.js';

export const REPORT_REFUSED = 'Only the business unit can have the annual summary. To make a referral, type **refer**.';
export const REPORT_USAGE =
  'Say **report 2026** for the annual summary of the partnership year from 1 April 2026 to 31 March 2027 (**report** alone: this year).';
export const WORKBOOK_DECLINED = 'The workbook was not saved. Say **report** with the year to be offered it again.';
export const WORKBOOK_OUT_OF_DATE = 'That offer of a workbook is out of date. Say **report** with the year to be offered it again.';

/** The card's chart: small, so the card stays well within Teams' 28 KB. */
export const CARD_CHART = { id: 'returns', width: 360, height: 200 } as const;
const FILE_CONSENT = 'application/vnd.microsoft.teams.card.file.consent';
const FILE_INFO = 'application/vnd.microsoft.teams.card.file.info';

/** What the file consent card carries back: the period only, never who asked. */
const date = z.string().refine((s) => parseLocalDate(s) !== undefined);
const offered = z.object({ period: z.object({ from: date, to: date }).refine((p) => p.from <= p.to) });

/** The chart in words, for a screen reader: each bar's non-zero parts. */
function chartInWords(chart: Chart): string {
  const labels = [...new Set(chart.values.map((v) => v.label))];
  const bars = labels.map((label) => {
    const parts = chart.values.filter((v) => v.label === label && v.count > 0).map((v) => `${v.count} ${v.series.toLowerCase()}`);
    return `${label}: ${parts.length ? parts.join(', ') : 'none'}`;
  });
  return `${chart.title}. ${bars.join('; ')}.`;
}

const about = (deps: PanelDeps) => ({ partnership: deps.review.partnership.name, at: deps.review.now() });

/** The business unit, from the caller's identity: anyone else is refused, and the refusal audited. */
async function businessUnit(context: TurnContext, deps: PanelDeps, detail: string): Promise<Caller | undefined> {
  const caller = await personalCaller(context);
  if (!caller) return undefined;
  if (deps.review.directory.hasRole(caller.aadObjectId, 'businessUnit')) return caller;
  await recordAudit(deps.review, PARTNERSHIP_AUDIT, caller.aadObjectId, 'annualReport.refused', detail);
  await context.sendActivity(REPORT_REFUSED);
  return undefined;
}

async function offerWorkbook(context: TurnContext, report: AnnualReport, bytes: Buffer): Promise<void> {
  const carried = { period: report.period };
  await context.sendActivity({
    type: 'message',
    attachments: [
      {
        contentType: FILE_CONSENT,
        name: workbookName(report),
        content: {
          description: `The annual summary ${periodName(report.period)}: every table, one sheet each. No personal data.`,
          sizeInBytes: bytes.length,
          acceptContext: carried,
          declineContext: carried,
        },
      },
    ],
  });
}

/**
 * `report 2026` in a personal chat, by the business unit: the partnership year's summary
 * as a card (headline figures and a chart), then the workbook offered on a file consent
 * card, saved to their OneDrive if they allow it.
 */
export async function annualReportCommand(context: TurnContext, deps: PanelDeps): Promise<void> {
  const asked = /^\s*report(?:\s+(\d{4}))?\s*$/i.exec(context.activity.text ?? '');
  const year = asked ? (asked[1] ? Number(asked[1]) : partnershipYearOf(todayFor(deps.review))) : undefined;
  const period = year !== undefined && year >= 2000 && year <= 2100 ? partnershipYear(year) : undefined;
  const caller = await businessUnit(context, deps, period ? `from=${period.from} to=${period.to} by=chat` : 'by=chat');
  if (!caller) return;
  if (!period) {
    await context.sendActivity(REPORT_USAGE);
    return;
  }
  const report = await makeAnnualReport(deps.review, { period, actor: caller.aadObjectId, by: 'chat' });
  const chart = reportCharts(report).find((c) => c.id === CARD_CHART.id)!;
  const png = await renderChart(chart, CARD_CHART);
  const workbook = await workbookOf(report, reportTables(report), about(deps));
  const card = annualReportCard({
    partnership: deps.review.partnership.name,
    period,
    groups: headlineFigures(report),
    chart: { url: `data:image/png;base64,${png.toString('base64')}`, alt: chartInWords(chart) },
    workbook: workbookName(report),
  });
  await context.sendActivity({ type: 'message', attachments: [CardFactory.adaptiveCard(card)] });
  await offerWorkbook(context, report, workbook);
  deps.log.info({ command: 'report' }, 'annual report');
}

/**
 * The workbook accepted on its file consent card: answered at once (Teams wants the invoke
 * answered within 5 seconds), then made afresh, PUT to the upload session Teams made, and
 * shown as a file card; a failed upload is said, and logged.
 */
export async function acceptWorkbook(context: TurnContext, deps: PanelDeps, response: FileConsentCardResponse): Promise<void> {
  const read = offered.safeParse(response.context);
  const period: Period | undefined = read.success
    ? { from: read.data.period.from as LocalDate, to: read.data.period.to as LocalDate }
    : undefined;
  const detail = `${period ? `from=${period.from} to=${period.to} ` : ''}by=chat file=workbook`;
  const caller = await businessUnit(context, deps, detail);
  if (!caller) return;
  const upload = response.uploadInfo;
  if (!period || !uploadAllowed(upload?.uploadUrl, deps.botAppId === '')) {
    await context.sendActivity(WORKBOOK_OUT_OF_DATE);
    return;
  }
  const to = { serviceUrl: context.activity.serviceUrl, conversationId: context.activity.conversation.id };
  const url = upload!.uploadUrl!;
  deps.background.run('workbook', async () => {
    const report = await makeAnnualReport(deps.review, { period, actor: caller.aadObjectId, by: 'chat', what: 'workbook' });
    try {
      await uploadFile(url, await workbookOf(report, reportTables(report), about(deps)));
    } catch (err) {
      deps.log.warn({ command: 'report', err: loggableError(err) }, 'workbook not uploaded');
      await deps.sender.post(to.serviceUrl, to.conversationId, {
        text: `The workbook could not be saved to your OneDrive. Say **report ${period.from.slice(0, 4)}** to try again.`,
      });
      return;
    }
    await deps.sender.post(to.serviceUrl, to.conversationId, {
      attachments: [
        {
          contentType: FILE_INFO,
          name: upload?.name ?? workbookName(report),
          ...(upload?.contentUrl && { contentUrl: upload.contentUrl }),
          content: { uniqueId: upload?.uniqueId, fileType: upload?.fileType ?? 'xlsx' },
        },
      ],
    });
  });
}

/** The workbook declined: nothing is made or saved. */
export async function declineWorkbook(context: TurnContext): Promise<void> {
  await context.sendActivity(WORKBOOK_DECLINED);
}
