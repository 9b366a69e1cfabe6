import { addMonths, type LocalDate } from './local-date.js';
import type { Caller, ReviewDeps } from './deps.js';
import { updateCase } from './update-case.js';

/**
 * Closes a case and starts its retention clock: after the partnership's
 * `retention.closedCaseYears`, everything about it is deleted (by TTL in Cosmos DB, by
 * the scheduled purge in SQLite). The decision that closes a case calls this.
 */
export async function closeCase(deps: ReviewDeps, reference: string, closedBy: Caller): Promise<string> {
  const now = deps.now();
  const closedAt = now.toISOString();
  const expiryDay = addMonths(closedAt.slice(0, 10) as LocalDate, 12 * deps.partnership.retention.closedCaseYears);
  const expiresAt = `${expiryDay}${closedAt.slice(10)}`;
  await updateCase(deps.store, reference, (c) => ({ ...c, closedAt, expiresAt }));
  await deps.store.appendAudit({ caseId: reference, at: closedAt, actor: closedBy.aadObjectId, action: 'case.closed' });
  await deps.store.setExpiry(reference, expiresAt);
  return expiresAt;
}
