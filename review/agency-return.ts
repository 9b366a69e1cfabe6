/**
 * An agency's return to a rapid review request (DOMAIN.md, "Rapid review"): whether it
 * was involved (a nil return is an answer), when, what it knew and what it thinks.
 * The card's inputs and this schema share their names.
 */
import { cardFormShape } from './card-form.js';
import { criteriaOf, type Criterion } from './criteria.js';
import { formatPath } from './issues.js';
import { parseLocalDate, type LocalDate } from './local-date.js';

/** The ICB collates the other health providers' returns (all but the mental health trust's). */
export const PROVIDER_SLOTS = [1, 2, 3] as const;
export type ProviderSlot = (typeof PROVIDER_SLOTS)[number];
export const providerFields = (i: ProviderSlot) => [`provider${i}Name`, `provider${i}Summary`] as const;

/**
 * Cheshire East's Appendix 2 questions, asked of an agency's return on a reflective
 * review case (other kinds keep the rest): needs of the child, key decision points,
 * voice of the child, identity, challenge and escalation, policy; and recommendations.
 */
export const REFLECTIVE_FIELDS = [
  'childNeeds',
  'keyDecisions',
  'voiceOfChild',
  'identity',
  'challenge',
  'policy',
  'recommendations',
] as const;
export type ReflectiveField = (typeof REFLECTIVE_FIELDS)[number];

export const RETURN_FIELDS = [
  'involved',
  'involvedFrom',
  'involvedTo',
  'overview',
  'significantEvents',
  'goodPractice',
  'concerns',
  'immediateAction',
  'learning',
  'criteriaView',
  'criteria',
  'criteriaReason',
  ...REFLECTIVE_FIELDS,
  ...PROVIDER_SLOTS.flatMap(providerFields),
] as const;
export type ReturnField = (typeof RETURN_FIELDS)[number];
export type ReturnForm = Record<ReturnField, string>;
export type ReturnErrors = Partial<Record<ReturnField, string>>;

export const CRITERIA_VIEWS = ['met', 'notMet', 'unsure'] as const;
export type CriteriaView = (typeof CRITERIA_VIEWS)[number];

// Teams refuses a card over about 28 KB: one agency's return at these limits, on its
// form or read in the collation, stays within it.
const LONG = 3000;
const MEDIUM = 1500;
export const RETURN_LIMITS: Record<ReturnField, number> = {
  involved: 3,
  involvedFrom: 10,
  involvedTo: 10,
  overview: LONG,
  significantEvents: LONG,
  goodPractice: MEDIUM,
  concerns: MEDIUM,
  immediateAction: MEDIUM,
  learning: MEDIUM,
  criteriaView: 6,
  criteria: 100,
  criteriaReason: MEDIUM,
  ...(Object.fromEntries(REFLECTIVE_FIELDS.map((f) => [f, 1000])) as Record<ReflectiveField, number>),
  ...(Object.fromEntries(
    PROVIDER_SLOTS.flatMap((i) => {
      const [name, summary] = providerFields(i);
      return [
        [name, 120],
        [summary, MEDIUM],
      ];
    }),
  ) as Record<`provider${ProviderSlot}${'Name' | 'Summary'}`, number>),
};

/** A return as recorded: who made it and when are the store's, not the card's. */
export interface AgencyReturn {
  agencyId: string;
  involved: boolean;
  involvedFrom?: LocalDate;
  /** Absent while the agency is still involved. */
  involvedTo?: LocalDate;
  overview?: string;
  significantEvents?: string;
  goodPractice?: string;
  concerns?: string;
  immediateAction?: string;
  learning?: string;
  criteriaView?: CriteriaView;
  /** Which of the criteria for a review (review/criteria.ts) the agency thinks the case highlights. */
  criteria?: Criterion[];
  criteriaReason?: string;
  /** The ICB's collation of other health providers' returns. */
  providers: { name: string; summary: string }[];
  /** On a reflective review case: the answers to Appendix 2's questions, as given. */
  reflective?: Partial<Record<ReflectiveField, string>>;
}

