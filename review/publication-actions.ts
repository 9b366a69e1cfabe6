/**
 * The business unit sets a review's publication date and ticks its pre-publication
 * checklist (see publication.ts). Checked against the caller's identity, validated,
 * audited; the notice's duty and its reminders follow in the same write.
 */
import type { CaseRecord } from './case.js';
import { readCardForm } from './card-form.js';
import { todayFor, type Caller, type ReviewDeps } from './deps.js';
import { owe } from './effects.js';
import { addMonths, parseLocalDate } from './local-date.js';
import {
  earliestPublication,
  PUBLICATION_CHECKS,
  TOLD_NOT_PUBLISHING,
  withNotPublished,
  withPublication,
  type PublicationCheck,
  type ToldNotPublishing,
} from './publication.js';
import { businessUnitReview } from './review-access.js';
import { updateCase } from './update-case.js';

export interface PublicationForm {
  publishOn: string;
  checks: string;
  /** Once published: the report's address. */
  link: string;
}
export const LINK_MAX = 300;
/** Suffolk §7: published reports stay online for at least a year. */
export const ONLINE_MONTHS = 12;
export type PublicationErrors = Partial<Record<keyof PublicationForm, string>>;

export type PublicationResult =
  | { status: 'refused' | 'notFound' }
  /** No review to publish: no decision started one, or the case is closed. */
  | { status: 'noReview'; record: CaseRecord }
  | { status: 'invalid'; record: CaseRecord; form: PublicationForm; errors: PublicationErrors }
  | { status: 'saved' | 'unchanged'; record: CaseRecord };

export async function setPublication(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; data: Record<string, unknown> },
): Promise<PublicationResult> {
  const actor = input.caller.aadObjectId;
  const access = await businessUnitReview(deps, input.caller, input.reference, 'publication.refused');
  if (access.status !== 'ok') return access;
  const { read } = access;
  const current = read.value;
  const { form, errors } = readCardForm(['publishOn', 'checks', 'link'], input.data);
  const today = todayFor(deps);
  const on = parseLocalDate(form.publishOn);
  const unchangedDate = on !== undefined && on === current.publication?.on;
  if (!on) errors.publishOn ??= form.publishOn === '' ? 'Give the publication date' : 'Enter a real date';
  else if (!deps.calendar.isWorkingDay(on)) errors.publishOn ??= 'That is not a working day; choose a working day';
  else if (!unchangedDate && on < earliestPublication(today, deps.calendar)) {
    errors.publishOn ??= `The report and its notice are due 7 working days before publication: choose ${earliestPublication(today, deps.calendar)} or later`;
  }
  const asked = form.checks === '' ? [] : form.checks.split(',').map((c) => c.trim());
  if (asked.some((c) => !(PUBLICATION_CHECKS as readonly string[]).includes(c))) errors.checks ??= 'Choose from the checklist';
  if (form.link !== '') {
    if (form.link.length > LINK_MAX || !/^https:\/\/[^\s]+$/.test(form.link))
      errors.link ??= 'Give the https:// address of the published report';
    else if (on && on > today) errors.link ??= `Add the link once it is published, on ${on}`;
  }
  if (Object.keys(errors).length > 0 || !on) return { status: 'invalid', record: current, form, errors };

  const checks = PUBLICATION_CHECKS.filter((c) => asked.includes(c)) as PublicationCheck[];
  const at = deps.now().toISOString();
  const rules = { ...deps.partnership, calendar: deps.calendar };
  let saved = false;
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const before = r.publication;
      if (before?.on === on && before.checks.join() === checks.join() && (before.link ?? '') === form.link) return r;
      saved = true;
      const online = form.link !== '' && { link: form.link, onlineUntil: addMonths(on, ONLINE_MONTHS) };
      const next = withPublication(r, { on, setBy: actor, setAt: at, checks, ...online }, today, rules);
      return {
        record: owe(next.record, ...next.owed),
        audit: [{ caseId: r.reference, at, actor, action: 'publication.set', detail: `on=${on} checks=${checks.length}` }],
      };
    },
    { known: read },
  );
  return { status: saved ? 'saved' : 'unchanged', record };
}

export interface NotPublishingForm {
  notPublishingWhy: string;
  told: string;
}
export type NotPublishingErrors = Partial<Record<keyof NotPublishingForm, string>>;
export const REASONS_MAX = 1500;

export type NotPublishingResult =
  | { status: 'refused' | 'notFound' }
  | { status: 'noReview'; record: CaseRecord }
  | { status: 'invalid'; record: CaseRecord; form: NotPublishingForm; errors: NotPublishingErrors }
  | { status: 'recorded' | 'unchanged'; record: CaseRecord };

/** The business unit records a decision not to publish: its reasons, and that the National Panel and the Secretary of State were told. */
export async function recordNotPublishing(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; data: Record<string, unknown> },
): Promise<NotPublishingResult> {
  const actor = input.caller.aadObjectId;
  const access = await businessUnitReview(deps, input.caller, input.reference, 'publication.refused');
  if (access.status !== 'ok') return access;
  const { read } = access;
  const current = read.value;
  if (current.notPublished) return { status: 'unchanged', record: current };
  const { form, errors } = readCardForm(['notPublishingWhy', 'told'], input.data);
  if (current.publication?.link) errors.notPublishingWhy ??= 'The report is published already';
  if (form.notPublishingWhy === '') errors.notPublishingWhy ??= 'Give the reasons not to publish: they are kept with the review';
  else if (form.notPublishingWhy.length > REASONS_MAX) errors.notPublishingWhy ??= `Keep this to ${REASONS_MAX} characters or fewer`;
  const told = form.told === '' ? [] : form.told.split(',').map((t) => t.trim());
  if (told.some((t) => !(TOLD_NOT_PUBLISHING as readonly string[]).includes(t))) errors.told ??= 'Choose from the list';
  else if (told.length < TOLD_NOT_PUBLISHING.length)
    errors.told ??= 'Tell the National Panel and the Secretary of State first, then tick both';
  if (Object.keys(errors).length > 0) return { status: 'invalid', record: current, form, errors };

  const at = deps.now().toISOString();
  let recorded = false;
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      if (r.notPublished) return r;
      recorded = true;
      return {
        record: withNotPublished(r, { reasons: form.notPublishingWhy, told: told as ToldNotPublishing[], by: actor, at }),
        audit: [{ caseId: r.reference, at, actor, action: 'publication.notPublishing' }],
      };
    },
    { known: read },
  );
  return { status: recorded ? 'recorded' : 'unchanged', record };
}
