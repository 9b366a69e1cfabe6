import { describe, expect, it } from 'vitest';
import {
  REFERRAL_FIELDS,
  SUMMARY_MAX,
  validateReferral,
  type FieldErrors,
  type Referral,
  type ReferralValidation,
  type ReviewKind,
} from '../../review/referral.js';
import { localDate } from '../../review/local-date.js';
import { AGENCIES, TODAY, childReferral, emptyForm, validForm } from './fixtures.js';

const validate = (data: Record<string, unknown>) => validateReferral(data, { today: TODAY, agencies: AGENCIES });

function accepted(result: ReferralValidation): Referral {
  if (!result.ok) throw new Error(`expected a valid referral, got ${JSON.stringify(result.errors)}`);
  return result.referral;
}

function rejected(result: ReferralValidation): Extract<ReferralValidation, { ok: false }> {
  if (result.ok) throw new Error('expected the referral to be rejected');
  return result;
}

/** A message for the person filling the card: a sentence, not a validator's code. */
function expectHumanSentence(message: string | undefined): void {
  expect(message).toBeTypeOf('string');
  expect(message).toMatch(/^[A-Z]\S* \S+ \S+/);
  expect(message).not.toMatch(/invalid_|Invalid (enum|input|type)|Expected|received|undefined|null|NaN|\[object|ZodError/);
}

/** The form that comes back is what was typed: every string input, untouched, and nothing else. */
function expectFormKept(form: Record<string, unknown>, data: Record<string, unknown>): void {
  const expected = Object.fromEntries(
    Object.entries(data).filter(([k, v]) => ([...REFERRAL_FIELDS, 'kind'] as string[]).includes(k) && typeof v === 'string'),
  );
  expect(form).toEqual(expected);
}

/** The referrer every valid form in fixtures.ts names. */
const COMMON_REFERRER: Referral['referrer'] = childReferral().referrer;
const FROM_PRACTITIONER = { from: 'practitioner', enteredByBusinessUnit: false } as const;
const SUMMARY = 'Attendance fell from September; two welfare calls were logged and not shared.';
const REASONS = 'Several agencies knew of concerns and did not share them.';

describe('validateReferral: a valid form becomes a structured referral', () => {
  it('an LCSPR, with a family member and a professional', () => {
    expect(accepted(validate(validForm('lcspr')))).toEqual({
      kind: 'lcspr',
      source: FROM_PRACTITIONER,
      referrer: COMMON_REFERRER,
      subject: {
        name: 'Charlie Brook',
        dateOfBirth: '2014-03-02',
        ageGroup: 'youngPerson',
        address: '12 Elm Row, Exampletown EX1 2AB',
      },
      incident: {
        date: '2026-11-20',
        awareDate: '2026-11-23',
        harm: 'seriouslyHarmed',
        abuseOrNeglect: 'suspected',
        agencyConcern: true,
        immediateSafety: false,
      },
      specific: { nationalPanelNotified: 'notKnown' },
      summary: SUMMARY,
      reasons: REASONS,
      parallelProcesses: ['criminalInvestigation'],
      family: [
        {
          name: 'Morgan Brook',
          relationship: 'Mother',
          dateOfBirth: '1990-05-05',
          address: '12 Elm Row, Exampletown EX1 2AB',
        },
      ],
      professionals: [{ name: 'Class teacher', agency: 'Elm Row Primary', dates: 'Sept 2025 to Oct 2026', involvement: 'Daily contact' }],
    });
  });

  it('a SAR, with parallel processes split from "inquest,section42" and empty rows left out', () => {
    expect(accepted(validate(validForm('sar')))).toEqual({
      kind: 'sar',
      source: FROM_PRACTITIONER,
      referrer: COMMON_REFERRER,
      subject: { name: 'Edith Marsh', dateOfBirth: '1940-04-10', ageGroup: 'adult' },
      incident: {
        date: '2026-10-02',
        awareDate: '2026-10-05',
        harm: 'died',
        abuseOrNeglect: 'known',
        agencyConcern: true,
        immediateSafety: false,
      },
      specific: { careAndSupportNeeds: 'yes' },
      summary: SUMMARY,
      reasons: REASONS,
      parallelProcesses: ['inquest', 'section42'],
      family: [],
      professionals: [],
    });
  });

  it('a DHR, with the suspected perpetrator, the relationship and the 16+ confirmation', () => {
    const referral = accepted(validate(validForm('dhr')));
    expect(referral.kind).toBe('dhr');
    expect(referral.subject).toEqual({ name: 'Ruth Hale', ageGroup: 'adult' });
    expect(referral.incident.harm).toBe('died');
    expect(referral.specific).toEqual({
      perpetrator: { name: 'Glen Hale', dateOfBirth: '1975-02-11', address: '4 Mill Lane, Exampletown EX2 9CD' },
      relationshipToPerpetrator: 'Former partner',
      victimAged16Plus: true,
    });
    expect(referral.parallelProcesses).toEqual(['criminalInvestigation', 'inquest']);
  });

  it('a reflective review, with what agencies could learn', () => {
    const referral = accepted(validate(validForm('reflective')));
    expect(referral.kind).toBe('reflective');
    expect(referral.incident.harm).toBe('significantHarm');
    expect(referral.specific).toEqual({
      nationalPanelNotified: 'no',
      reflectiveLearning: 'How schools and health visitors share early concerns.',
    });
    expect(referral.parallelProcesses).toEqual([]);
  });

  it('"not sure", where the kind questions are optional and left out when unanswered', () => {
    const referral = accepted(validate(validForm('notSure')));
    expect(referral.kind).toBe('notSure');
    expect(referral.subject).toEqual({ name: 'Baby Finch', dateOfBirth: '2026-01-10', ageGroup: 'baby' });
    expect(referral.specific).toEqual({});

    const answered = accepted(validate(validForm('notSure', { nationalPanelNotified: 'yes', careAndSupportNeeds: 'notKnown' })));
    expect(answered.specific).toEqual({ nationalPanelNotified: 'yes', careAndSupportNeeds: 'notKnown' });
  });

  it.each<[ReviewKind, Referral['specific']]>([
    ['lcspr', { nationalPanelNotified: 'notKnown' }],
    ['sar', { careAndSupportNeeds: 'yes' }],
    [
      'dhr',
      {
        perpetrator: { name: 'Glen Hale', dateOfBirth: localDate('1975-02-11'), address: '4 Mill Lane, Exampletown EX2 9CD' },
        relationshipToPerpetrator: 'Former partner',
        victimAged16Plus: true,
      },
    ],
    ['reflective', { nationalPanelNotified: 'no', reflectiveLearning: 'How schools and health visitors share early concerns.' }],
    ['notSure', { nationalPanelNotified: 'yes', careAndSupportNeeds: 'no' }],
  ])('a %s referral keeps only its own kind questions, whatever else the card sent', (kind, specific) => {
    const otherKindsAnswers: Record<string, string> = {
      nationalPanelNotified: 'yes',
      careAndSupportNeeds: 'no',
      perpetratorName: 'Someone Else',
      relationshipToPerpetrator: 'Brother',
      victimAged16Plus: 'true',
      reflectiveLearning: 'Something to learn',
    };
    const form = validForm(kind);
    for (const [k, v] of Object.entries(otherKindsAnswers)) if (form[k] === '') form[k] = v;
    expect(accepted(validate(form)).specific).toEqual(specific);
  });

  it("resolves the agency name from the partnership's agencies", () => {
    expect(accepted(validate(validForm('sar', { referrerAgency: 'police' }))).referrer).toMatchObject({
      agencyId: 'police',
      agencyName: 'Police',
    });
  });

  it('takes the agency name typed in when the referrer chose Other', () => {
    const referral = accepted(validate(validForm('sar', { referrerAgency: 'other', referrerAgencyOther: 'Sunrise Charity' })));
    expect(referral.referrer).toMatchObject({ agencyId: 'other', agencyName: 'Sunrise Charity' });
  });

  it('turns every used family and professional slot into an entry, in slot order', () => {
    const referral = accepted(
      validate(
        validForm('lcspr', {
          family3Name: 'Ash Brook',
          family3Relationship: 'Brother',
          professional2Name: 'Health visitor',
          professional2Agency: 'ICB',
        }),
      ),
    );
    expect(referral.family.map((m) => m.name)).toEqual(['Morgan Brook', 'Ash Brook']);
    expect(referral.family[1]).toEqual({ name: 'Ash Brook', relationship: 'Brother' });
    expect(referral.professionals.map((p) => p.name)).toEqual(['Class teacher', 'Health visitor']);
    expect(referral.professionals[1]).toEqual({ name: 'Health visitor', agency: 'ICB' });
  });

  it('trims what was typed, including each parallel process', () => {
    const referral = accepted(validate(validForm('sar', { referrerName: '  Dana Evans ', parallelProcesses: ' inquest , section42 ,' })));
    expect(referral.referrer.name).toBe('Dana Evans');
    expect(referral.parallelProcesses).toEqual(['inquest', 'section42']);
  });

  it('keeps the immediate safety details only when someone is at risk', () => {
    const atRisk = accepted(validate(validForm('sar', { immediateSafety: 'yes', immediateSafetyDetails: 'A carer is still visiting.' })));
    expect(atRisk.incident).toMatchObject({ immediateSafety: true, immediateSafetyDetails: 'A carer is still visiting.' });
    const notAtRisk = accepted(validate(validForm('sar', { immediateSafety: 'no', immediateSafetyDetails: 'Left over text' })));
    expect(notAtRisk.incident.immediateSafety).toBe(false);
    expect(notAtRisk.incident).not.toHaveProperty('immediateSafetyDetails');
  });

  it('leaves the phone number out when none was given', () => {
    expect(accepted(validate(validForm('sar', { referrerPhone: '' }))).referrer).not.toHaveProperty('phone');
  });

  it('accepts a summary of exactly SUMMARY_MAX characters', () => {
    expect(validate(validForm('sar', { summary: 'x'.repeat(SUMMARY_MAX) })).ok).toBe(true);
  });

  it('treats a missing or null input as empty', () => {
    const data = validForm('sar', { subjectAddress: null });
    delete data.referrerPhone;
    const referral = accepted(validate(data));
    expect(referral.subject).not.toHaveProperty('address');
    expect(referral.referrer).not.toHaveProperty('phone');
  });

  it("ignores keys it does not know, such as the action's verb and submission id", () => {
    const referral = accepted(validate(validForm('sar', { verb: 'referral.submit', submissionId: 'sub-123', extra: { nested: 1 } })));
    expect(JSON.stringify(referral)).not.toMatch(/sub-123|referral\.submit|nested/);
  });
});

describe('validateReferral: each problem is reported against its field', () => {
  interface Rule {
    rule: string;
    data: Record<string, unknown>;
    errors: (keyof FieldErrors)[];
    message: RegExp;
  }

  const rules: Rule[] = [
    { rule: 'missing name', data: validForm('sar', { referrerName: '' }), errors: ['referrerName'], message: /your name/ },
    { rule: 'a name of spaces only', data: validForm('sar', { referrerName: '   ' }), errors: ['referrerName'], message: /your name/ },
    { rule: 'missing email', data: validForm('sar', { referrerEmail: '' }), errors: ['referrerEmail'], message: /email/ },
    { rule: 'bad email', data: validForm('sar', { referrerEmail: 'dana at school' }), errors: ['referrerEmail'], message: /email/ },
    { rule: 'missing agency', data: validForm('sar', { referrerAgency: '' }), errors: ['referrerAgency'], message: /Choose your agency/ },
    {
      rule: 'an agency not in the list',
      data: validForm('sar', { referrerAgency: 'nhs' }),
      errors: ['referrerAgency'],
      message: /from the list, or Other/,
    },
    {
      rule: 'Other agency without its name',
      data: validForm('sar', { referrerAgency: 'other' }),
      errors: ['referrerAgencyOther'],
      message: /Name your agency/,
    },
    { rule: 'bad phone', data: validForm('sar', { referrerPhone: 'call me' }), errors: ['referrerPhone'], message: /phone number/ },
    {
      rule: 'manager not consulted',
      data: validForm('sar', { managerConsulted: 'false' }),
      errors: ['managerConsulted'],
      message: /line manager or designated safeguarding lead/,
    },
    {
      rule: 'manager consultation not answered',
      data: validForm('sar', { managerConsulted: '' }),
      errors: ['managerConsulted'],
      message: /Consult/,
    },
    {
      rule: 'missing name of the person',
      data: validForm('sar', { subjectName: '' }),
      errors: ['subjectName'],
      message: /name of the child or adult/,
    },
    {
      rule: 'a name over 100 characters',
      data: validForm('sar', { subjectName: 'x'.repeat(101) }),
      errors: ['subjectName'],
      message: /100 characters or fewer \(now 101\)/,
    },
    { rule: 'missing age group', data: validForm('notSure', { ageGroup: '' }), errors: ['ageGroup'], message: /Choose an age group/ },
    {
      rule: 'an unknown age group',
      data: validForm('notSure', { ageGroup: 'toddler' }),
      errors: ['ageGroup'],
      message: /Choose an age group/,
    },
    {
      rule: 'date of birth after the incident',
      data: validForm('lcspr', { subjectDob: '2026-11-21' }),
      errors: ['subjectDob'],
      message: /after the incident/,
    },
    {
      rule: 'date of birth making a "baby" 12',
      data: validForm('lcspr', { ageGroup: 'baby' }),
      errors: ['ageGroup'],
      message: /makes them 12 at the incident/,
    },
    {
      rule: 'date of birth making a "young person" 18',
      data: validForm('lcspr', { subjectDob: '2008-11-20' }),
      errors: ['ageGroup'],
      message: /makes them 18/,
    },
    {
      rule: 'date of birth making an "adult" 16',
      data: validForm('sar', { subjectDob: '2009-10-03' }),
      errors: ['ageGroup'],
      message: /makes them 16/,
    },
    {
      rule: 'date of birth making a "baby" 2',
      data: validForm('notSure', { subjectDob: '2024-11-02' }),
      errors: ['ageGroup'],
      message: /makes them 2/,
    },
    {
      rule: 'incident in the future',
      data: validForm('lcspr', { incidentDate: '2026-12-02', awareDate: '2026-12-02' }),
      errors: ['incidentDate', 'awareDate'],
      message: /in the future/,
    },
    {
      rule: 'aware date in the future',
      data: validForm('lcspr', { awareDate: '2026-12-02' }),
      errors: ['awareDate'],
      message: /in the future/,
    },
    {
      rule: 'aware before the incident',
      data: validForm('lcspr', { awareDate: '2026-11-19' }),
      errors: ['awareDate'],
      message: /aware before the incident/,
    },
    {
      rule: 'a date written dd/mm/yyyy',
      data: validForm('lcspr', { incidentDate: '20/11/2026' }),
      errors: ['incidentDate'],
      message: /YYYY-MM-DD/,
    },
    { rule: 'an impossible date', data: validForm('lcspr', { subjectDob: '2014-02-30' }), errors: ['subjectDob'], message: /YYYY-MM-DD/ },
    {
      rule: 'missing incident date',
      data: validForm('lcspr', { incidentDate: '' }),
      errors: ['incidentDate'],
      message: /date of the incident/,
    },
    { rule: 'missing aware date', data: validForm('lcspr', { awareDate: '' }), errors: ['awareDate'], message: /became aware/ },
    { rule: 'missing harm', data: validForm('sar', { harm: '' }), errors: ['harm'], message: /died, were seriously harmed/ },
    {
      rule: 'missing abuse or neglect',
      data: validForm('sar', { abuseOrNeglect: '' }),
      errors: ['abuseOrNeglect'],
      message: /abuse or neglect/,
    },
    {
      rule: 'missing agency concern',
      data: validForm('sar', { agencyConcern: '' }),
      errors: ['agencyConcern'],
      message: /agencies worked together/,
    },
    {
      rule: 'missing immediate safety',
      data: validForm('sar', { immediateSafety: '' }),
      errors: ['immediateSafety'],
      message: /immediate risk/,
    },
    {
      rule: 'immediate safety "yes" without details',
      data: validForm('sar', { immediateSafety: 'yes' }),
      errors: ['immediateSafetyDetails'],
      message: /who is at risk/,
    },
    {
      rule: 'summary over SUMMARY_MAX',
      data: validForm('sar', { summary: 'x'.repeat(SUMMARY_MAX + 1) }),
      errors: ['summary'],
      message: new RegExp(`${SUMMARY_MAX} characters or fewer \\(now ${SUMMARY_MAX + 1}\\)`),
    },
    { rule: 'missing summary', data: validForm('sar', { summary: '' }), errors: ['summary'], message: /Summarise/ },
    { rule: 'missing reasons', data: validForm('sar', { reasons: '' }), errors: ['reasons'], message: /reasons/ },
    {
      rule: 'reasons over 2000 characters',
      data: validForm('sar', { reasons: 'x'.repeat(2001) }),
      errors: ['reasons'],
      message: /2000 characters or fewer/,
    },
    {
      rule: 'LCSPR for an adult',
      data: validForm('lcspr', { ageGroup: 'adult', subjectDob: '' }),
      errors: ['ageGroup'],
      message: /for a child/,
    },
    {
      rule: 'LCSPR without the National Panel answer',
      data: validForm('lcspr', { nationalPanelNotified: '' }),
      errors: ['nationalPanelNotified'],
      message: /National Panel/,
    },
    {
      rule: 'SAR for a child',
      data: validForm('sar', { ageGroup: 'youngPerson', subjectDob: '' }),
      errors: ['ageGroup'],
      message: /for an adult/,
    },
    {
      rule: 'SAR without the care and support answer',
      data: validForm('sar', { careAndSupportNeeds: '' }),
      errors: ['careAndSupportNeeds'],
      message: /care and support/,
    },
    {
      rule: 'DHR without the relationship',
      data: validForm('dhr', { relationshipToPerpetrator: '' }),
      errors: ['relationshipToPerpetrator'],
      message: /relationship to the suspected perpetrator/,
    },
    {
      rule: 'DHR without the 16+ confirmation',
      data: validForm('dhr', { victimAged16Plus: 'false' }),
      errors: ['victimAged16Plus'],
      message: /16 or over/,
    },
    {
      rule: 'DHR for a harm that is not a death',
      data: validForm('dhr', { harm: 'seriouslyHarmed' }),
      errors: ['harm'],
      message: /follows a death/,
    },
    { rule: 'DHR for a baby', data: validForm('dhr', { ageGroup: 'baby' }), errors: ['ageGroup'], message: /16 or over/ },
    {
      rule: 'DHR whose date of birth makes them under 16',
      data: validForm('dhr', { ageGroup: 'youngPerson', subjectDob: '2012-05-01', incidentDate: '2026-09-14' }),
      errors: ['subjectDob'],
      message: /makes them 14 at their death.*16 or over/,
    },
    {
      rule: 'reflective review without learning',
      data: validForm('reflective', { reflectiveLearning: '' }),
      errors: ['reflectiveLearning'],
      message: /learn together/,
    },
    {
      rule: '"not sure" with an answer that is not yes, no or not known',
      data: validForm('notSure', { careAndSupportNeeds: 'maybe' }),
      errors: ['careAndSupportNeeds'],
      message: /yes, no or not known/,
    },
    {
      rule: 'a family row with an address but no name or relationship',
      data: validForm('sar', { family1Address: '1 High Street' }),
      errors: ['family1Name', 'family1Relationship'],
      message: /Enter their/,
    },
    {
      rule: 'a family member with a badly written date of birth',
      data: validForm('lcspr', { family1Dob: '05/05/1990' }),
      errors: ['family1Dob'],
      message: /YYYY-MM-DD/,
    },
    {
      rule: 'a family member born in the future',
      data: validForm('lcspr', { family1Dob: '2027-05-05' }),
      errors: ['family1Dob'],
      message: /in the future/,
    },
    {
      rule: 'a professional row without agency',
      data: validForm('sar', { professional1Name: 'GP' }),
      errors: ['professional1Agency'],
      message: /Enter their agency/,
    },
    {
      rule: 'a professional row without a name',
      data: validForm('sar', { professional1Agency: 'Police' }),
      errors: ['professional1Name'],
      message: /name or role/,
    },
    {
      rule: 'an unknown parallel process',
      data: validForm('sar', { parallelProcesses: 'inquest,trial' }),
      errors: ['parallelProcesses'],
      message: /from the list/,
    },
    { rule: 'an unknown kind', data: validForm('sar', { kind: 'scr' }), errors: ['kind'], message: /kind of review/ },
    { rule: 'a number for a field', data: validForm('sar', { subjectName: 42 }), errors: ['subjectName'], message: /text/ },
    { rule: 'an object for a field', data: validForm('sar', { summary: { text: 'hello' } }), errors: ['summary'], message: /text/ },
    {
      rule: 'an array for a field',
      data: validForm('sar', { parallelProcesses: ['inquest'] }),
      errors: ['parallelProcesses'],
      message: /text/,
    },
    { rule: 'a boolean for the toggle', data: validForm('sar', { managerConsulted: true }), errors: ['managerConsulted'], message: /text/ },
  ];

  it.each(rules)('$rule', ({ data, errors, message }) => {
    const result = rejected(validate(data));
    expect(Object.keys(result.errors).sort()).toEqual([...errors].sort());
    for (const key of errors) {
      expectHumanSentence(result.errors[key]);
      expect(result.errors[key]).toMatch(message);
    }
    expectFormKept(result.form, data);
  });

  it('closes up empty rows between filled ones, in order, problems named after where the rows now are', () => {
    const result = rejected(
      validate(validForm('sar', { family2Name: 'Ash Brook', family4Address: '1 High Street', professional3Name: 'GP' })),
    );
    expect(Object.keys(result.errors).sort()).toEqual(['family1Relationship', 'family2Name', 'family2Relationship', 'professional1Agency']);
    expect(result.form).toMatchObject({
      family1Name: 'Ash Brook',
      family2Name: '',
      family2Address: '1 High Street',
      family4Address: '',
      professional1Name: 'GP',
      professional3Name: '',
    });
  });

  it('a missing kind is a problem with the kind', () => {
    const data = validForm('sar');
    delete data.kind;
    const result = rejected(validate(data));
    expect(Object.keys(result.errors)).toEqual(['kind']);
    expectHumanSentence(result.errors.kind);
  });

  it('an unknown kind does not hide the other problems', () => {
    const result = rejected(validate(validForm('sar', { kind: 'scr', referrerEmail: 'nope', summary: 42 })));
    expect(Object.keys(result.errors).sort()).toEqual(['kind', 'referrerEmail', 'summary']);
  });

  it("a DHR's perpetrator is only ever the DHR's: named, and born before the death", () => {
    const result = rejected(validate(validForm('dhr', { perpetratorName: '', perpetratorDob: '2026-10-01' })));
    expect(Object.keys(result.errors).sort()).toEqual(['perpetratorDob', 'perpetratorName']);
    expect(result.errors.perpetratorName).toMatch(/search their records/);
  });

  describe('where it came from', () => {
    const byBusinessUnit = (overrides: Record<string, unknown>) =>
      validateReferral(validForm('lcspr', overrides), { today: TODAY, agencies: AGENCIES, byBusinessUnit: true });

    it('the business unit enters a National Panel notification on its behalf, with no manager to consult', () => {
      const referral = accepted(byBusinessUnit({ source: 'nationalPanel', managerConsulted: 'false' }));
      expect(referral.source).toEqual({ from: 'nationalPanel', enteredByBusinessUnit: true });
      expect(referral.referrer.managerConsulted).toBe(false);
    });

    it('a court or another partnership is named', () => {
      expect(Object.keys(rejected(byBusinessUnit({ source: 'court' })).errors)).toEqual(['sourceDetail']);
      const referral = accepted(byBusinessUnit({ source: 'otherPartnership', sourceDetail: 'Northshire Safeguarding Partnership' }));
      expect(referral.source).toEqual({
        from: 'otherPartnership',
        detail: 'Northshire Safeguarding Partnership',
        enteredByBusinessUnit: true,
      });
    });

    it("the business unit entering a practitioner's referral records that it did", () => {
      expect(accepted(byBusinessUnit({})).source).toEqual({ from: 'practitioner', enteredByBusinessUnit: true });
    });

    it('anyone else refers as a practitioner, whatever the card sent', () => {
      const referral = accepted(validate(validForm('lcspr', { source: 'court', sourceDetail: 'Crown Court' })));
      expect(referral.source).toEqual(FROM_PRACTITIONER);
    });
  });

  it('a form with nothing typed reports every required answer at once', () => {
    const data = { ...emptyForm(), kind: 'dhr' };
    const result = rejected(validate(data));
    expect(Object.keys(result.errors).sort()).toEqual(
      [
        'referrerName',
        'referrerAgency',
        'referrerEmail',
        'managerConsulted',
        'subjectName',
        'ageGroup',
        'incidentDate',
        'awareDate',
        'harm',
        'abuseOrNeglect',
        'agencyConcern',
        'immediateSafety',
        'perpetratorName',
        'relationshipToPerpetrator',
        'victimAged16Plus',
        'summary',
        'reasons',
      ].sort(),
    );
    for (const message of Object.values(result.errors)) expectHumanSentence(message);
    expectFormKept(result.form, data);
  });

  it('gives the form back exactly as typed, untrimmed, without the unknown keys', () => {
    const data = validForm('lcspr', {
      referrerName: '  Dana ',
      referrerEmail: 'not an email',
      verb: 'referral.submit',
      submissionId: 'sub-1',
    });
    const result = rejected(validate(data));
    expect(result.form.referrerName).toBe('  Dana ');
    expect(result.form.referrerEmail).toBe('not an email');
    expect(result.form.kind).toBe('lcspr');
    expect(result.form).not.toHaveProperty('verb');
    expect(result.form).not.toHaveProperty('submissionId');
  });

  it('does not throw for a malformed submission; the non-text value is left out of the form', () => {
    const data = validForm('sar', { subjectName: 42 });
    expect(() => validate(data)).not.toThrow();
    const result = rejected(validate(data));
    expect(result.form).not.toHaveProperty('subjectName');
    expect(result.form.referrerName).toBe('Dana Evans');
  });
});
