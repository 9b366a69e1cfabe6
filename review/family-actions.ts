/**
 * The business unit and the reviewer keep the family's involvement in a review (see
 * family.ts): the level agreed, the liaison officer, an interpreter, and a dated log of
 * contacts. Checked against the caller's identity, validated, recorded once, and every
 * view, change and refusal audited. Audit details name only the level and the contact's
 * kind, never a note or a name.
 */
import type { CaseRecord } from './case.js';
import { readCardForm } from './card-form.js';
import { recordAudit, todayFor, type Caller, type ReviewDeps } from './deps.js';
import { CONTACT_KINDS, FAMILY_ROLES, LEVELS, withFamily, type ContactKind, type FamilySettings } from './family.js';
import { parseLocalDate } from './local-date.js';
import { updateCase } from './update-case.js';

export interface FamilyForm {
  level: string;
  whyNot: string;
  agreedWith: string;
  liaison: string;
  /** `true` or `false`, as the card's toggle sends it. */
  interpreter: string;
  language: string;
  /** A contact to log, if any: its date, kind and note. */
  contactOn: string;
  contactKind: string;
  contactNote: string;
}
export type FamilyErrors = Partial<Record<keyof FamilyForm, string>>;

const FIELDS = [
  'level',
  'whyNot',
  'agreedWith',
  'liaison',
  'interpreter',
  'language',
  'contactOn',
  'contactKind',
  'contactNote',
] as const satisfies readonly (keyof FamilyForm)[];

/** The longest each answer may be; the card says the same. */
export const FAMILY_LIMITS = { whyNot: 500, agreedWith: 100, liaison: 100, language: 60, contactNote: 500 } as const;

/** Whether the caller may see and keep the family log. */
export const keepsFamily = (deps: Pick<ReviewDeps, 'directory'>, caller: Caller) =>
  FAMILY_ROLES.some((role) => deps.directory.hasRole(caller.aadObjectId, role));

const refusal = async (deps: ReviewDeps, caller: Caller, reference: string, verb: 'view' | 'update') => {
  if (await deps.store.getCase(reference)) await recordAudit(deps, reference, caller.aadObjectId, 'family.refused', verb);
  return { status: 'refused' as const };
};

export type ShowFamilyResult = { status: 'refused' | 'notFound' } | { status: 'shown'; record: CaseRecord };

/** The family log, to the business unit or the reviewer; the view is audited. */
export async function showFamily(deps: ReviewDeps, input: { caller: Caller; reference: string }): Promise<ShowFamilyResult> {
  if (!keepsFamily(deps, input.caller)) return refusal(deps, input.caller, input.reference, 'view');
  const record = await deps.store.getCase(input.reference);
  if (!record) return { status: 'notFound' };
  await recordAudit(deps, record.reference, input.caller.aadObjectId, 'family.viewed');
  return { status: 'shown', record };
}

export type UpdateFamilyResult =
  | { status: 'refused' | 'notFound' }
  /** The case is closed: its log is kept as it was. */
  | { status: 'closed'; record: CaseRecord }
  | { status: 'invalid'; record: CaseRecord; form: FamilyForm; errors: FamilyErrors }
  /** `logged`: the kind of the contact this submission logged, if it logged one. */
  | { status: 'saved' | 'unchanged'; record: CaseRecord; logged?: ContactKind };

const tooLong = (form: FamilyForm, errors: FamilyErrors) => {
  for (const [field, max] of Object.entries(FAMILY_LIMITS) as [keyof typeof FAMILY_LIMITS, number][]) {
    if (form[field].length > max) errors[field] ??= `Keep this to ${max} characters or fewer (now ${form[field].length})`;
  }
};

/**
 * The level of involvement, the liaison officer and the interpreter set, and a contact
 * logged if the form has one. `submissionId` names the card: the same card sent twice
 * logs its contact once.
 */
export async function updateFamily(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; submissionId: string; data: Record<string, unknown> },
): Promise<UpdateFamilyResult> {
  if (!keepsFamily(deps, input.caller)) return refusal(deps, input.caller, input.reference, 'update');
  const read = await deps.store.getCaseVersion(input.reference);
  if (!read) return { status: 'notFound' };
  const current = read.value;
  if (current.closedAt) return { status: 'closed', record: current };

  const { form, errors } = readCardForm(FIELDS, input.data);
  tooLong(form, errors);
  const level = LEVELS.find((l) => l === form.level);
  if (!level) errors.level ??= 'Choose the level of involvement agreed with the family';
  else if (level !== 'full' && form.whyNot === '') {
    errors.whyNot ??= 'Say why the family is not fully involved (for example, a suspect in a criminal investigation)';
  }
  if (form.interpreter !== '' && form.interpreter !== 'true' && form.interpreter !== 'false') errors.interpreter ??= 'Must be yes or no';
  const interpreter = form.interpreter === 'true';
  if (interpreter && form.language === '') errors.language ??= 'Say which language the interpreter is for';

  const contactGiven = form.contactOn !== '' || form.contactKind !== '' || form.contactNote !== '';
  const on = parseLocalDate(form.contactOn);
  const kind = CONTACT_KINDS.find((k) => k === form.contactKind);
  if (contactGiven) {
    const today = todayFor(deps);
    if (!on) errors.contactOn ??= form.contactOn === '' ? 'Give the date of the contact' : 'Enter a real date';
    else if (on > today) errors.contactOn ??= 'A contact cannot be in the future: choose today or an earlier date';
    else if (on < current.receivedOn) errors.contactOn ??= `Choose a date on or after the referral, ${current.receivedOn}`;
    if (!kind) errors.contactKind ??= 'Choose what the contact was';
  }
  if (Object.keys(errors).length > 0 || !level) return { status: 'invalid', record: current, form, errors };

  const settings: FamilySettings = {
    level,
    ...(level !== 'full' && { whyNot: form.whyNot }),
    ...(form.agreedWith !== '' && { agreedWith: form.agreedWith }),
    ...(form.liaison !== '' && { liaison: form.liaison }),
    interpreter,
    ...(interpreter && { language: form.language }),
  };
  const contact =
    on && kind ? { on, kind, ...(form.contactNote !== '' && { note: form.contactNote }), submission: input.submissionId } : undefined;
  const at = deps.now().toISOString();
  const actor = input.caller.aadObjectId;
  let outcome = { updated: false, logged: false };
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const next = withFamily(r, { settings, ...(contact && { contact }), by: actor, at });
      outcome = next;
      const audit = [
        ...(next.updated ? [{ caseId: r.reference, at, actor, action: 'family.updated' as const, detail: `level=${level}` }] : []),
        ...(next.logged && contact
          ? [{ caseId: r.reference, at, actor, action: 'family.contactLogged' as const, detail: `kind=${contact.kind}` }]
          : []),
      ];
      return audit.length ? { record: next.record, audit } : r;
    },
    { known: read },
  );
  if (!outcome.updated && !outcome.logged) return { status: 'unchanged', record };
  return { status: 'saved', record, ...(outcome.logged && contact && { logged: contact.kind }) };
}
