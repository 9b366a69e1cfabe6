/**
 * The business unit records a statutory duty as done (issue 16): who, when, and the
 * notification's own reference if it has one. Checked against the caller's identity,
 * validated, recorded once and audited; its reminders stop in the same write.
 */
import { z } from 'zod';
import type { CaseRecord } from './case.js';
import { readCardForm } from './card-form.js';
import { todayFor, type Caller, type ReviewDeps } from './deps.js';
import { DUTY_KINDS, dutyRefusal, withDutyDone, type DutyKind } from './duties.js';
import { updateCase } from './update-case.js';

export interface DutyForm {
  duty: string;
  /** The notification's own reference (`reference` is the case's, in the card's data). */
  notification: string;
}
export type DutyErrors = Partial<Record<keyof DutyForm, string>>;
export const DUTY_REFERENCE_MAX = 100;

/** A notification's reference: letters, digits and a few separators, so nothing personal is typed there by accident. */
const notificationReference = z
  .string()
  .max(DUTY_REFERENCE_MAX, `Keep this to ${DUTY_REFERENCE_MAX} characters or fewer`)
  .regex(/^[A-Za-z0-9 ./_-]*$/, 'Use the reference the National Panel gave: letters, digits, spaces and . / _ - only');

export type RecordDutyResult =
  | { status: 'refused' | 'notFound' }
  | { status: 'invalid'; record: CaseRecord; form: DutyForm; errors: DutyErrors }
  | { status: 'recorded' | 'alreadyRecorded'; record: CaseRecord; duty: DutyKind };

export async function recordDuty(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; data: Record<string, unknown> },
): Promise<RecordDutyResult> {
  const actor = input.caller.aadObjectId;
  const read = await deps.store.getCaseVersion(input.reference);
  if (!deps.directory.hasRole(actor, 'businessUnit')) {
    if (read) await deps.store.appendAudit({ caseId: input.reference, at: deps.now().toISOString(), actor, action: 'duty.record.refused' });
    return { status: 'refused' };
  }
  if (!read) return { status: 'notFound' };
  const current = read.value;
  const { form, errors } = readCardForm(['duty', 'notification'], input.data);
  const duty = DUTY_KINDS.find((k) => k === form.duty);
  if (!duty) errors.duty ??= 'Choose the duty that is done';
  else if (current.duties?.[duty]) return { status: 'alreadyRecorded', record: current, duty };
  else {
    const refusal = dutyRefusal(current, duty);
    if (refusal) errors.duty = refusal;
  }
  const checked = notificationReference.safeParse(form.notification.trim());
  if (!checked.success) errors.notification ??= checked.error.issues[0]?.message ?? 'Check the reference';
  if (Object.keys(errors).length > 0 || !duty) return { status: 'invalid', record: current, form, errors };

  const at = deps.now().toISOString();
  const done = { at, on: todayFor(deps), by: actor, ...(checked.data && { reference: checked.data }) };
  let recordedNow = false;
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const next = withDutyDone(r, duty, done);
      recordedNow = next !== r;
      if (!recordedNow) return r;
      return { record: next, audit: [{ caseId: r.reference, at, actor, action: 'duty.recorded', detail: `duty=${duty}` }] };
    },
    { known: read },
  );
  return { status: recordedNow ? 'recorded' : 'alreadyRecorded', record, duty };
}
