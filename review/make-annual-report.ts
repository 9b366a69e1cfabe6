/**
 * Making the annual summary: every case's figures, live or purged, read from the store and
 * counted (`annual-report.ts`), and the making recorded in the partnership's audit trail.
 * Who may ask is for the caller to decide: the operator's command, or the business unit in chat.
 */
import { annualReport, type AnnualReport, type Period } from './annual-report.js';
import { PARTNERSHIP_AUDIT } from './audit.js';
import { caseFigures, type CaseFigures } from './case-figures.js';
import { todayFor, type ReviewDeps } from './deps.js';
import type { CaseStore } from './store.js';

const PAGE = 200;

/** Every case's figures: the live cases a page at a time, then what purged cases left. */
export async function allCaseFigures(store: CaseStore, timeZone: string): Promise<CaseFigures[]> {
  const figures: CaseFigures[] = [];
  let continuation: string | undefined;
  do {
    const page = await store.listCases({ limit: PAGE, ...(continuation && { continuation }) });
    figures.push(...page.items.map((record) => caseFigures(record, timeZone)));
    continuation = page.continuation;
  } while (continuation);
  for (const tombstone of await store.listTombstones()) figures.push(tombstone.figures);
  return figures;
}

/**
 * The annual summary of `period` as of today, audited `annualReport.made` with the period
 * and how it was asked for (`by`: `cli`, `chat`; `what` says which file went, if one did).
 */
export async function makeAnnualReport(
  deps: Pick<ReviewDeps, 'store' | 'partnership' | 'now'>,
  request: { period: Period; actor: string; by: string; what?: string },
): Promise<AnnualReport> {
  const { store, partnership } = deps;
  const report = annualReport(await allCaseFigures(store, partnership.timezone), {
    period: request.period,
    today: todayFor(deps),
    agencies: partnership.agencies,
  });
  await store.appendAudit({
    caseId: PARTNERSHIP_AUDIT,
    at: deps.now().toISOString(),
    actor: request.actor,
    action: 'annualReport.made',
    detail: `from=${request.period.from} to=${request.period.to} by=${request.by}${request.what ? ` file=${request.what}` : ''}`,
  });
  return report;
}
