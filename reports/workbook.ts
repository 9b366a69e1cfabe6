import ExcelJS from 'exceljs';
import { formatLongDate } from '../review/local-date.js';
import { periodName, periodWords, type AnnualReport, type ReportTable } from '../review/annual-report.js';

/** The workbook's file name: `annual-summary-2026-27.xlsx` for a partnership year. */
export const workbookName = (report: Pick<AnnualReport, 'period'>): string =>
  `annual-summary-${periodName(report.period).replaceAll(' ', '-')}.xlsx`;

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** What the README sheet says the workbook does not hold. */
export const NO_PERSONAL_DATA =
  'It holds no personal data: counts by kind, source, outcome and agency, and case references. ' +
  'No names, no dates of birth or addresses, nothing anyone typed, and nobody’s account.';

/**
 * The annual summary as an Excel workbook: a README sheet (the partnership, the period,
 * that it holds no personal data, and what each sheet counts), then one sheet per table,
 * its header row bold and frozen.
 */
export async function workbookOf(
  report: AnnualReport,
  tables: readonly ReportTable[],
  about: { partnership: string; at: Date },
): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Panel';
  book.created = about.at;
  book.modified = about.at;
  const readme = book.addWorksheet('README');
  readme.columns = [{ width: 24 }, { width: 110 }];
  readme.addRows([
    ['Annual summary', `${about.partnership}, ${periodName(report.period)}`],
    ['Period', periodWords(report.period)],
    ['Made on', formatLongDate(report.today)],
    ['Reviews in progress on', formatLongDate(report.asOf)],
    ['Personal data', NO_PERSONAL_DATA],
    [],
    ['Sheet', 'What it counts'],
    ...tables.map((t) => [t.sheet, t.counts]),
  ]);
  readme.getColumn(1).font = { bold: true };
  readme.getRow(7).font = { bold: true };
  readme.getColumn(2).alignment = { wrapText: true, vertical: 'top' };
  for (const table of tables) {
    const sheet = book.addWorksheet(table.sheet, { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = table.columns.map((header, i) => ({
      header,
      width: Math.min(60, Math.max(header.length, ...table.rows.map((r) => String(r[i] ?? '').length)) + 2),
    }));
    sheet.addRows(table.rows.map((row) => row.map((cell) => (cell === '' ? null : cell))));
    sheet.getRow(1).font = { bold: true };
    sheet.getRow(1).alignment = { wrapText: true, vertical: 'top' };
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}
