/**
 * Shared fixtures for the unit tests: referral forms as a card sends them, a
 * hand-built case record, clock settings, and helpers to read card JSON.
 */
import type { CaseRecord } from '../../review/case.js';
import { localDate, type LocalDate } from '../../review/local-date.js';
import type { ClockSettings } from '../../review/partnership.js';
import type { Referral } from '../../review/referral.js';
import { walk, type Json } from '../support/cards.js';

// ---------------------------------------------------------------------------
// Referral forms
// ---------------------------------------------------------------------------

/** The partnership's date "today" in the referral tests. */
export const TODAY: LocalDate = localDate('2026-12-01');

/** The partnership's agencies, id to name, as `validateReferral` takes them. */
export const AGENCIES: ReadonlyMap<string, string> = new Map([
  ['la', 'Local Authority'],
  ['icb', 'Integrated Care Board'],
  ['police', 'Police'],
  ['mh', 'Mental Health Trust'],
  ['education', 'Education'],
]);

export const AGENCY_LIST = [...AGENCIES].map(([id, name]) => ({ id, name }));

export { emptyForm, validForm } from '../support/referral-form.js';

// ---------------------------------------------------------------------------
// Clock settings
// ---------------------------------------------------------------------------

/** The statutory defaults (partnership.ts `clocks` defaults). */
export const DEFAULT_CLOCKS: ClockSettings = {
  nationalPanelNotificationWorkingDays: 5,
  rapidReviewWorkingDays: 15,
  dhrDecisionMonths: 1,
  panelMinDaysAfterRequests: 10,
  returnsBeforePanelWorkingDays: 1,
  returnsWorkingDays: 10,
  returnsMinimumWorkingDays: 3,
  actionLearningMonths: 1,
  singleAgencyReviewMonths: 3,
  partnershipReviewMonths: 3,
  independentReviewMonths: 6,
  dhrReportMonths: 6,
  decisionNoticeWorkingDays: 5,
  reflectiveReportsWorkingDaysBefore: 10,
};

// ---------------------------------------------------------------------------
// A case record, by hand
// ---------------------------------------------------------------------------

/** A child's referral holding personal data in every slot a card could show. */
export function childReferral(overrides: Partial<Referral> = {}): Referral {
  return {
    kind: 'lcspr',
    referrer: {
      name: 'Dana Evans',
      agencyId: 'education',
      agencyName: 'Education',
      email: 'dana.evans@school.example.org',
      phone: '01632 960123',
      managerConsulted: true,
    },
    subject: {
      name: 'Charlie Brook',
      dateOfBirth: localDate('2014-03-02'),
      ageGroup: 'youngPerson',
      address: '12 Elm Row, Exampletown EX1 2AB',
    },
    incident: {
      date: localDate('2026-11-20'),
      awareDate: localDate('2026-11-23'),
      harm: 'seriouslyHarmed',
      abuseOrNeglect: 'suspected',
      agencyConcern: true,
      immediateSafety: true,
      immediateSafetyDetails: 'A younger sibling, Jamie Brook, lives at home; social care visited.',
    },
    specific: { nationalPanelNotified: 'notKnown' },
    summary: 'Charlie attended Elm Row Primary until October with falling attendance.',
    reasons: 'Several agencies knew of concerns and did not share them.',
    parallelProcesses: ['criminalInvestigation', 'inquest'],
    family: [
      {
        name: 'Morgan Brook',
        relationship: 'Mother',
        dateOfBirth: localDate('1990-05-05'),
        address: '4 Quarry Lane, Exampletown EX2 9ZZ',
      },
      { name: 'Lee Brook', relationship: 'Stepfather' },
    ],
    professionals: [
      { name: 'Ms Patel, class teacher', agency: 'Elm Row Primary', dates: 'Sept 2025 to Oct 2026', involvement: 'Daily contact' },
    ],
    ...overrides,
  };
}

/** Personal values of `childReferral()`: none may appear on a card shown in a channel. */
export const CHILD_PERSONAL_VALUES = [
  'Charlie Brook',
  '2014-03-02',
  'Sun 2 Mar 2014',
  '12 Elm Row',
  'EX1 2AB',
  'Morgan Brook',
  'Lee Brook',
  '1990-05-05',
  'Sat 5 May 1990',
  '4 Quarry Lane',
  'Dana Evans',
  'dana.evans@school.example.org',
  '01632 960123',
  'Jamie Brook',
  'Ms Patel',
  'falling attendance',
];

export function caseRecord(overrides: Partial<CaseRecord> = {}): CaseRecord {
  return {
    reference: 'REF-2026-0007',
    year: 2026,
    sequence: 7,
    descriptor: 'Young Person G',
    kind: 'lcspr',
    stage: 'referred',
    receivedAt: '2026-12-01T10:15:00.000Z',
    receivedOn: localDate('2026-12-01'),
    referrerAadObjectId: '11111111-1111-4111-8111-111111111111',
    clocks: {
      nationalPanelNotificationDue: localDate('2026-11-30'),
      rapidReviewDue: localDate('2026-12-14'),
      panelDate: localDate('2026-12-29'),
    },
    referral: childReferral(),
    ...overrides,
  };
}

// ---------------------------------------------------------------------------
// Reading card JSON
// ---------------------------------------------------------------------------

export type { Json };
export { walk };

/** Every string in a JSON tree, keys included. */
export function allStrings(node: unknown): string[] {
  const found: string[] = [];
  const visit = (n: unknown): void => {
    if (typeof n === 'string') found.push(n);
    else if (Array.isArray(n)) n.forEach(visit);
    else if (n !== null && typeof n === 'object') {
      for (const [k, v] of Object.entries(n)) {
        found.push(k);
        visit(v);
      }
    }
  };
  visit(node);
  return found;
}

export function elementsOfType(card: unknown, type: string | ((t: string) => boolean)): Json[] {
  const matches = typeof type === 'string' ? (t: string) => t === type : type;
  const found: Json[] = [];
  walk(card, (o) => {
    if (typeof o.type === 'string' && matches(o.type)) found.push(o);
  });
  return found;
}

export const inputsOf = (card: unknown) => elementsOfType(card, (t) => t.startsWith('Input.'));

export function inputOf(card: unknown, id: string): Json {
  const found = inputsOf(card).filter((i) => i.id === id);
  if (found.length !== 1) throw new Error(`expected one input "${id}", found ${found.length}`);
  return found[0]!;
}

export function elementById(card: unknown, id: string): Json | undefined {
  let found: Json | undefined;
  walk(card, (o) => {
    if (o.id === id && typeof o.type === 'string') found = o;
  });
  return found;
}

/** The element right after the input `id` in its container's items. */
export function elementAfter(card: unknown, id: string): Json | undefined {
  let next: Json | undefined;
  walk(card, (o, siblings) => {
    if (o.id === id && typeof o.type === 'string' && o.type.startsWith('Input.') && siblings) {
      next = siblings[siblings.indexOf(o) + 1] as Json | undefined;
    }
  });
  return next;
}

/** The error TextBlock (colour Attention) right after the input `id`, if any. */
export function errorUnder(card: unknown, id: string): string | undefined {
  const next = elementAfter(card, id);
  return next && next.type === 'TextBlock' && next.color === 'Attention' ? String(next.text) : undefined;
}

export const executeActions = (card: unknown) => elementsOfType(card, 'Action.Execute');
