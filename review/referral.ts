import { z } from 'zod';
import { formatPath } from './issues.js';
import { parseLocalDate, yearsBetween, type LocalDate } from './local-date.js';
import {
  ABUSE_OR_NEGLECT,
  AGE_GROUPS,
  FIELD_LIMITS,
  HARMS,
  KIND_QUESTIONS,
  PARALLEL_PROCESSES,
  REFERRAL_FIELDS,
  REFERRAL_SOURCES,
  REVIEW_KINDS,
  ROWS,
  MAX_ROWS,
  ROW_FIELDS,
  YES_NO,
  YES_NO_NOT_KNOWN,
  familyFields,
  professionalFields,
  type AgeGroup,
  type FieldErrors,
  type ParallelProcess,
  type Referral,
  type ReferralField,
  type ReferralForm,
  type ReferralSource,
  type ReviewKind,
  type RowList,
} from './referral-model.js';

export * from './referral-model.js';

/** A child: the age group given on the referral, under 18, whatever the kind of review. */
export function isChildCase(referral: Pick<Referral, 'subject'>): boolean {
  return referral.subject.ageGroup !== 'adult';
}

/**
 * Working Together 2023: a serious incident (the National Panel clocks) is a child who
 * died or was seriously harmed where abuse or neglect is known or suspected. Significant
 * harm below that threshold (a reflective review) starts no statutory clock.
 */
export function isSeriousChildIncident(referral: Pick<Referral, 'subject' | 'incident'>): boolean {
  return (
    isChildCase(referral) &&
    (referral.incident.harm === 'died' || referral.incident.harm === 'seriouslyHarmed') &&
    referral.incident.abuseOrNeglect !== 'notSuspected'
  );
}

export interface ReferralContext {
  /** The partnership's date today: nothing can have happened after it. */
  today: LocalDate;
  /** The partnership's agencies, id to name. */
  agencies: ReadonlyMap<string, string>;
  /** Whoever submits is in the business unit (from their Teams identity): only they enter referrals on someone's behalf. */
  byBusinessUnit?: boolean;
}

export const OTHER_AGENCY = 'other';

// Inputs arrive as strings; anything else (a number, an object) is a malformed submission.
// It is reported and read as empty, so that every other check still runs and the card
// shows every problem at once.
const field = z.unknown().transform((v, ctx) => {
  if (typeof v === 'string') return v.trim();
  if (v !== undefined && v !== null) ctx.addIssue({ code: 'custom', message: 'Must be text' });
  return '';
});

const AGE_LIMITS: Record<AgeGroup, [number, number]> = {
  baby: [0, 1],
  youngPerson: [2, 17],
  adult: [18, 150],
};

/**
 * The referral schema: every field of the card, checked alone and together, turned
 * into a `Referral`. Each problem's path is the id of the card input it belongs to.
 */
const formShape = z.object({
  kind: field,
  ...(Object.fromEntries(REFERRAL_FIELDS.map((f) => [f, field])) as Record<ReferralField, typeof field>),
});
const email = z.string().email();

export function referralSchema(ctx: ReferralContext) {
  return (
    formShape
      .superRefine((form, issues) =>
        checkReferral(form, ctx, (path, message) => issues.addIssue({ code: 'custom', path: [path], message })),
      )
      // Runs only when every check passed, so the kind is one of REVIEW_KINDS.
      .transform((form) => toReferral(form as ReferralForm & { kind: ReviewKind }, ctx))
  );
}

type Problem = (field: ReferralField | 'kind', message: string) => void;

