import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { reportTables, type AnnualReport } from '../review/annual-report.js';
import { tableCsv } from './csv.js';
import { renderChart, reportCharts } from './charts.js';
import { workbookName, workbookOf } from './workbook.js';

/** A chart's size in a file: 720 by 400, drawn at twice that for a sharp picture. */
export const FILE_CHART = { width: 720, height: 400, scale: 2 } as const;

/**
 * Writes the annual summary into `dir` (made if need be): a CSV file per table, the
 * workbook, and a PNG per chart. Returns the files' paths, in that order.
 */
export async function writeReport(dir: string, report: AnnualReport, about: { partnership: string; at: Date }): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const tables = reportTables(report);
  const written: string[] = [];
  const write = async (name: string, content: string | Buffer) => {
    const path = join(dir, name);
    await writeFile(path, content);
    written.push(path);
  };
  for (const table of tables) await write(`${table.id}.csv`, tableCsv(table));
  await write(workbookName(report), await workbookOf(report, tables, about));
  for (const chart of reportCharts(report)) await write(`${chart.id}.png`, await renderChart(chart, FILE_CHART));
  return written;
}
