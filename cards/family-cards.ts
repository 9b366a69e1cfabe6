/**
 * The family's involvement in a review, one to one, for the business unit and the
 * reviewer: the level agreed (or why not), the liaison officer, the interpreter, the
 * dated log of contacts; and the form to change them and log a contact. Never posted to
 * a channel: it is only ever the answer to a button, which Teams shows to whoever pressed it.
 */
import type { AnonymousCase } from '../review/case.js';
import { FAMILY_LIMITS, type FamilyErrors, type FamilyForm } from '../review/family-actions.js';
import { CONTACT_KINDS, CONTACT_NAMES, LEVEL_NAMES, LEVELS, type FamilyContact, type FamilyInvolvement } from '../review/family.js';
import type { LocalDate } from '../review/local-date.js';
import { formCard, problemsBanner, type FormAction, type SectionSpec } from './form.js';
import { date, type Fact } from './labels.js';
import type { AdaptiveCardJson } from './render.js';
import { VERBS } from './verbs.js';

const contactFact = (c: FamilyContact): Fact => ({
  title: date(c.on),
  value: c.note ? `${CONTACT_NAMES[c.kind]}: ${c.note}` : CONTACT_NAMES[c.kind],
});

function familyFacts(family: FamilyInvolvement | undefined): Fact[] {
  if (!family) return [{ title: 'Family involvement', value: 'Not yet agreed' }];
  const agreed = family.agreedWith ? ` (agreed with ${family.agreedWith})` : '';
  return [
    { title: 'Family involvement', value: LEVEL_NAMES[family.level] },
    ...(family.whyNot ? [{ title: 'Why not', value: `${family.whyNot}${agreed}` }] : []),
    { title: 'Liaison officer', value: family.liaison ?? 'None named' },
    { title: 'Interpreter', value: family.interpreter ? `Needed: ${family.language ?? ''}` : 'Not needed' },
    ...(family.contacts.length ? family.contacts.map(contactFact) : [{ title: 'Contacts', value: 'None logged yet' }]),
  ];
}

/** What the form shows: as stored, with no contact typed yet. */
const storedValues = (family: FamilyInvolvement | undefined): Partial<FamilyForm> =>
  family
    ? {
        level: family.level,
        whyNot: family.whyNot ?? '',
        agreedWith: family.agreedWith ?? '',
        liaison: family.liaison ?? '',
        interpreter: String(family.interpreter),
        language: family.language ?? '',
      }
    : {};

export function familyCard(view: {
  record: AnonymousCase;
  family?: FamilyInvolvement;
  today: LocalDate;
  /** Names this card's form: the same card sent twice logs its contact once. */
  submissionId: string;
  /** The case is closed: the log is shown as it was, with nothing to change. */
  closed: boolean;
  /** Back to the review's plan: for the business unit, whose card that is. */
  back: boolean;
  form?: FamilyForm;
  errors?: FamilyErrors;
  notice?: string;
}): AdaptiveCardJson {
  const reference = view.record.reference;
  const errors = view.errors ?? {};
  const banner = view.notice ? { text: view.notice, style: 'good' as const } : problemsBanner(errors, 'Nothing is saved yet');
  const agreed: SectionSpec<keyof FamilyForm> = {
    key: 'agreed',
    title: 'Involvement agreed',
    intro: 'Agree the level before the review starts. If it is partial or none, say why, and with whom it was agreed.',
    fields: [
      {
        id: 'level',
        label: 'Level of involvement',
        type: 'choice',
        choiceStyle: 'expanded',
        required: true,
        choices: LEVELS.map((l) => ({ title: LEVEL_NAMES[l], value: l })),
      },
      {
        id: 'whyNot',
        label: 'Why not fully involved',
        type: 'multiline',
        placeholder: 'For example, a suspect in a criminal investigation',
      },
      { id: 'agreedWith', label: 'Agreed with', type: 'text', placeholder: 'For example, the police lead' },
      { id: 'liaison', label: 'Liaison officer', type: 'text' },
      { id: 'interpreter', label: 'Interpreter', type: 'toggle', toggleText: 'An interpreter is needed' },
      { id: 'language', label: 'Language (if an interpreter is needed)', type: 'text' },
    ],
  };
  const contact: SectionSpec<keyof FamilyForm> = {
    key: 'contact',
    title: 'Log a contact',
    intro: 'Leave these empty to save the rest only.',
    fields: [
      { id: 'contactOn', label: 'Date of the contact', type: 'date' },
      {
        id: 'contactKind',
        label: 'What the contact was',
        type: 'choice',
        choiceStyle: 'compact',
        choices: CONTACT_KINDS.map((k) => ({ title: CONTACT_NAMES[k], value: k })),
      },
      { id: 'contactNote', label: 'Note', type: 'multiline' },
    ],
  };
  const save: FormAction = {
    title: 'Save',
    verb: VERBS.updateFamily,
    data: { reference, submissionId: view.submissionId },
    style: 'positive',
  };
  const back: FormAction = { title: 'Back', verb: VERBS.showPlan, data: { reference }, inputs: 'none' };
  return formCard<keyof FamilyForm>({
    heading: `Family involvement: ${reference} (${view.record.descriptor})`,
    subtitle: 'Shown only to the business unit and the reviewer. Every view and change is recorded.',
    facts: familyFacts(view.family),
    sections: view.closed ? [] : [agreed, contact],
    values: view.form ?? storedValues(view.family),
    errors,
    limits: FAMILY_LIMITS,
    dates: { max: view.today },
    ...(banner && { banner }),
    actions: [...(view.closed ? [] : [save]), ...(view.back ? [back] : [])],
  });
}
