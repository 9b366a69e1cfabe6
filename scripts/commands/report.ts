import { resolve } from 'node:path';
import { headlineFigures, periodName } from '../../review/annual-report.js';
import { parseLocalDate } from '../../review/local-date.js';
import { makeAnnualReport } from '../../review/make-annual-report.js';
import { UsageError, type Args, type Command } from './context.js';

function period({ values }: Args) {
  const [from, to] = [values.from, values.to].map((v) => (typeof v === 'string' ? parseLocalDate(v) : undefined));
  if (!from || !to) throw new UsageError('report needs --from and --to, each a date such as 2026-04-01');
  if (from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
  return { from, to };
}

/**
 * The annual summary, into a folder: a CSV file per table, an Excel workbook and PNG
 * charts, counted from every case, live or purged. No personal data in any of it.
 */
export const report: Command = {
  usage: 'report --from 2026-04-01 --to 2027-03-31 --out DIR   (the partnership year; files are written into DIR)',
  options: { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } },
  check(args) {
    period(args);
    if (typeof args.values.out !== 'string' || args.values.out === '') throw new UsageError('report needs --out, the folder to write into');
  },
  async run(context, args) {
    // Loaded here, not with the other commands: vega and exceljs take a second or two to load.
    const { writeReport } = await import('../../reports/write-report.js');
    const made = await makeAnnualReport(context, { period: period(args), actor: context.operator, by: 'cli' });
    const files = await writeReport(resolve(String(args.values.out)), made, { partnership: context.partnership.name, at: context.now() });
    context.out(`Annual summary ${periodName(made.period)} of ${context.partnership.name}:`);
    for (const group of headlineFigures(made)) for (const fact of group.facts) context.out(`  ${fact.title}: ${fact.value}`);
    for (const file of files) context.out(file);
    return 0;
  },
};
