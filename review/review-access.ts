/**
 * Who may change a review: the business unit, on a case whose decision started one and
 * that is not closed. Every change behind the plan card starts here; a refusal is
 * audited under the change's own name.
 */
import type { AuditAction } from './audit.js';
import type { CaseRecord } from './case.js';
import type { Caller, ReviewDeps } from './deps.js';
import type { Versioned } from './store.js';

export type ReviewAccess =
  | { status: 'refused' | 'notFound' }
  /** No review to change: no decision started one, or the case is closed. */
  | { status: 'noReview'; record: CaseRecord }
  | { status: 'ok'; read: Versioned<CaseRecord> };

export async function businessUnitReview(deps: ReviewDeps, caller: Caller, reference: string, refused: AuditAction): Promise<ReviewAccess> {
  const read = await deps.store.getCaseVersion(reference);
  if (!deps.directory.hasRole(caller.aadObjectId, 'businessUnit')) {
    if (read) await deps.store.appendAudit({ caseId: reference, at: deps.now().toISOString(), actor: caller.aadObjectId, action: refused });
    return { status: 'refused' };
  }
  if (!read) return { status: 'notFound' };
  if (!read.value.plan || read.value.closedAt) return { status: 'noReview', record: read.value };
  return { status: 'ok', read };
}
