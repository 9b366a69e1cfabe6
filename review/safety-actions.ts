/**
 * A member of the business unit acknowledges a safety concern, saying what was done:
 * checked against their identity, validated, recorded once, audited (never with what
 * they wrote: it may name people).
 */
import type { CaseRecord } from './case.js';
import { readCardForm } from './card-form.js';
import type { Caller, ReviewDeps } from './deps.js';
import { withAcknowledged, type SafetyConcern } from './safety.js';
import { updateCase } from './update-case.js';

export const SAFETY_ACTION_MAX = 1000;

export interface AcknowledgeForm {
  action: string;
}

export type AcknowledgeResult =
  | { status: 'refused' | 'notFound' }
  | {
      status: 'invalid';
      record: CaseRecord;
      concern: SafetyConcern;
      form: AcknowledgeForm;
      errors: Partial<Record<keyof AcknowledgeForm, string>>;
    }
  | { status: 'acknowledged' | 'alreadyAcknowledged'; record: CaseRecord; concern: SafetyConcern };

export async function acknowledgeSafety(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; concern: string; data: Record<string, unknown> },
): Promise<AcknowledgeResult> {
  const actor = input.caller.aadObjectId;
  const read = await deps.store.getCaseVersion(input.reference);
  if (!deps.directory.hasRole(actor, 'businessUnit')) {
    if (read)
      await deps.store.appendAudit({ caseId: input.reference, at: deps.now().toISOString(), actor, action: 'safety.acknowledge.refused' });
    return { status: 'refused' };
  }
  const concern = read?.value.safety?.find((c) => c.id === input.concern);
  if (!read || !concern) return { status: 'notFound' };
  if (concern.acknowledged) return { status: 'alreadyAcknowledged', record: read.value, concern };
  const { form, errors } = readCardForm(['action'], input.data);
  if (form.action.trim() === '') errors.action ??= 'Say what was done to keep them safe, or who is dealing with it';
  else if (form.action.length > SAFETY_ACTION_MAX)
    errors.action = `Keep this to ${SAFETY_ACTION_MAX} characters or fewer (now ${form.action.length})`;
  if (Object.keys(errors).length > 0) return { status: 'invalid', record: read.value, concern, form, errors };

  const at = deps.now().toISOString();
  let now = false;
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const next = withAcknowledged(r, concern.id, { at, by: actor, action: form.action.trim() });
      now = next !== r;
      if (!now) return r;
      return { record: next, audit: [{ caseId: r.reference, at, actor, action: 'safety.acknowledged', detail: `concern=${concern.id}` }] };
    },
    { known: read },
  );
  const stored = record.safety?.find((c) => c.id === concern.id) ?? concern;
  return { status: now ? 'acknowledged' : 'alreadyAcknowledged', record, concern: stored };
}
