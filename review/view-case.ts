import type { CaseRecord } from './case.js';
import type { Caller, ReviewDeps } from './deps.js';

/** How much of a case someone may see. */
export type CaseAccess = 'details' | 'summary';

/** What the caller may see: nothing, when refused or when there is no such case. */
export type CaseView = { access: CaseAccess; record: CaseRecord } | { access: 'none' };

/**
 * Need-to-know. The business unit sees everything; the referrer sees their own
 * case's reference, descriptor, stage and dates; nobody else sees anything. Asked
 * from a channel card, only the business unit gets an answer at all.
 */
export function accessTo(
  record: CaseRecord,
  caller: Caller,
  deps: Pick<ReviewDeps, 'directory'>,
  via: 'status' | 'channel',
): CaseAccess | 'none' {
  if (deps.directory.hasRole(caller.aadObjectId, 'businessUnit')) return 'details';
  if (via === 'status' && record.referrerAadObjectId.toLowerCase() === caller.aadObjectId.toLowerCase()) {
    return 'summary';
  }
  return 'none';
}

/**
 * Shows a case to a caller, recording the view or the refusal in the case's audit
 * trail. An unknown reference and a refusal look the same to the caller, so that
 * nobody learns which references exist.
 */
export async function viewCase(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; via: 'status' | 'channel' },
): Promise<CaseView> {
  const record = await deps.store.getCase(input.reference);
  if (!record) return { access: 'none' };
  const access = accessTo(record, input.caller, deps, input.via);
  await deps.store.appendAudit({
    caseId: record.reference,
    at: deps.now().toISOString(),
    actor: input.caller.aadObjectId,
    action: access === 'none' ? 'case.view.refused' : 'case.viewed',
    detail: `via=${input.via}${access === 'none' ? '' : ` access=${access}`}`,
  });
  return access === 'none' ? { access } : { access, record };
}
