// Referral forms as the card sends them: every input a string, `kind` beside them.
import { REFERRAL_FIELDS, type ReviewKind } from '../../review/referral.js';

/** Every input of the card, empty: what a card sends when nothing is typed. */
export function emptyForm(): Record<string, string> {
  return Object.fromEntries(REFERRAL_FIELDS.map((f) => [f, '']));
}

/** What every kind of referral has in common: the referrer, the incident, the summary. */
const COMMON: Record<string, string> = {
  referrerName: 'Dana Evans',
  referrerAgency: 'education',
  referrerEmail: 'dana.evans@school.example.org',
  referrerPhone: '01632 960123',
  managerConsulted: 'true',
  agencyConcern: 'yes',
  immediateSafety: 'no',
  summary: 'Attendance fell from September; two welfare calls were logged and not shared.',
  reasons: 'Several agencies knew of concerns and did not share them.',
};

/** The answers that make each kind of referral valid, on top of COMMON. */
const BY_KIND: Record<ReviewKind, Record<string, string>> = {
  lcspr: {
    subjectName: 'Charlie Brook',
    subjectDob: '2014-03-02',
    ageGroup: 'youngPerson',
    subjectAddress: '12 Elm Row, Exampletown EX1 2AB',
    incidentDate: '2026-11-20',
    awareDate: '2026-11-23',
    harm: 'seriouslyHarmed',
    abuseOrNeglect: 'suspected',
    nationalPanelNotified: 'notKnown',
    parallelProcesses: 'criminalInvestigation',
    family1Name: 'Morgan Brook',
    family1Relationship: 'Mother',
    family1Dob: '1990-05-05',
    family1Address: '12 Elm Row, Exampletown EX1 2AB',
    professional1Name: 'Class teacher',
    professional1Agency: 'Elm Row Primary',
    professional1Dates: 'Sept 2025 to Oct 2026',
    professional1Involvement: 'Daily contact',
  },
  sar: {
    subjectName: 'Edith Marsh',
    subjectDob: '1940-04-10',
    ageGroup: 'adult',
    incidentDate: '2026-10-02',
    awareDate: '2026-10-05',
    harm: 'died',
    abuseOrNeglect: 'known',
    careAndSupportNeeds: 'yes',
    parallelProcesses: 'inquest,section42',
  },
  dhr: {
    subjectName: 'Ruth Hale',
    ageGroup: 'adult',
    incidentDate: '2026-09-14',
    awareDate: '2026-09-14',
    harm: 'died',
    abuseOrNeglect: 'known',
    perpetratorName: 'Glen Hale',
    perpetratorDob: '1975-02-11',
    perpetratorAddress: '4 Mill Lane, Exampletown EX2 9CD',
    relationshipToPerpetrator: 'Former partner',
    victimAged16Plus: 'true',
    parallelProcesses: 'criminalInvestigation,inquest',
  },
  reflective: {
    subjectName: 'Sam Oaks',
    ageGroup: 'youngPerson',
    incidentDate: '2026-08-01',
    awareDate: '2026-08-03',
    harm: 'significantHarm',
    abuseOrNeglect: 'suspected',
    nationalPanelNotified: 'no',
    reflectiveLearning: 'How schools and health visitors share early concerns.',
  },
  notSure: {
    subjectName: 'Baby Finch',
    subjectDob: '2026-01-10',
    ageGroup: 'baby',
    incidentDate: '2026-11-02',
    awareDate: '2026-11-02',
    harm: 'seriouslyHarmed',
    abuseOrNeglect: 'suspected',
  },
};

/**
 * A complete, valid referral of `kind`, as the card sends it: every input a string
 * (empty when not answered) and `kind` beside them.
 */
export function validForm(kind: ReviewKind, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return { ...emptyForm(), ...COMMON, ...BY_KIND[kind], kind, ...overrides };
}

/**
 * The HTTP and end-to-end suites' referral: an LCSPR that reports an immediate risk, so
 * the channel card's safety flag shows.
 */
/** A referral reporting nobody at immediate risk: for tests of something other than the safety alert. */
export const NO_RISK: Record<string, string> = { immediateSafety: 'no', immediateSafetyDetails: '' };

export function validReferralForm(overrides: Record<string, string> = {}): Record<string, unknown> {
  return validForm('lcspr', {
    immediateSafety: 'yes',
    immediateSafetyDetails: 'A younger sibling lives at home; social care visited on 24 November.',
    ...overrides,
  });
}

/** Every personal value in that referral: none may reach a channel. */
export const PERSONAL_VALUES = [
  'Dana Evans',
  'dana.evans@school.example.org',
  '01632 960123',
  'Charlie Brook',
  '2014-03-02',
  '12 Elm Row',
  'Morgan Brook',
  '1990-05-05',
  'younger sibling',
  'Attendance fell',
];
