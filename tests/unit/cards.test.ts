import { describe, expect, it } from 'vitest';
import { libraryProblems } from '../support/card-checks.js';
import { acknowledgementCard, caseDetailsCard, caseStatusCard, channelCaseCard } from '../../cards/case-cards.js';
import { referralFormCard, referralKindCard, type ReferralFormView } from '../../cards/referral-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { VERBS } from '../../cards/verbs.js';
import { anonymise, type CaseRecord } from '../../review/case.js';
import { localDate } from '../../review/local-date.js';
import {
  FIELD_LIMITS,
  REFERRAL_FIELDS,
  REVIEW_KINDS,
  ROWS,
  MAX_ROWS,
  validateReferral,
  type FieldErrors,
  type ReferralField,
  type ReferralForm,
  type ReviewKind,
} from '../../review/referral.js';
import {
  AGENCIES,
  AGENCY_LIST,
  CHILD_PERSONAL_VALUES,
  TODAY,
  allStrings,
  caseRecord,
  childReferral,
  elementAfter,
  elementById,
  elementsOfType,
  errorUnder,
  executeActions,
  inputOf,
  inputsOf,
  validForm,
  walk,
  type Json,
} from './fixtures.js';

/** What the channel card needs to show a rapid review's progress. */
const PROGRESS = { today: localDate('2026-12-01'), agencyNames: new Map([['police', 'Police']]) };

// ---------------------------------------------------------------------------
// The Adaptive Cards library, as a host would parse the cards (no rendering, no DOM)
// ---------------------------------------------------------------------------

// libraryProblems (tests/support/card-checks.ts).

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

/** Text as Teams shows it: the word joiners that keep typed text literal (cards/shown-as-typed.ts) show as nothing. */
const asShown = (s: string) => s.replaceAll('\u2060', '');

const SUBMISSION_ID = 'sub-2f9c';
/** The fixture's form shows two family members' rows and one professional's. */
const FORM_ROWS = { family: 2, professionals: 1 };
/** Its buttons: add a family member, remove the second, add a professional, submit. */
const FORM_VERBS = [VERBS.changeReferralRows, VERBS.changeReferralRows, VERBS.changeReferralRows, VERBS.submitReferral];
const shownRow = (f: string) => {
  const row = /^(family|professional)(\d+)/.exec(f);
  return !row || Number(row[2]) <= (row[1] === 'family' ? FORM_ROWS.family : FORM_ROWS.professionals);
};

function formView(kind: ReviewKind, values: Partial<ReferralForm> = {}, errors?: FieldErrors): ReferralFormView {
  return { kind, submissionId: SUBMISSION_ID, agencies: AGENCY_LIST, today: TODAY, values, rows: FORM_ROWS, ...(errors && { errors }) };
}

/** A form as typed, with problems, and the errors validateReferral finds in it. */
function invalidSubmission(kind: ReviewKind): { values: Partial<ReferralForm>; errors: FieldErrors } {
  const data = validForm(kind, {
    referrerEmail: 'dana at school',
    family1Name: 'Morgan Brook',
    family1Relationship: 'Mother',
    family2Address: '1 High Street',
    professional1Name: 'GP',
    professional1Agency: '',
  });
  const result = validateReferral(data, { today: TODAY, agencies: AGENCIES });
  if (result.ok) throw new Error('the fixture should be invalid');
  return { values: result.form, errors: result.errors };
}

const withSafety = (immediateSafety: boolean): CaseRecord => {
  const referral = childReferral();
  return caseRecord({
    referral: {
      ...referral,
      incident: immediateSafety ? referral.incident : { ...referral.incident, immediateSafety: false, immediateSafetyDetails: undefined },
    },
  });
};

/** User text that looks like template expressions, in every free-text slot of a referral. */
const EVIL = {
  subject: '${evil}',
  family: '{{x}}',
  summary: 'Summary: ${$root.heading} and {{DATE(2026-12-01T09:00:00Z, SHORT)}}',
  reasons: "${if(true, 'expanded', 'literal')}",
  referrer: 'Dana ${referrer.name}',
};

