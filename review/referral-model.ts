/**
 * What a referral is: the kinds of review, the card's inputs and their limits, and the
 * shape of a validated referral. Checking one is review/referral.ts.
 */
import type { LocalDate } from './local-date.js';

/** The kinds of review a practitioner can ask for (DOMAIN.md, "Kinds of review"). */
export const REVIEW_KINDS = ['lcspr', 'sar', 'dhr', 'reflective', 'notSure'] as const;
export type ReviewKind = (typeof REVIEW_KINDS)[number];

export const KIND_NAMES: Record<ReviewKind, string> = {
  lcspr: 'Child Safeguarding Practice Review (LCSPR)',
  sar: 'Safeguarding Adults Review (SAR)',
  dhr: 'Domestic Homicide Review (DHR / DARDR)',
  reflective: 'Multi-agency reflective review',
  notSure: 'Not sure which kind',
};

/**
 * Where a referral came from. A practitioner refers from chat; the business unit enters
 * the others on the sender's behalf: a National Panel notification, a court, the child
 * death overview panel, or another partnership (a cross-border case).
 */
export const REFERRAL_SOURCES = ['practitioner', 'nationalPanel', 'court', 'cdop', 'otherPartnership'] as const;
export type ReferralSource = (typeof REFERRAL_SOURCES)[number];
export const SOURCE_NAMES: Record<ReferralSource, string> = {
  practitioner: 'A practitioner',
  nationalPanel: 'A National Panel notification',
  court: 'A court',
  cdop: 'The child death overview panel',
  otherPartnership: 'Another partnership (cross-border)',
};

export const AGE_GROUPS = ['baby', 'youngPerson', 'adult'] as const;
export type AgeGroup = (typeof AGE_GROUPS)[number];

export const HARMS = ['died', 'seriouslyHarmed', 'significantHarm'] as const;
export const ABUSE_OR_NEGLECT = ['known', 'suspected', 'notSuspected'] as const;
export const YES_NO = ['yes', 'no'] as const;
export const YES_NO_NOT_KNOWN = ['yes', 'no', 'notKnown'] as const;
export const PARALLEL_PROCESSES = ['criminalInvestigation', 'inquest', 'section42', 'complaint', 'leder', 'other'] as const;
export type ParallelProcess = (typeof PARALLEL_PROCESSES)[number];

/**
 * Family members and professionals are rows the referrer adds and removes (Teams cards
 * have no repeater): as many as a case needs, up to a bound that keeps the card within
 * Teams' message size (measured: eight of each, every answer at its longest, is about
 * 38,000 characters, under the 80 KB of UTF-16 Teams advises; ten is over).
 */
export const MAX_ROWS = 8;

/** One side of A4, roughly: the limit the guidance sets for the contextual summary. */
export const SUMMARY_MAX = 3500;

export const ROWS: readonly number[] = Array.from({ length: MAX_ROWS }, (_, i) => i + 1);
export type RowList = 'family' | 'professionals';

type FamilyField = `family${number}${'Name' | 'Relationship' | 'Dob' | 'Address'}`;
type ProfessionalField = `professional${number}${'Name' | 'Agency' | 'Dates' | 'Involvement'}`;

export const familyFields = (i: number) =>
  [`family${i}Name`, `family${i}Relationship`, `family${i}Dob`, `family${i}Address`] as const satisfies readonly FamilyField[];
export const professionalFields = (i: number) =>
  [
    `professional${i}Name`,
    `professional${i}Agency`,
    `professional${i}Dates`,
    `professional${i}Involvement`,
  ] as const satisfies readonly ProfessionalField[];
/** The key under which a referral form's buttons say how many rows of each list the card shows. */
export const ROWS_SHOWN_KEY: Record<RowList, string> = { family: 'familyRows', professionals: 'professionalRows' };
export const ROW_FIELDS: Record<RowList, (i: number) => readonly (FamilyField | ProfessionalField)[]> = {
  family: familyFields,
  professionals: professionalFields,
};

/** The inputs of the referral card other than its rows. */
const BASE_FIELDS = [
  'source',
  'sourceDetail',
  'referrerName',
  'referrerAgency',
  'referrerAgencyOther',
  'referrerEmail',
  'referrerPhone',
  'managerConsulted',
  'subjectName',
  'subjectDob',
  'ageGroup',
  'subjectAddress',
  'incidentDate',
  'awareDate',
  'harm',
  'abuseOrNeglect',
  'agencyConcern',
  'immediateSafety',
  'immediateSafetyDetails',
  'nationalPanelNotified',
  'careAndSupportNeeds',
  'perpetratorName',
  'perpetratorDob',
  'perpetratorAddress',
  'relationshipToPerpetrator',
  'victimAged16Plus',
  'reflectiveLearning',
  'summary',
  'reasons',
  'parallelProcesses',
] as const;
export type ReferralField = (typeof BASE_FIELDS)[number] | FamilyField | ProfessionalField;
/** Every input of the referral card, by id, rows included. The card and the schema share these names. */
export const REFERRAL_FIELDS: readonly ReferralField[] = [
  ...BASE_FIELDS,
  ...ROWS.flatMap(familyFields),
  ...ROWS.flatMap(professionalFields),
];

