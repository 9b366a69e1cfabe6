import {
  KIND_NAMES,
  KIND_QUESTIONS,
  REVIEW_KINDS,
  FIELD_LIMITS,
  MAX_ROWS,
  ROWS,
  ROW_FIELDS,
  ROWS_SHOWN_KEY,
  REFERRAL_SOURCES,
  SOURCE_NAMES,
  familyFields,
  professionalFields,
  type FieldErrors,
  type ReferralField,
  type ReferralForm,
  type ReviewKind,
  type RowList,
} from '../review/referral.js';
import kindTemplate from './templates/referral-kind.json' with { type: 'json' };
import {
  formCard,
  problemsBanner,
  type Choice,
  type FormAction,
  type FieldSpec as GenericFieldSpec,
  type SectionSpec as GenericSectionSpec,
} from './form.js';
import { renderCard, type AdaptiveCardJson } from './render.js';
import { VERBS } from './verbs.js';

type FieldSpec = GenericFieldSpec<ReferralField>;
type SectionSpec = GenericSectionSpec<ReferralField>;

const yesNo: readonly Choice[] = [
  { title: 'Yes', value: 'yes' },
  { title: 'No', value: 'no' },
];
const yesNoNotKnown: readonly Choice[] = [...yesNo, { title: 'Not known', value: 'notKnown' }];

const KIND_SPECIFIC_FIELDS: Record<string, FieldSpec> = {
  nationalPanelNotified: {
    id: 'nationalPanelNotified',
    label: 'Has a serious incident notification been made to the National Panel?',
    type: 'choice',
    choices: yesNoNotKnown,
    choiceStyle: 'expanded',
  },
  careAndSupportNeeds: {
    id: 'careAndSupportNeeds',
    label: 'Does the adult have needs for care and support?',
    type: 'choice',
    choices: yesNoNotKnown,
    choiceStyle: 'expanded',
  },
  perpetratorName: {
    id: 'perpetratorName',
    label: 'Name of the suspected perpetrator',
    type: 'text',
    placeholder: 'Each agency is asked to search its records for them too',
  },
  perpetratorDob: { id: 'perpetratorDob', label: "The suspected perpetrator's date of birth (if known)", type: 'date' },
  perpetratorAddress: { id: 'perpetratorAddress', label: "The suspected perpetrator's address (if known)", type: 'text' },
  relationshipToPerpetrator: {
    id: 'relationshipToPerpetrator',
    label: 'Relationship to the suspected perpetrator',
    type: 'text',
    placeholder: 'e.g. partner, former partner, son, household member',
  },
  victimAged16Plus: {
    id: 'victimAged16Plus',
    label: 'Age',
    type: 'toggle',
    toggleText: 'The person who died was aged 16 or over',
  },
  reflectiveLearning: {
    id: 'reflectiveLearning',
    label: 'What could agencies learn together from a reflective review?',
    type: 'multiline',
  },
};

/** The questions that only some kinds of review ask, and whether each is required. */
function kindSection(kind: ReviewKind): SectionSpec {
  const optional: readonly ReferralField[] = ['perpetratorDob', 'perpetratorAddress'];
  const fields = KIND_QUESTIONS[kind].map((id) => ({
    ...KIND_SPECIFIC_FIELDS[id]!,
    required: kind !== 'notSure' && !optional.includes(id),
  }));
  return { key: 'kind', title: 'About this kind of review', fields };
}

/** What every button of the referral form sends besides the inputs: the kind, the submission, the rows shown. */
function formData(view: Pick<ReferralFormView, 'kind' | 'submissionId' | 'rows'>): Record<string, string> {
  return {
    kind: view.kind,
    submissionId: view.submissionId,
    [ROWS_SHOWN_KEY.family]: String(view.rows.family),
    [ROWS_SHOWN_KEY.professionals]: String(view.rows.professionals),
  };
}

/** Add a row, and remove the last, for one list: the card comes back with what was typed. */
function rowActions(view: ReferralFormView, list: RowList, noun: string): FormAction[] {
  const shown = view.rows[list];
  const data = formData(view);
  return [
    ...(shown < MAX_ROWS ? [{ title: `Add ${noun}`, verb: VERBS.changeReferralRows, data: { ...data, rows: `${list}:add` } }] : []),
    ...(shown > 1 ? [{ title: `Remove ${noun} ${shown}`, verb: VERBS.changeReferralRows, data: { ...data, rows: `${list}:remove` } }] : []),
  ];
}

const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