function evilRecord(): CaseRecord {
  const referral = childReferral();
  return caseRecord({
    referral: {
      ...referral,
      referrer: { ...referral.referrer, name: EVIL.referrer },
      subject: { ...referral.subject, name: EVIL.subject },
      summary: EVIL.summary,
      reasons: EVIL.reasons,
      family: [{ name: EVIL.family, relationship: EVIL.subject }],
    },
  });
}

// ---------------------------------------------------------------------------
// Every card builder, with the user text it carries and the verbs it may use
// ---------------------------------------------------------------------------

interface Built {
  name: string;
  card: AdaptiveCardJson;
  /** Text a person typed: it may contain anything, `${` included. */
  userText: string[];
  verbs: string[];
}

const evilForm: Partial<ReferralForm> = {
  referrerName: EVIL.referrer,
  subjectName: EVIL.subject,
  summary: EVIL.summary,
  family1Name: EVIL.family,
};

const BUILT: Built[] = [
  { name: 'referralKindCard', card: referralKindCard({ submissionId: SUBMISSION_ID }), userText: [], verbs: [VERBS.chooseReferralKind] },
  {
    name: 'referralKindCard with a choice and an error',
    card: referralKindCard({ submissionId: SUBMISSION_ID, kind: 'sar', error: 'Choose the kind of review' }),
    userText: [],
    verbs: [VERBS.chooseReferralKind],
  },
  ...REVIEW_KINDS.flatMap((kind): Built[] => {
    const invalid = invalidSubmission(kind);
    return [
      {
        name: `referralFormCard ${kind}`,
        card: referralFormCard(formView(kind, { referrerName: 'Dana Evans' })),
        userText: [],
        verbs: FORM_VERBS,
      },
      {
        name: `referralFormCard ${kind} with errors`,
        card: referralFormCard(formView(kind, invalid.values, invalid.errors)),
        userText: [],
        verbs: FORM_VERBS,
      },
    ];
  }),
  {
    name: 'referralFormCard with template-like user text',
    card: referralFormCard(formView('lcspr', evilForm, { subjectName: 'Enter the name of the child or adult' })),
    userText: Object.values(evilForm).filter((v) => v !== undefined),
    verbs: FORM_VERBS,
  },
  { name: 'acknowledgementCard, immediate risk', card: acknowledgementCard(anonymise(withSafety(true))), userText: [], verbs: [] },
  { name: 'acknowledgementCard, no immediate risk', card: acknowledgementCard(anonymise(withSafety(false))), userText: [], verbs: [] },
  {
    name: 'channelCaseCard, immediate risk',
    card: channelCaseCard(anonymise(withSafety(true)), PROGRESS),
    userText: [],
    verbs: [VERBS.viewCaseDetails, VERBS.chooseDuty, VERBS.startRapidReview, VERBS.listForPanel, VERBS.holdCase],
  },
  {
    name: 'channelCaseCard, no immediate risk',
    card: channelCaseCard(anonymise(withSafety(false)), PROGRESS),
    userText: [],
    verbs: [VERBS.viewCaseDetails, VERBS.chooseDuty, VERBS.startRapidReview, VERBS.listForPanel, VERBS.holdCase],
  },
  { name: 'caseStatusCard', card: caseStatusCard(anonymise(caseRecord())), userText: [], verbs: [] },
  {
    name: 'caseStatusCard without a panel date',
    card: caseStatusCard(anonymise(caseRecord({ clocks: { rapidReviewDue: TODAY } }))),
    userText: [],
    verbs: [],
  },
  {
    name: 'caseDetailsCard in a channel',
    card: caseDetailsCard(caseRecord(), { inChannel: true }),
    userText: [],
    verbs: [VERBS.hideCaseDetails, VERBS.closeCase],
  },
  {
    name: 'caseDetailsCard one to one',
    card: caseDetailsCard(caseRecord(), { inChannel: false }),
    userText: [],
    verbs: [VERBS.startRapidReview, VERBS.closeCase],
  },
  {
    name: 'caseDetailsCard, no immediate risk',
    card: caseDetailsCard(withSafety(false), { inChannel: false }),
    userText: [],
    verbs: [VERBS.startRapidReview, VERBS.closeCase],
  },
  {
    name: 'caseDetailsCard with template-like user text',
    card: caseDetailsCard(evilRecord(), { inChannel: true }),
    userText: Object.values(EVIL),
    verbs: [VERBS.hideCaseDetails, VERBS.closeCase],
  },
];