const NAME = 100;
const ADDRESS = 300;
const SHORT = 200;
const LONG = 2000;

/**
 * The longest answer each input takes. The card's inputs and the schema both read
 * this, so a forged submission cannot store more than the card allows, and every
 * card built from a case stays within Teams' message size.
 */
export const FIELD_LIMITS: Readonly<Record<ReferralField, number>> = {
  source: 20,
  sourceDetail: SHORT,
  referrerName: NAME,
  referrerAgency: 50,
  referrerAgencyOther: SHORT,
  referrerEmail: SHORT,
  referrerPhone: 20,
  managerConsulted: 5,
  subjectName: NAME,
  subjectDob: 10,
  ageGroup: 20,
  subjectAddress: ADDRESS,
  incidentDate: 10,
  awareDate: 10,
  harm: 20,
  abuseOrNeglect: 20,
  agencyConcern: 5,
  immediateSafety: 5,
  immediateSafetyDetails: LONG,
  nationalPanelNotified: 10,
  careAndSupportNeeds: 10,
  perpetratorName: NAME,
  perpetratorDob: 10,
  perpetratorAddress: ADDRESS,
  relationshipToPerpetrator: SHORT,
  victimAged16Plus: 5,
  reflectiveLearning: LONG,
  summary: SUMMARY_MAX,
  reasons: LONG,
  parallelProcesses: SHORT,
  ...(Object.fromEntries(
    ROWS.flatMap((i) => {
      const [name, relationship, dob, address] = familyFields(i);
      const [who, agency, dates, involvement] = professionalFields(i);
      return [
        [name, NAME],
        [relationship, NAME],
        [dob, 10],
        [address, ADDRESS],
        [who, NAME],
        [agency, SHORT],
        [dates, NAME],
        [involvement, SHORT],
      ];
    }),
  ) as Record<FamilyField | ProfessionalField, number>),
};

/** What the card sends: every input as text (Adaptive Cards inputs are strings); rows only as far as they go. */
export type ReferralForm = Record<(typeof BASE_FIELDS)[number], string> & Partial<Record<FamilyField | ProfessionalField, string>>;
/** A problem per field, worded for the person filling the card. */
export type FieldErrors = Partial<Record<ReferralField | 'kind', string>>;

export interface FamilyMember {
  name: string;
  relationship: string;
  dateOfBirth?: LocalDate;
  address?: string;
}
export interface Professional {
  name: string;
  agency: string;
  dates?: string;
  involvement?: string;
}

/** A validated referral. It holds personal data: never log it, never post it in a channel. */
export interface Referral {
  kind: ReviewKind;
  /**
   * Where it came from, and whether the business unit entered it on the sender's behalf.
   * Cases stored before Panel asked have none: a practitioner referred them.
   */
  source?: { from: ReferralSource; detail?: string; enteredByBusinessUnit: boolean };
  referrer: {
    name: string;
    agencyId: string;
    agencyName: string;
    email: string;
    phone?: string;
    /** Always, when a practitioner refers; a court or another partnership may not have. */
    managerConsulted: boolean;
  };
  subject: { name: string; dateOfBirth?: LocalDate; ageGroup: AgeGroup; address?: string };
  incident: {
    date: LocalDate;
    awareDate: LocalDate;
    harm: (typeof HARMS)[number];
    abuseOrNeglect: (typeof ABUSE_OR_NEGLECT)[number];
    agencyConcern: boolean;
    immediateSafety: boolean;
    immediateSafetyDetails?: string;
  };
  specific: {
    nationalPanelNotified?: (typeof YES_NO_NOT_KNOWN)[number];
    careAndSupportNeeds?: (typeof YES_NO_NOT_KNOWN)[number];
    /** A DHR's suspected perpetrator: personal data, with the same need-to-know as the subject's. */
    perpetrator?: { name: string; dateOfBirth?: LocalDate; address?: string };
    relationshipToPerpetrator?: string;
    victimAged16Plus?: boolean;
    reflectiveLearning?: string;
  };
  summary: string;
  reasons: string;
  parallelProcesses: ParallelProcess[];
  family: FamilyMember[];
  professionals: Professional[];
}

/** Whether the kind-specific questions of the card apply. */
export const KIND_QUESTIONS: Record<ReviewKind, readonly ReferralField[]> = {
  lcspr: ['nationalPanelNotified'],
  sar: ['careAndSupportNeeds'],
  dhr: ['perpetratorName', 'perpetratorDob', 'perpetratorAddress', 'relationshipToPerpetrator', 'victimAged16Plus'],
  reflective: ['nationalPanelNotified', 'reflectiveLearning'],
  notSure: ['nationalPanelNotified', 'careAndSupportNeeds'],
};