function checkReferral(form: ReferralForm & { kind: string }, ctx: ReferralContext, problem: Problem) {
  const value = (f: ReferralField) => form[f] ?? '';
  const required = (f: ReferralField, message: string) => {
    if (value(f) === '') problem(f, message);
  };
  const maxLength = (f: ReferralField, max: number) => {
    if (value(f).length > max) problem(f, `Keep this to ${max} characters or fewer (now ${value(f).length})`);
  };
  const oneOf = (f: ReferralField, allowed: readonly string[], message: string) => {
    if (!allowed.includes(value(f))) problem(f, message);
  };
  const date = (f: ReferralField, opts: { required?: string }): LocalDate | undefined => {
    if (value(f) === '') {
      if (opts.required) problem(f, opts.required);
      return undefined;
    }
    const d = parseLocalDate(value(f));
    if (!d) problem(f, 'Enter a date as YYYY-MM-DD');
    else if (d > ctx.today) problem(f, 'This date is in the future');
    return d;
  };

  for (const [f, max] of Object.entries(FIELD_LIMITS)) maxLength(f as ReferralField, max);

  // Where it came from: a practitioner, unless the business unit says otherwise (anyone
  // else's card has no such question, and what it sends there is not read).
  if (ctx.byBusinessUnit && value('source') !== '') oneOf('source', REFERRAL_SOURCES, 'Choose where the referral came from');
  if (ctx.byBusinessUnit && ['court', 'otherPartnership'].includes(value('source'))) {
    required('sourceDetail', value('source') === 'court' ? 'Name the court' : 'Name the partnership');
  }

  // About the referrer
  required('referrerName', 'Enter your name');
  if (form.referrerAgency === '') problem('referrerAgency', 'Choose your agency');
  else if (form.referrerAgency !== OTHER_AGENCY && !ctx.agencies.has(form.referrerAgency)) {
    problem('referrerAgency', 'Choose your agency from the list, or Other');
  }
  if (form.referrerAgency === OTHER_AGENCY) required('referrerAgencyOther', 'Name your agency');
  if (!email.safeParse(form.referrerEmail).success) {
    problem('referrerEmail', 'Enter your work email address, like name@agency.gov.uk');
  }
  if (form.referrerPhone !== '' && !/^\+?[0-9 ()-]{7,20}$/.test(form.referrerPhone)) {
    problem('referrerPhone', 'Enter a phone number, digits and spaces only');
  }
  const fromPractitioner = !ctx.byBusinessUnit || value('source') === '' || value('source') === 'practitioner';
  if (fromPractitioner && form.managerConsulted !== 'true') {
    problem('managerConsulted', 'Consult your line manager or designated safeguarding lead before you refer');
  }

  // The person
  required('subjectName', 'Enter the name of the child or adult');
  oneOf('ageGroup', AGE_GROUPS, 'Choose an age group');
  const dob = date('subjectDob', {});
  const incident = date('incidentDate', { required: 'Enter the date of the incident' });
  const aware = date('awareDate', { required: 'Enter the date your agency became aware' });
  if (incident && aware && aware < incident) problem('awareDate', 'Your agency cannot have become aware before the incident');
  if (dob && incident) {
    if (dob > incident) problem('subjectDob', 'The date of birth is after the incident');
    else if ((AGE_GROUPS as readonly string[]).includes(form.ageGroup)) {
      const age = yearsBetween(dob, incident);
      const [min, max] = AGE_LIMITS[form.ageGroup as AgeGroup];
      if (age < min || age > max) {
        problem('ageGroup', `The date of birth makes them ${age} at the incident: choose the matching age group`);
      }
    }
  }

  // What happened
  oneOf('harm', HARMS, 'Say whether they died, were seriously harmed or suffered significant harm');
  oneOf('abuseOrNeglect', ABUSE_OR_NEGLECT, 'Say whether abuse or neglect is known or suspected');
  oneOf('agencyConcern', YES_NO, 'Say whether there is concern about how agencies worked together');
  oneOf('immediateSafety', YES_NO, 'Say whether anyone is at immediate risk');
  if (form.immediateSafety === 'yes') {
    required('immediateSafetyDetails', 'Say who is at risk and what has been done to keep them safe');
  }

  // Questions for the kind of review
  const kind = REVIEW_KINDS.find((k) => k === form.kind);
  if (!kind) problem('kind', 'Choose the kind of review');
  if (kind === 'lcspr' || kind === 'reflective') {
    oneOf('nationalPanelNotified', YES_NO_NOT_KNOWN, 'Say whether the National Panel has been notified');
  }
  if (kind === 'lcspr' && form.ageGroup === 'adult') {
    problem('ageGroup', 'A Child Safeguarding Practice Review is for a child: for an adult, choose a SAR or DHR');
  }
  if (kind === 'sar') {
    oneOf('careAndSupportNeeds', YES_NO_NOT_KNOWN, 'Say whether the adult has care and support needs');
    if (form.ageGroup !== '' && form.ageGroup !== 'adult') {
      problem('ageGroup', 'A Safeguarding Adults Review is for an adult (18 or over)');
    }
  }
  if (kind === 'dhr') {
    required('perpetratorName', 'Name the suspected perpetrator: the agencies search their records for them too');
    const perpetratorDob = date('perpetratorDob', {});
    if (perpetratorDob && incident && perpetratorDob > incident) problem('perpetratorDob', 'The date of birth is after the death');
    required('relationshipToPerpetrator', 'Give their relationship to the suspected perpetrator');
    if (form.victimAged16Plus !== 'true') {
      problem('victimAged16Plus', 'A Domestic Homicide Review is for a person aged 16 or over');
    }
    if (form.harm !== '' && form.harm !== 'died') {
      problem('harm', 'A Domestic Homicide Review follows a death: for harm, choose another kind');
    }
    if (form.ageGroup === 'baby') problem('ageGroup', 'A Domestic Homicide Review is for a person aged 16 or over');
    if (dob && incident && dob <= incident && yearsBetween(dob, incident) < 16) {
      problem(
        'subjectDob',
        `The date of birth makes them ${yearsBetween(dob, incident)} at their death: a Domestic Homicide Review is for a person aged 16 or over`,
      );
    }
  }
  if (kind === 'reflective') required('reflectiveLearning', 'Say what agencies could learn together');
  if (kind === 'notSure') {
    for (const f of ['nationalPanelNotified', 'careAndSupportNeeds'] as const) {
      if (form[f] !== '') oneOf(f, YES_NO_NOT_KNOWN, 'Choose yes, no or not known');
    }
  }

  // Summary and reasons
  required('summary', "Summarise your agency's involvement");
  required('reasons', 'Give your reasons for asking for a review');
  const processes = splitChoices(form.parallelProcesses);
  if (processes.some((p) => !(PARALLEL_PROCESSES as readonly string[]).includes(p))) {
    problem('parallelProcesses', 'Choose parallel processes from the list');
  }

  // Family members and professionals: a row is used when anything in it is filled.
  for (const i of ROWS) {
    const [name, relationship, dobField] = familyFields(i);
    if (familyFields(i).some((f) => value(f) !== '')) {
      required(name, 'Enter their name');
      required(relationship, 'Enter their relationship to the person');
      date(dobField, {});
    }
  }
  for (const i of ROWS) {
    const [name, agency] = professionalFields(i);
    if (professionalFields(i).some((f) => value(f) !== '')) {
      required(name, 'Enter their name or role');
      required(agency, 'Enter their agency');
    }
  }
}