describe.each(BUILT)('$name', ({ card, userText, verbs }) => {
  it('parses and validates in the Adaptive Cards library with no errors or warnings', () => {
    expect(card.type).toBe('AdaptiveCard');
    expect(card.version).toBe('1.5');
    expect(libraryProblems(card)).toEqual([]);
  });

  it('labels every input', () => {
    for (const input of inputsOf(card)) {
      expect(input.label, `input ${String(input.id)}`).toBeTypeOf('string');
      expect(String(input.label).trim(), `input ${String(input.id)}`).not.toBe('');
    }
  });

  it('gives every input a distinct id', () => {
    const ids = inputsOf(card).map((i) => i.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('leaves no template expression unexpanded, except inside what a user typed', () => {
    const leftovers = allStrings(card)
      .map(asShown)
      .map((s) => userText.reduce((rest, typed) => rest.split(typed).join(''), s))
      .filter((s) => s.includes('${') || (s.startsWith('$') && s !== '$schema'));
    expect(leftovers).toEqual([]);
  });

  it('uses only the verbs of cards/verbs.ts, and the right ones', () => {
    const used = executeActions(card).map((a) => a.verb);
    for (const verb of used) expect(Object.values(VERBS)).toContain(verb);
    expect(used).toEqual(verbs);
  });
});

// ---------------------------------------------------------------------------
// The referral cards
// ---------------------------------------------------------------------------

describe('referralKindCard', () => {
  it('offers every kind of review, with the submission id on Continue', () => {
    const card = referralKindCard({ submissionId: SUBMISSION_ID });
    const kind = inputOf(card, 'kind');
    expect((kind.choices as Json[]).map((c) => c.value)).toEqual([...REVIEW_KINDS]);
    expect(kind.isRequired).toBe(true);
    expect(executeActions(card)[0]?.data).toEqual({ submissionId: SUBMISSION_ID });
  });

  it('keeps the kind chosen and shows the error under it', () => {
    const card = referralKindCard({ submissionId: SUBMISSION_ID, kind: 'dhr', error: 'Choose the kind of review' });
    expect(inputOf(card, 'kind').value).toBe('dhr');
    expect(errorUnder(card, 'kind')).toBe('Choose the kind of review');
  });

  it('shows no error when there is none', () => {
    expect(errorUnder(referralKindCard({ submissionId: SUBMISSION_ID }), 'kind')).toBeUndefined();
  });
});

describe('referralFormCard', () => {
  /** Which kind asks which question (DOMAIN.md and the referral schema). */
  const KIND_QUESTIONS_EXPECTED: Record<string, ReviewKind[]> = {
    nationalPanelNotified: ['lcspr', 'reflective', 'notSure'],
    careAndSupportNeeds: ['sar', 'notSure'],
    perpetratorName: ['dhr'],
    perpetratorDob: ['dhr'],
    perpetratorAddress: ['dhr'],
    relationshipToPerpetrator: ['dhr'],
    victimAged16Plus: ['dhr'],
    reflectiveLearning: ['reflective'],
  };

  it.each(REVIEW_KINDS)('has an input for every field the %s schema reads, and no other', (kind) => {
    const ids = inputsOf(referralFormCard(formView(kind))).map((i) => i.id);
    const expected = REFERRAL_FIELDS.filter(
      (f) => shownRow(f) && !f.startsWith('source') && (!(f in KIND_QUESTIONS_EXPECTED) || KIND_QUESTIONS_EXPECTED[f]!.includes(kind)),
    );
    expect([...ids].sort()).toEqual([...expected].sort());
  });

  it.each(Object.entries(KIND_QUESTIONS_EXPECTED))('asks %s only for %j', (field, kinds) => {
    for (const kind of REVIEW_KINDS) {
      const present = inputsOf(referralFormCard(formView(kind))).some((i) => i.id === field);
      expect(present, `${field} in a ${kind} form`).toBe(kinds.includes(kind));
    }
  });

  it('marks the kind questions required, except when the referrer is not sure', () => {
    expect(inputOf(referralFormCard(formView('dhr')), 'relationshipToPerpetrator').label).toMatch(/ \*$/);
    expect(inputOf(referralFormCard(formView('sar')), 'careAndSupportNeeds').label).toMatch(/ \*$/);
    const notSure = referralFormCard(formView('notSure'));
    expect(inputOf(notSure, 'careAndSupportNeeds').label).not.toMatch(/\*/);
    expect(inputOf(notSure, 'nationalPanelNotified').label).not.toMatch(/\*/);
  });

  it('leaves required answers to Panel, so Teams never refuses a button that adds a row', () => {
    for (const input of inputsOf(referralFormCard(formView('lcspr')))) expect(input.isRequired, String(input.id)).toBeUndefined();
  });

  it('adds a row, and removes the last, with the rows shown and what was typed', () => {
    const card = referralFormCard(formView('lcspr', { family1Name: 'Morgan Brook' }));
    const rows = executeActions(card).filter((a) => a.verb === VERBS.changeReferralRows);
    expect(rows.map((a) => [a.title, (a.data as Json).rows])).toEqual([
      ['Add family member', 'family:add'],
      ['Remove family member 2', 'family:remove'],
      ['Add professional', 'professionals:add'],
    ]);
    for (const a of rows) expect(a).toMatchObject({ associatedInputs: 'auto', data: { familyRows: '2', professionalRows: '1' } });
    const full = referralFormCard({ ...formView('lcspr'), rows: { family: MAX_ROWS, professionals: 1 } });
    expect(executeActions(full).map((a) => a.title)).not.toContain('Add family member');
  });

  it('names the kind in its heading and sends the kind and submission id with Submit', () => {
    const card = referralFormCard(formView('sar'));
    expect(allStrings(card)).toContain('Referral: Safeguarding Adults Review (SAR)');
    expect(executeActions(card).at(-1)?.data).toEqual({ kind: 'sar', submissionId: SUBMISSION_ID, familyRows: '2', professionalRows: '1' });
  });

  it('asks the business unit where the referral came from, and speaks of the referrer, not "you"', () => {
    const card = referralFormCard({ ...formView('lcspr'), onBehalf: true });
    expect(inputOf(card, 'source').choices).toHaveLength(5);
    expect(inputOf(card, 'referrerName').label).toBe("The referrer's name *");
    expect(inputOf(referralFormCard(formView('lcspr')), 'referrerName').label).toBe('Your name *');
  });

  it("prefills the referrer's name as the value of referrerName", () => {
    const card = referralFormCard(formView('lcspr', { referrerName: 'Dana Evans' }));
    expect(inputOf(card, 'referrerName').value).toBe('Dana Evans');
    expect(inputOf(card, 'subjectName').value).toBe('');
  });

  it("lists the partnership's agencies, then Other", () => {
    const agency = inputOf(referralFormCard(formView('lcspr')), 'referrerAgency');
    expect((agency.choices as Json[]).map((c) => c.value)).toEqual([...AGENCIES.keys(), 'other']);
    expect((agency.choices as Json[])[0]).toEqual({ title: 'Local Authority', value: 'la' });
  });

  it('stops date inputs at today', () => {
    for (const input of elementsOfType(referralFormCard(formView('lcspr')), 'Input.Date')) expect(input.max).toBe(TODAY);
  });

  it('has no error summary and no error text when there are no errors', () => {
    const card = referralFormCard(formView('lcspr', { referrerName: 'Dana Evans' }));
    expect(allStrings(card).some((s) => s.startsWith('Nothing has been sent yet'))).toBe(false);
    for (const input of inputsOf(card)) expect(errorUnder(card, String(input.id))).toBeUndefined();
  });

  describe.each(REVIEW_KINDS)('shown again with the problems of a %s referral', (kind) => {
    const { values, errors } = invalidSubmission(kind);
    const card = referralFormCard(formView(kind, values, errors));

    it('keeps every value as typed', () => {
      for (const input of inputsOf(card)) {
        expect(input.value, String(input.id)).toBe(values[input.id as ReferralField] ?? '');
      }
      expect(inputOf(card, 'referrerEmail').value).toBe('dana at school');
      expect(inputOf(card, 'managerConsulted').value).toBe('true');
    });

    it('puts each error in an Attention TextBlock right after its input', () => {
      expect(Object.keys(errors).sort()).toEqual(['family2Name', 'family2Relationship', 'professional1Agency', 'referrerEmail']);
      for (const [field, message] of Object.entries(errors)) {
        const next = elementAfter(card, field);
        expect(next, field).toMatchObject({ type: 'TextBlock', color: 'Attention', text: message });
      }
    });

    it('shows no error under the inputs that have none', () => {
      for (const input of inputsOf(card)) {
        if (!(String(input.id) in errors)) expect(errorUnder(card, String(input.id)), String(input.id)).toBeUndefined();
      }
    });

    it('says how many answers need attention', () => {
      const summary = elementsOfType(card, 'Container').find((c) => c.style === 'attention');
      expect(JSON.stringify(summary)).toContain('Nothing has been sent yet: 4 answers need attention.');
    });
  });

  it('says "1 answer" for a single error', () => {
    const card = referralFormCard(formView('sar', {}, { referrerName: 'Enter your name' }));
    expect(allStrings(card)).toContain('Nothing has been sent yet: 1 answer needs attention.');
  });

  describe('collapsible sections', () => {
    const visibility = (card: AdaptiveCardJson, key: string) => elementById(card, `section-${key}`)?.isVisible;
    const toggles = (card: AdaptiveCardJson) =>
      elementsOfType(card, 'Action.ToggleVisibility').map((a) => (a.targetElements as string[])[0]);

    it('family and professionals are hidden when empty; the other sections always show', () => {
      const card = referralFormCard(formView('lcspr', { referrerName: 'Dana Evans' }));
      expect(visibility(card, 'family')).toBe(false);
      expect(visibility(card, 'professionals')).toBe(false);
      for (const key of ['you', 'person', 'what', 'kind', 'why']) expect(visibility(card, key), key).toBe(true);
      expect(toggles(card)).toEqual(['section-family', 'section-professionals']);
    });

    it('a section shows when one of its inputs holds a value', () => {
      const card = referralFormCard(formView('lcspr', { family3Address: '1 High Street' }));
      expect(visibility(card, 'family')).toBe(true);
      expect(visibility(card, 'professionals')).toBe(false);
    });

    it('a section shows when one of its inputs has an error, even with no value', () => {
      const card = referralFormCard(formView('lcspr', {}, { professional2Agency: 'Enter their agency' }));
      expect(visibility(card, 'professionals')).toBe(true);
      expect(visibility(card, 'family')).toBe(false);
      expect(errorUnder(card, 'professional2Agency')).toBe('Enter their agency');
    });
  });

  it('renders template-like text a user typed literally', () => {
    const card = referralFormCard(formView('lcspr', evilForm));
    expect(inputOf(card, 'subjectName').value).toBe('${evil}');
    expect(inputOf(card, 'family1Name').value).toBe('{{x}}');
    expect(inputOf(card, 'summary').value).toBe(EVIL.summary);
    expect(inputOf(card, 'referrerName').value).toBe('Dana ${referrer.name}');
  });
});

// ---------------------------------------------------------------------------
// The case cards
// ---------------------------------------------------------------------------

describe('anonymise', () => {
  it('keeps only the reference, descriptor, kind, stage, dates and the safety flag', () => {
    expect(anonymise(caseRecord())).toEqual({
      reference: 'REF-2026-0007',
      descriptor: 'Young Person G',
      kind: 'lcspr',
      stage: 'referred',
      receivedOn: '2026-12-01',
      clocks: caseRecord().clocks,
      immediateSafety: true,
      listed: false,
      // Due, and not recorded as done; nobody's name.
      duties: [
        { kind: 'nationalPanelNotification', dueOn: '2026-11-30' },
        { kind: 'rapidReviewResponse', dueOn: '2026-12-14' },
      ],
      openConcerns: [],
    });
  });
});

describe('cards that others may see', () => {
  const shared: [string, (r: CaseRecord) => AdaptiveCardJson][] = [
    ['channelCaseCard', (r) => channelCaseCard(anonymise(r), PROGRESS)],
    ['caseStatusCard', (r) => caseStatusCard(anonymise(r))],
    ['acknowledgementCard', (r) => acknowledgementCard(anonymise(r))],
  ];

  it.each(shared)('%s shows no personal value of the referral, but the reference and descriptor', (_name, build) => {
    const text = JSON.stringify(build(caseRecord()));
    for (const personal of CHILD_PERSONAL_VALUES) expect(text, personal).not.toContain(personal);
    expect(text).toContain('REF-2026-0007');
    expect(text).toContain('Young Person G');
  });

  it('the channel card shows the stage, the kind and the deadlines', () => {
    const text = JSON.stringify(channelCaseCard(anonymise(caseRecord()), PROGRESS));
    for (const expected of [
      'Referral received',
      'Child Safeguarding Practice Review (LCSPR)',
      'Mon 30 Nov 2026',
      'Mon 14 Dec 2026',
      'Tue 29 Dec 2026',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('the channel card offers "View details" for its reference', () => {
    const [view] = executeActions(channelCaseCard(anonymise(caseRecord()), PROGRESS));
    expect(view).toMatchObject({ title: 'View details', verb: VERBS.viewCaseDetails, data: { reference: 'REF-2026-0007' } });
  });

  const attentionContainers = (card: AdaptiveCardJson) =>
    (card.body as Json[]).filter((e) => e.type === 'Container' && e.style === 'attention');

  it.each([
    ['channelCaseCard', (r: CaseRecord) => channelCaseCard(anonymise(r), PROGRESS)],
    ['acknowledgementCard', (r: CaseRecord) => acknowledgementCard(anonymise(r))],
    ['caseStatusCard', (r: CaseRecord) => caseStatusCard(anonymise(r))],
    ['caseDetailsCard', (r: CaseRecord) => caseDetailsCard(r, { inChannel: true })],
  ])('%s flags an immediate safety concern in an attention Container, and only then', (_name, build) => {
    const flagged = attentionContainers(build(withSafety(true)));
    expect(flagged).toHaveLength(1);
    expect(JSON.stringify(flagged[0])).toContain('Immediate safety concern reported');
    expect(attentionContainers(build(withSafety(false)))).toEqual([]);
    expect(JSON.stringify(build(withSafety(false)))).not.toContain('Immediate safety concern');
  });

  it('the acknowledgement tells the referrer to call 999 when someone is at risk', () => {
    expect(JSON.stringify(acknowledgementCard(anonymise(withSafety(true))))).toContain('999');
  });

  it('the status card says when no panel date is set yet', () => {
    const text = JSON.stringify(caseStatusCard(anonymise(caseRecord({ clocks: {} }))));
    expect(text).toContain('No panel date set yet');
    expect(text).toContain('The business unit will tell you which panel will consider it.');
  });
});

describe('caseDetailsCard', () => {
  const personalShown = CHILD_PERSONAL_VALUES.filter((v) => !/^\d{4}-\d{2}-\d{2}$/.test(v));

  it.each([true, false])('shows every personal value of the referral (inChannel: %s)', (inChannel) => {
    const text = JSON.stringify(caseDetailsCard(caseRecord(), { inChannel }));
    for (const personal of personalShown) expect(text, personal).toContain(personal);
    expect(text).toContain('Stepfather');
    expect(text).toContain('Criminal investigation, Inquest');
  });

  it('offers "Hide details" only when shown in a channel, and one to one the start of the rapid review; Close case until closed', () => {
    const close = { type: 'Action.Execute', title: 'Close case', verb: VERBS.closeCase, data: { reference: 'REF-2026-0007' } };
    expect(executeActions(caseDetailsCard(caseRecord(), { inChannel: true }))).toEqual([
      { type: 'Action.Execute', title: 'Hide details', verb: VERBS.hideCaseDetails, data: { reference: 'REF-2026-0007' } },
      close,
    ]);
    expect(executeActions(caseDetailsCard(caseRecord(), { inChannel: false }))).toEqual([
      { type: 'Action.Execute', title: 'Start rapid review', verb: VERBS.startRapidReview, data: { reference: 'REF-2026-0007' } },
      close,
    ]);
    expect(executeActions(caseDetailsCard(caseRecord({ closedAt: '2026-12-01T10:00:00.000Z' }), { inChannel: false }))).toEqual([
      { type: 'Action.Execute', title: 'Start rapid review', verb: VERBS.startRapidReview, data: { reference: 'REF-2026-0007' } },
    ]);
  });

  it('shows the kind-specific answers of a DHR', () => {
    const referral = childReferral({
      kind: 'dhr',
      subject: { name: 'Ruth Hale', ageGroup: 'adult' },
      specific: { relationshipToPerpetrator: 'Former partner', victimAged16Plus: true },
    });
    const text = JSON.stringify(caseDetailsCard(caseRecord({ kind: 'dhr', referral }), { inChannel: false }));
    expect(text).toContain('Former partner');
    expect(text).toContain('Aged 16 or over');
  });

  it('renders template-like text a user typed literally, not expanded', () => {
    const card = caseDetailsCard(evilRecord(), { inChannel: true });
    // Teams' own date function is undone by a word joiner, which shows as nothing.
    expect(JSON.stringify(card)).not.toContain('{{');
    const strings = allStrings(card).map(asShown);
    expect(strings).toContain('${evil}');
    expect(strings).toContain('{{x}}');
    expect(strings).toContain(EVIL.summary);
    expect(strings).toContain(EVIL.reasons);
    expect(strings).toContain(EVIL.referrer);
    expect(strings).not.toContain('expanded');
  });

  it('shows what people typed as plain text runs, never as markdown', () => {
    const referral = childReferral();
    const card = caseDetailsCard(caseRecord({ referral: { ...referral, summary: 'See [this form](https://phish.example) **now**' } }), {
      inChannel: false,
    });
    const runs: string[] = [];
    const blocks: string[] = [];
    walk(card, (o) => {
      if (o.type === 'TextRun') runs.push(String(o.text));
      if (o.type === 'TextBlock') blocks.push(String(o.text));
    });
    expect(runs).toContain('See [this form](https://phish.example) **now**');
    expect(blocks.join('\n')).not.toContain('phish.example');
    expect(blocks.join('\n')).not.toContain(referral.subject.name);
  });
});

/**
 * Teams takes a bot message of about 100 KB in UTF-16 and advises keeping to 80 KB
 * ("Format your bot messages"): 40,000 characters of card JSON. The largest cards Panel
 * can build stay under it.
 */
describe('card sizes', () => {
  const TEAMS_LIMIT = 40_000;
  const longest = Object.fromEntries(REFERRAL_FIELDS.map((f) => [f, 'x'.repeat(FIELD_LIMITS[f] ?? 0)]));

  it.each(REVIEW_KINDS)('the %s form, every answer at its longest and ten problems shown', (kind) => {
    const errors = Object.fromEntries(REFERRAL_FIELDS.slice(0, 10).map((f) => [f, 'Enter this answer again, please: it is not right']));
    const card = referralFormCard({
      kind,
      submissionId: 'x',
      agencies: AGENCY_LIST,
      today: TODAY,
      values: longest,
      errors,
      rows: { family: MAX_ROWS, professionals: MAX_ROWS },
    });
    expect(JSON.stringify(card).length).toBeLessThan(TEAMS_LIMIT);
  });

  it('the details card of a referral with every answer at its longest', () => {
    const r = childReferral();
    const at = (f: keyof typeof FIELD_LIMITS) => 'y'.repeat(FIELD_LIMITS[f] ?? 0);
    const referral = {
      ...r,
      referrer: { ...r.referrer, name: at('referrerName'), agencyName: at('referrerAgencyOther'), email: at('referrerEmail') },
      subject: { ...r.subject, name: at('subjectName'), address: at('subjectAddress') },
      incident: { ...r.incident, immediateSafety: true, immediateSafetyDetails: at('immediateSafetyDetails') },
      specific: { ...r.specific, reflectiveLearning: at('reflectiveLearning'), relationshipToPerpetrator: at('relationshipToPerpetrator') },
      summary: at('summary'),
      reasons: at('reasons'),
      family: ROWS.map((i) => ({
        name: at(`family${i}Name`),
        relationship: at(`family${i}Relationship`),
        address: at(`family${i}Address`),
      })),
      professionals: ROWS.map((i) => ({
        name: at(`professional${i}Name`),
        agency: at(`professional${i}Agency`),
        dates: at(`professional${i}Dates`),
        involvement: at(`professional${i}Involvement`),
      })),
    };
    expect(JSON.stringify(caseDetailsCard(caseRecord({ referral }), { inChannel: true })).length).toBeLessThan(TEAMS_LIMIT);
  });
});