/** A recorded return, as kept beside the case. */
export interface StoredReturn extends AgencyReturn {
  submissionId: string;
  by: string;
  at: string;
}

/** A draft keeps the inputs exactly as typed, checked only for being text of a sane length. */
export type ReturnDraft = Partial<ReturnForm>;

export interface ReturnContext {
  agencyId: string;
  /** The ICB's card also takes other health providers' returns. */
  collatesHealth: boolean;
  /** A reflective review case's return also asks Appendix 2's questions. */
  reflective?: boolean;
  today: LocalDate;
}

const formShape = cardFormShape(RETURN_FIELDS);

type Problem = (field: ReturnField, message: string) => void;

function checkReturn(form: ReturnForm, ctx: ReturnContext, problem: Problem): void {
  for (const f of RETURN_FIELDS) {
    if (form[f].length > RETURN_LIMITS[f]) problem(f, `Keep this to ${RETURN_LIMITS[f]} characters or fewer (now ${form[f].length})`);
  }
  if (form.involved !== 'yes' && form.involved !== 'no') {
    problem('involved', 'Say whether your agency was involved: a nil return is an answer too');
    return;
  }
  const date = (f: 'involvedFrom' | 'involvedTo'): LocalDate | undefined => {
    if (form[f] === '') return undefined;
    const d = parseLocalDate(form[f]);
    if (!d) problem(f, 'Enter a real date');
    else if (d > ctx.today) problem(f, 'This date is in the future');
    return d;
  };
  const from = date('involvedFrom');
  const to = date('involvedTo');
  if (from && to && to < from) problem('involvedTo', 'This is before the date involvement began');
  if (form.criteriaView !== '' && !(CRITERIA_VIEWS as readonly string[]).includes(form.criteriaView)) {
    problem('criteriaView', 'Choose one of the options');
  }
  if (form.involved === 'yes') {
    if (form.involvedFrom === '') problem('involvedFrom', 'Say when your agency became involved');
    if (form.overview === '') problem('overview', "Give a brief overview of your agency's involvement");
    if (form.criteriaView === '') problem('criteriaView', 'Give your view on whether the criteria for a review are met');
  }
  if (criteriaOf(form.criteria).unknown) problem('criteria', 'Choose criteria from the list');
  if (form.criteriaView !== '' && form.criteriaReason === '') {
    problem('criteriaReason', 'Say briefly why');
  }
  // Only the ICB's card has these inputs; validateReturn drops them for anyone else.
  for (const i of PROVIDER_SLOTS) {
    const [name, summary] = providerFields(i);
    if (form[name] === '' && form[summary] !== '') problem(name, 'Name the provider');
    if (form[name] !== '' && form[summary] === '') problem(summary, 'Say what this provider returned');
  }
}

const optional = (text: string) => (text === '' ? undefined : text);

function toReturn(form: ReturnForm, ctx: ReturnContext): AgencyReturn {
  const r: AgencyReturn = { agencyId: ctx.agencyId, involved: form.involved === 'yes', providers: [] };
  const assign = <K extends keyof AgencyReturn>(key: K, value: AgencyReturn[K] | undefined) => {
    if (value !== undefined) r[key] = value;
  };
  assign('involvedFrom', optional(form.involvedFrom) as LocalDate | undefined);
  assign('involvedTo', optional(form.involvedTo) as LocalDate | undefined);
  for (const f of ['overview', 'significantEvents', 'goodPractice', 'concerns', 'immediateAction', 'learning', 'criteriaReason'] as const) {
    assign(f, optional(form[f]));
  }
  assign('criteriaView', optional(form.criteriaView) as CriteriaView | undefined);
  const { criteria } = criteriaOf(form.criteria);
  if (criteria.length) r.criteria = criteria;
  if (ctx.reflective) {
    const answers = Object.fromEntries(REFLECTIVE_FIELDS.filter((f) => form[f] !== '').map((f) => [f, form[f]]));
    if (Object.keys(answers).length) r.reflective = answers;
  }
  r.providers = PROVIDER_SLOTS.flatMap((i) => {
    const [name, summary] = providerFields(i);
    return form[name] === '' ? [] : [{ name: form[name], summary: form[summary] }];
  });
  return r;
}