function splitChoices(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const opt = (s: string) => (s === '' ? undefined : s);

function toReferral(form: ReferralForm & { kind: ReviewKind }, ctx: ReferralContext): Referral {
  const kind = form.kind;
  const asks = (f: ReferralField) => KIND_QUESTIONS[kind].includes(f);
  const agencyName = form.referrerAgency === OTHER_AGENCY ? form.referrerAgencyOther : (ctx.agencies.get(form.referrerAgency) ?? '');
  const from = (ctx.byBusinessUnit && REFERRAL_SOURCES.find((k) => k === form.source)) || 'practitioner';
  return {
    kind,
    source: {
      from: from as ReferralSource,
      ...(from !== 'practitioner' && opt(form.sourceDetail) && { detail: form.sourceDetail }),
      enteredByBusinessUnit: ctx.byBusinessUnit === true,
    },
    referrer: {
      name: form.referrerName,
      agencyId: form.referrerAgency,
      agencyName,
      email: form.referrerEmail,
      ...(opt(form.referrerPhone) && { phone: form.referrerPhone }),
      managerConsulted: form.managerConsulted === 'true',
    },
    subject: {
      name: form.subjectName,
      ageGroup: form.ageGroup as AgeGroup,
      ...(opt(form.subjectDob) && { dateOfBirth: form.subjectDob as LocalDate }),
      ...(opt(form.subjectAddress) && { address: form.subjectAddress }),
    },
    incident: {
      date: form.incidentDate as LocalDate,
      awareDate: form.awareDate as LocalDate,
      harm: form.harm as Referral['incident']['harm'],
      abuseOrNeglect: form.abuseOrNeglect as Referral['incident']['abuseOrNeglect'],
      agencyConcern: form.agencyConcern === 'yes',
      immediateSafety: form.immediateSafety === 'yes',
      ...(form.immediateSafety === 'yes' && { immediateSafetyDetails: form.immediateSafetyDetails }),
    },
    specific: {
      ...(asks('nationalPanelNotified') &&
        opt(form.nationalPanelNotified) && {
          nationalPanelNotified: form.nationalPanelNotified as 'yes' | 'no' | 'notKnown',
        }),
      ...(asks('careAndSupportNeeds') &&
        opt(form.careAndSupportNeeds) && {
          careAndSupportNeeds: form.careAndSupportNeeds as 'yes' | 'no' | 'notKnown',
        }),
      ...(asks('perpetratorName') && {
        perpetrator: {
          name: form.perpetratorName,
          ...(opt(form.perpetratorDob) && { dateOfBirth: form.perpetratorDob as LocalDate }),
          ...(opt(form.perpetratorAddress) && { address: form.perpetratorAddress }),
        },
      }),
      ...(asks('relationshipToPerpetrator') && { relationshipToPerpetrator: form.relationshipToPerpetrator }),
      ...(asks('victimAged16Plus') && { victimAged16Plus: form.victimAged16Plus === 'true' }),
      ...(asks('reflectiveLearning') && { reflectiveLearning: form.reflectiveLearning }),
    },
    summary: form.summary,
    reasons: form.reasons,
    parallelProcesses: splitChoices(form.parallelProcesses) as ParallelProcess[],
    family: ROWS.flatMap((i) => {
      const [name, relationship, dob, address] = familyFields(i).map((f) => form[f] ?? '') as [string, string, string, string];
      if (name === '') return [];
      return [{ name, relationship, ...(opt(dob) && { dateOfBirth: dob as LocalDate }), ...(opt(address) && { address }) }];
    }),
    professionals: ROWS.flatMap((i) => {
      const [name, agency, dates, involvement] = professionalFields(i).map((f) => form[f] ?? '') as [string, string, string, string];
      if (name === '') return [];
      return [{ name, agency, ...(opt(dates) && { dates }), ...(opt(involvement) && { involvement }) }];
    }),
  };
}

export type ReferralValidation =
  { ok: true; referral: Referral } | { ok: false; errors: FieldErrors; form: Partial<ReferralForm> & { kind?: string } };

/**
 * Checks what a card sent. Unknown keys are ignored; on failure the form comes back
 * as typed, so the card can be shown again with nothing lost.
 */
export function validateReferral(submitted: Record<string, unknown>, ctx: ReferralContext): ReferralValidation {
  const data = withRowsCompacted(submitted);
  const result = referralSchema(ctx).safeParse(data);
  if (result.success) return { ok: true, referral: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = formatPath(issue.path) as ReferralField | 'kind';
    errors[key] ??= issue.message;
  }
  return { ok: false, errors, form: typedForm(data) };
}

/** The card's inputs as typed (text only, empty rows between filled ones closed up), to show the card again with nothing lost. */
export function typedForm(submitted: Record<string, unknown>): Partial<ReferralForm> & { kind?: string } {
  const data = withRowsCompacted(submitted);
  const form: Partial<ReferralForm> & { kind?: string } = {};
  for (const f of [...REFERRAL_FIELDS, 'kind'] as const) {
    const v = data[f];
    if (typeof v === 'string') form[f] = v;
  }
  return form;
}

const isFilled = (v: unknown) => typeof v === 'string' && v.trim() !== '';

/** The submission with each list's rows that have anything in them moved up over empty ones, in order. */
function withRowsCompacted(data: Record<string, unknown>): Record<string, unknown> {
  const out = { ...data };
  for (const fieldsOf of Object.values(ROW_FIELDS)) {
    const filled = ROWS.filter((i) => fieldsOf(i).some((f) => isFilled(data[f])));
    ROWS.forEach((i) => {
      const from = filled[i - 1];
      fieldsOf(i).forEach((f, k) => {
        if (from !== undefined) out[f] = data[fieldsOf(from)[k]!];
        else if (typeof data[f] === 'string') out[f] = '';
      });
    });
  }
  return out;
}

/** The form without the given row of a list (the last shown, when the referrer removes one). */
export function withoutRow(form: Partial<ReferralForm>, list: RowList, row: number): Partial<ReferralForm> {
  const out = { ...form };
  for (const f of ROW_FIELDS[list](row)) delete out[f];
  return out;
}

/** How many rows of a list a card shows: what its buttons said, and at least every filled row, and one. */
export function rowsShown(list: RowList, said: unknown, form: Partial<ReferralForm>): number {
  const asked = typeof said === 'string' && /^\d{1,2}$/.test(said) ? Number(said) : 0;
  const filled = ROWS.filter((i) => ROW_FIELDS[list](i).some((f) => isFilled(form[f])));
  return Math.min(MAX_ROWS, Math.max(1, asked, filled.at(-1) ?? 0));
}