/** The rows of a list the card shows: as many as its buttons asked for, and every row holding a value or a problem. */
function shownRows(view: ReferralFormView, list: RowList): number {
  const used = ROWS.filter((i) => ROW_FIELDS[list](i).some((f) => (view.values[f] ?? '') !== '' || view.errors?.[f] !== undefined));
  return Math.max(view.rows[list], used.at(-1) ?? 0);
}

/** The business unit, entering a referral on someone's behalf, says where it came from. */
const SOURCE_SECTION: SectionSpec = {
  key: 'source',
  title: 'Where the referral came from',
  intro: 'You are in the business unit: enter a referral for whoever sent it, and it is recorded as entered by you.',
  fields: [
    {
      id: 'source',
      label: 'It came from',
      type: 'choice',
      choiceStyle: 'expanded',
      choices: REFERRAL_SOURCES.map((k) => ({ title: SOURCE_NAMES[k], value: k })),
    },
    { id: 'sourceDetail', label: 'Which court, or which partnership', type: 'text' },
  ],
};

function formSections(view: ReferralFormView, agencies: readonly Choice[]): SectionSpec[] {
  const { kind } = view;
  const their = view.onBehalf ? "The referrer's" : 'Your';
  const sections: (SectionSpec | undefined)[] = [
    view.onBehalf ? SOURCE_SECTION : undefined,
    {
      key: 'you',
      title: view.onBehalf ? 'About the referrer' : 'About you',
      fields: [
        { id: 'referrerName', label: `${their} name`, type: 'text', required: true },
        {
          id: 'referrerAgency',
          label: `${their} agency`,
          type: 'choice',
          required: true,
          choices: [...agencies, { title: 'Other (name it below)', value: 'other' }],
          choiceStyle: 'compact',
        },
        { id: 'referrerAgencyOther', label: `${their} agency, if not listed`, type: 'text' },
        { id: 'referrerEmail', label: `${their} work email`, type: 'email', required: true },
        { id: 'referrerPhone', label: `${their} phone number`, type: 'tel' },
        {
          id: 'managerConsulted',
          label: 'Consultation',
          type: 'toggle',
          required: !view.onBehalf,
          toggleText: view.onBehalf
            ? 'The referrer consulted their line manager or designated safeguarding lead (a practitioner must)'
            : 'I have consulted my line manager or designated safeguarding lead',
        },
      ],
    },
    {
      key: 'person',
      title: 'The child or adult',
      fields: [
        { id: 'subjectName', label: 'Full name', type: 'text', required: true },
        { id: 'subjectDob', label: 'Date of birth (if known)', type: 'date' },
        {
          id: 'ageGroup',
          label: 'Age group',
          type: 'choice',
          required: true,
          choiceStyle: 'expanded',
          choices: [
            { title: 'Baby (under 2)', value: 'baby' },
            { title: 'Child or young person (2-17)', value: 'youngPerson' },
            { title: 'Adult (18 or over)', value: 'adult' },
          ],
        },
        { id: 'subjectAddress', label: 'Address (last known)', type: 'text' },
      ],
    },
    {
      key: 'what',
      title: 'What happened',
      fields: [
        { id: 'incidentDate', label: 'Date of the incident', type: 'date', required: true },
        { id: 'awareDate', label: 'Date your agency became aware', type: 'date', required: true },
        {
          id: 'harm',
          label: 'What happened to them?',
          type: 'choice',
          required: true,
          choiceStyle: 'expanded',
          choices: [
            { title: 'Died', value: 'died' },
            { title: 'Seriously harmed', value: 'seriouslyHarmed' },
            { title: 'Significant harm (below the statutory threshold)', value: 'significantHarm' },
          ],
        },
        {
          id: 'abuseOrNeglect',
          label: 'Abuse or neglect',
          type: 'choice',
          required: true,
          choiceStyle: 'expanded',
          choices: [
            { title: 'Known', value: 'known' },
            { title: 'Suspected', value: 'suspected' },
            { title: 'Not suspected', value: 'notSuspected' },
          ],
        },
        {
          id: 'agencyConcern',
          label: 'Is there concern about how agencies worked together?',
          type: 'choice',
          required: true,
          choiceStyle: 'expanded',
          choices: yesNo,
        },
        {
          id: 'immediateSafety',
          label: 'Is anyone at immediate risk now (siblings, other children or adults)?',
          type: 'choice',
          required: true,
          choiceStyle: 'expanded',
          choices: yesNo,
        },
        {
          id: 'immediateSafetyDetails',
          label: 'If so, who is at risk and what has been done?',
          type: 'multiline',
        },
      ],
    },
    kindSection(kind),
    {
      key: 'why',
      title: 'Your reasons',
      fields: [
        {
          id: 'summary',
          label: "Summary of your agency's involvement (facts only, one side of A4 at most)",
          type: 'multiline',
          required: true,
        },
        { id: 'reasons', label: 'Why you are asking for a review', type: 'multiline', required: true },
        {
          id: 'parallelProcesses',
          label: 'Parallel processes under way',
          type: 'multichoice',
          choices: [
            { title: 'Criminal investigation', value: 'criminalInvestigation' },
            { title: 'Inquest', value: 'inquest' },
            { title: 'Section 42 enquiry', value: 'section42' },
            { title: 'Complaint', value: 'complaint' },
            { title: 'Learning disability mortality review (LeDeR)', value: 'leder' },
            { title: 'Other', value: 'other' },
          ],
        },
      ],
    },
    {
      key: 'family',
      title: 'Family members',
      intro: `Parents, carers, siblings and others in the household: add a row for each, up to ${MAX_ROWS}.`,
      collapsible: true,
      actions: rowActions(view, 'family', 'family member'),
      fields: upTo(view.rows.family).flatMap((i) => {
        const [name, relationship, dob, address] = familyFields(i);
        return [
          { id: name, label: `Family member ${i}: name`, type: 'text' },
          { id: relationship, label: `Family member ${i}: relationship`, type: 'text' },
          { id: dob, label: `Family member ${i}: date of birth`, type: 'date' },
          { id: address, label: `Family member ${i}: address`, type: 'text' },
        ] satisfies FieldSpec[];
      }),
    },
    {
      key: 'professionals',
      title: 'Professionals and agencies involved',
      intro: `Add a row for each, up to ${MAX_ROWS}. The rapid review asks every agency for its own account.`,
      collapsible: true,
      actions: rowActions(view, 'professionals', 'professional'),
      fields: upTo(view.rows.professionals).flatMap((i) => {
        const [name, agency, dates, involvement] = professionalFields(i);
        return [
          { id: name, label: `Professional ${i}: name or role`, type: 'text' },
          { id: agency, label: `Professional ${i}: agency`, type: 'text' },
          { id: dates, label: `Professional ${i}: dates of involvement`, type: 'text' },
          { id: involvement, label: `Professional ${i}: type of involvement`, type: 'text' },
        ] satisfies FieldSpec[];
      }),
    },
  ];
  return sections.filter((s): s is SectionSpec => s !== undefined && s.fields.length > 0);
}