export type ReturnValidation = { ok: true; value: AgencyReturn } | { ok: false; errors: ReturnErrors; form: ReturnDraft };

const PROVIDER_FIELDS: ReadonlySet<string> = new Set(PROVIDER_SLOTS.flatMap(providerFields));
const REFLECTIVE_INPUTS: ReadonlySet<string> = new Set(REFLECTIVE_FIELDS);

/**
 * Checks a return card. On failure the form comes back as typed, with each problem by
 * its field. Only the ICB's card has the health providers' inputs, and only a reflective
 * review case's has Appendix 2's: on any other return, whatever arrives under their
 * names is dropped before any check, so no problem is named beside a field the card
 * does not show.
 */
export function validateReturn(input: Record<string, unknown>, ctx: ReturnContext): ReturnValidation {
  const shown = (k: string) => (ctx.collatesHealth || !PROVIDER_FIELDS.has(k)) && (ctx.reflective === true || !REFLECTIVE_INPUTS.has(k));
  const data = Object.fromEntries(Object.entries(input).filter(([k]) => shown(k)));
  const parsed = formShape
    .superRefine((form, issues) => checkReturn(form, ctx, (path, message) => issues.addIssue({ code: 'custom', path: [path], message })))
    .transform((form) => toReturn(form, ctx))
    .safeParse(data);
  if (parsed.success) return { ok: true, value: parsed.data };
  const errors: ReturnErrors = {};
  for (const issue of parsed.error.issues) errors[formatPath(issue.path) as ReturnField] ??= issue.message;
  return { ok: false, errors, form: typedReturn(data) };
}

/** The card's inputs as typed (text only), to show the card again with nothing lost. */
export function typedReturn(data: Record<string, unknown>): ReturnDraft {
  const form: ReturnDraft = {};
  for (const f of RETURN_FIELDS) {
    const v = data[f];
    if (typeof v === 'string') form[f] = v;
  }
  return form;
}

/** A draft is kept as typed; only what is too long to keep is named. */
export function draftProblems(draft: ReturnDraft): ReturnErrors {
  const errors: ReturnErrors = {};
  for (const f of RETURN_FIELDS) {
    const length = draft[f]?.length ?? 0;
    if (length > RETURN_LIMITS[f]) errors[f] = `Keep this to ${RETURN_LIMITS[f]} characters or fewer (now ${length})`;
  }
  return errors;
}

/** A recorded return as the card's inputs, to amend it. */
export function returnAsForm(r: AgencyReturn): ReturnDraft {
  const form: ReturnDraft = {
    involved: r.involved ? 'yes' : 'no',
    involvedFrom: r.involvedFrom ?? '',
    involvedTo: r.involvedTo ?? '',
    overview: r.overview ?? '',
    significantEvents: r.significantEvents ?? '',
    goodPractice: r.goodPractice ?? '',
    concerns: r.concerns ?? '',
    immediateAction: r.immediateAction ?? '',
    learning: r.learning ?? '',
    criteriaView: r.criteriaView ?? '',
    criteria: (r.criteria ?? []).join(','),
    criteriaReason: r.criteriaReason ?? '',
    ...r.reflective,
  };
  r.providers.forEach((p, i) => {
    const [name, summary] = providerFields((i + 1) as ProviderSlot);
    form[name] = p.name;
    form[summary] = p.summary;
  });
  return form;
}

/** The one-press nil return. */
export function nilReturn(agencyId: string): AgencyReturn {
  return { agencyId, involved: false, providers: [] };
}
