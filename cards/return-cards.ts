import { CRITERIA, CRITERION_NAMES } from '../review/criteria.js';
import {
  CRITERIA_VIEWS,
  PROVIDER_SLOTS,
  REFLECTIVE_FIELDS,
  RETURN_LIMITS,
  providerFields,
  type CriteriaView,
  type ReflectiveField,
  type ReturnDraft,
  type ReturnErrors,
  type ReturnField,
} from '../review/agency-return.js';
import type { LocalDate } from '../review/local-date.js';
import { formCard, problemsBanner, type SectionSpec } from './form.js';
import type { AdaptiveCardJson } from './render.js';
import { VERBS } from './verbs.js';

export const CRITERIA_NAMES: Record<CriteriaView, string> = {
  met: 'The criteria for a review are met',
  notMet: 'The criteria are not met',
  unsure: 'Unsure',
};

/** Cheshire East's Appendix 2 questions, in its words, for a reflective review case. */
export const REFLECTIVE_QUESTIONS: Record<ReflectiveField, string> = {
  childNeeds:
    'Were practitioners sensitive to the needs of the child, knowledgeable about indicators of abuse or neglect, and clear what to do if concerned?',
  keyDecisions:
    'What were the key points or opportunities for assessment and decision making, and were decisions reached in an informed, professional way?',
  voiceOfChild: "When, and how, were the child's wishes and feelings found out and considered? Was this recorded?",
  identity: 'Was practice sensitive to the racial, cultural, linguistic and religious identity of the child?',
  challenge: 'Were more senior managers, or other agencies and professionals, involved at the points where they should have been?',
  policy: 'Was the work consistent with agency and safeguarding policy and procedures, and wider professional standards?',
  recommendations: 'Recommendations for action: what should be done, what outcomes should it bring, and how will it be reviewed?',
};

function returnSections(collatesHealth: boolean, reflective: boolean): SectionSpec<ReturnField>[] {
  const sections: SectionSpec<ReturnField>[] = [
    {
      key: 'involvement',
      title: 'Involvement',
      fields: [
        {
          id: 'involved',
          label: 'Was your agency involved with the person or their family? *',
          type: 'choice',
          choiceStyle: 'expanded',
          choices: [
            { title: 'Yes', value: 'yes' },
            { title: 'No (a nil return)', value: 'no' },
          ],
        },
        { id: 'involvedFrom', label: 'Involved from (required if involved)', type: 'date' },
        { id: 'involvedTo', label: 'Involved until (leave empty if still involved)', type: 'date' },
      ],
    },
    {
      key: 'account',
      title: 'What your agency knew',
      intro: 'Facts only. Refer to people by role, not by name, where you can.',
      fields: [
        { id: 'overview', label: 'Brief overview of your involvement (required if involved)', type: 'multiline' },
        { id: 'significantEvents', label: 'Significant events', type: 'multiline' },
        { id: 'goodPractice', label: 'Good practice', type: 'multiline' },
        { id: 'concerns', label: 'Concerns about practice', type: 'multiline' },
        { id: 'immediateAction', label: 'Immediate action needed to keep anyone safe', type: 'multiline' },
        { id: 'learning', label: 'Learning already identified, and internal reviews already done', type: 'multiline' },
      ],
    },
    {
      key: 'view',
      title: 'Your view',
      fields: [
        {
          id: 'criteriaView',
          label: 'Are the criteria for a review met? (required if involved)',
          type: 'choice',
          choiceStyle: 'expanded',
          choices: CRITERIA_VIEWS.map((v) => ({ title: CRITERIA_NAMES[v], value: v })),
        },
        {
          id: 'criteria',
          label: 'Which criteria does the case highlight, or may it?',
          type: 'multichoice',
          choices: CRITERIA.map((c) => ({ title: CRITERION_NAMES[c], value: c })),
        },
        { id: 'criteriaReason', label: 'Why', type: 'multiline' },
      ],
    },
  ];
  if (reflective) {
    sections.push({
      key: 'reflective',
      title: 'For the reflective review',
      intro: 'The reflective review template (Cheshire East, Appendix 2). Answer what applies to your agency.',
      fields: REFLECTIVE_FIELDS.map((id) => ({ id, label: REFLECTIVE_QUESTIONS[id], type: 'multiline' as const })),
    });
  }
  if (collatesHealth) {
    sections.push({
      key: 'providers',
      title: 'Other health providers',
      intro: "The ICB collates the other health providers' returns (all but the mental health trust's). Up to three.",
      collapsible: true,
      fields: PROVIDER_SLOTS.flatMap((i) => {
        const [name, summary] = providerFields(i);
        return [
          { id: name, label: `Provider ${i}: name (e.g. GP practice, acute trust)`, type: 'text' as const },
          { id: summary, label: `Provider ${i}: their return`, type: 'multiline' as const },
        ];
      }),
    });
  }
  return sections;
}

/**
 * The return, for a lead or their delegate, one to one. No input is marked required on
 * the card, so that a half-written return can always be saved as a draft; the server
 * names what a return still needs beside each field.
 */
export function returnFormCard(view: {
  reference: string;
  descriptor: string;
  agencyId: string;
  agencyName: string;
  collatesHealth: boolean;
  /** A reflective review case: the return asks Appendix 2's questions too. */
  reflective?: boolean;
  values: ReturnDraft;
  errors?: ReturnErrors;
  submissionId: string;
  today: LocalDate;
  notice?: string;
}): AdaptiveCardJson {
  const errors = view.errors ?? {};
  const data = { reference: view.reference, agencyId: view.agencyId };
  const banner = view.notice ? { text: view.notice, style: 'good' as const } : problemsBanner(errors, 'Nothing has been sent yet');
  return formCard<ReturnField>({
    heading: `${view.agencyName}'s return: ${view.reference}`,
    subtitle: `About ${view.descriptor}. Goes to the business unit and, collated, to the panel.`,
    sections: returnSections(view.collatesHealth, view.reflective === true),
    values: view.values,
    errors,
    limits: RETURN_LIMITS,
    dates: { max: view.today },
    ...(banner && { banner }),
    actions: [
      { title: 'Submit return', verb: VERBS.submitReturn, style: 'positive', data: { ...data, submissionId: view.submissionId } },
      { title: 'Save draft', verb: VERBS.saveReturnDraft, data },
      { title: 'Back', verb: VERBS.showRequest, data, inputs: 'none' },
    ],
  });
}