export interface ReferralFormView {
  kind: ReviewKind;
  /** Generated when the referral starts; the same across re-shows, so a submit is idempotent. */
  submissionId: string;
  /** The partnership's agencies, for "Your agency". */
  agencies: readonly { id: string; name: string }[];
  /** The partnership's date today: date inputs stop there. */
  today: string;
  /** What the user typed (or the prefill), kept across re-shows. */
  values: Partial<ReferralForm>;
  /** The viewer is in the business unit (from their Teams identity): they may enter it for someone else. */
  onBehalf?: boolean;
  /** How many family members and professionals the card has rows for. */
  rows: Record<RowList, number>;
  errors?: FieldErrors;
  /** Said at the top instead of the count of problems, e.g. that Panel was busy. */
  notice?: string;
}

/** Step 1: which kind of review. */
export function referralKindCard(view: { submissionId: string; kind?: string; error?: string }): AdaptiveCardJson {
  return renderCard(kindTemplate, {
    verb: VERBS.chooseReferralKind,
    submissionId: view.submissionId,
    kind: view.kind ?? '',
    kindError: view.error ?? '',
    kinds: REVIEW_KINDS.map((k) => ({ title: KIND_NAMES[k], value: k })),
  });
}

/** Step 2: the referral itself, for one kind, with any problems beside their fields. */
export function referralFormCard(given: ReferralFormView): AdaptiveCardJson {
  const view = { ...given, rows: { family: shownRows(given, 'family'), professionals: shownRows(given, 'professionals') } };
  const errors = view.errors ?? {};
  const agencies = view.agencies.map((a) => ({ title: a.name, value: a.id }));
  const banner = view.notice ? { text: view.notice, style: 'attention' as const } : problemsBanner(errors, 'Nothing has been sent yet');
  return formCard<ReferralField>({
    heading: `Referral: ${KIND_NAMES[view.kind]}`,
    subtitle: "Fields marked * are required. What you write goes to the partnership's business unit only.",
    sections: formSections(view, agencies),
    values: view.values,
    errors,
    limits: FIELD_LIMITS,
    dates: { max: view.today },
    ...(banner && { banner }),
    actions: [
      {
        title: 'Submit referral',
        verb: VERBS.submitReferral,
        style: 'positive',
        data: formData(view),
      },
    ],
    requiredOnClient: false,
  });
}
