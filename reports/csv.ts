import { stringify } from 'csv-stringify/sync';
import type { ReportTable } from '../review/annual-report.js';

/**
 * A table as CSV, as spreadsheets open it: a byte-order mark so Excel reads UTF-8, a header
 * row, CRLF line ends, and any text that would start a formula escaped.
 */
export function tableCsv(table: ReportTable): string {
  return stringify(table.rows, { header: true, columns: table.columns, bom: true, record_delimiter: 'windows', escape_formulas: true });
}
