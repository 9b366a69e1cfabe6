/**
 * The family's involvement in a review (issue 17; Suffolk: the expectation "as a
 * minimum"): the level agreed before the review starts, or why not (a suspect in a
 * criminal investigation, agreed with the police lead); a liaison officer; whether an
 * interpreter is needed; and a dated log of each contact with the family. Personal data:
 * kept only on the case record, shown one to one to the business unit and the reviewer,
 * never in `AnonymousCase`. Pure functions of a case record.
 */
import type { CaseRecord } from './case.js';
import type { LocalDate } from './local-date.js';
import type { Role } from './roles.js';

/** Who sees and keeps the family log. */
export const FAMILY_ROLES: readonly Role[] = ['businessUnit', 'reviewer'];

export const LEVELS = ['full', 'partial', 'none'] as const;
export type Level = (typeof LEVELS)[number];

export const LEVEL_NAMES: Record<Level, string> = {
  full: 'Full',
  partial: 'Partial',
  none: 'None',
};

/** The contacts Suffolk expects with a family, in the order a review makes them. */
export const CONTACT_KINDS = [
  'informed',
  'viewsSought',
  'penPicture',
  'findingsMeetingOffered',
  'pseudonymChosen',
  'mediaConsulted',
  'toldPublicationDate',
  'sentReport',
] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];

export const CONTACT_NAMES: Record<ContactKind, string> = {
  informed: 'Told of the review',
  viewsSought: 'Views sought',
  penPicture: 'Pen picture given',
  findingsMeetingOffered: 'Meeting on the findings offered',
  pseudonymChosen: 'Pseudonym chosen',
  mediaConsulted: 'Consulted on the media',
  toldPublicationDate: 'Told the publication date',
  sentReport: 'Sent the report',
};

/** One contact with the family, as the business unit or the reviewer logged it. */
export interface FamilyContact {
  on: LocalDate;
  kind: ContactKind;
  note?: string;
  /** The card submission that logged it: the same card sent twice logs it once. */
  submission: string;
  by: string;
  at: string;
}

export interface FamilyInvolvement {
  level: Level;
  /** Why the family is not fully involved: required unless the level is full. */
  whyNot?: string;
  /** Whom a limit on involvement was agreed with, such as the police lead. */
  agreedWith?: string;
  /** The family's liaison officer. */
  liaison?: string;
  interpreter: boolean;
  /** The language to interpret, when an interpreter is needed. */
  language?: string;
  /** The log, by date, newest last. */
  contacts: FamilyContact[];
  setBy: string;
  setAt: string;
}

/** What the form sets besides the log. */
export type FamilySettings = Pick<FamilyInvolvement, 'level' | 'whyNot' | 'agreedWith' | 'liaison' | 'interpreter' | 'language'>;

const SETTING_KEYS = ['level', 'whyNot', 'agreedWith', 'liaison', 'interpreter', 'language'] as const;

const sameSettings = (a: FamilySettings, b: FamilySettings) => SETTING_KEYS.every((k) => a[k] === b[k]);

/**
 * The family's involvement as set, and a contact logged once: a contact whose
 * submission is logged already is not logged again. Says what changed.
 */
export function withFamily(
  record: CaseRecord,
  change: { settings: FamilySettings; contact?: Omit<FamilyContact, 'by' | 'at'>; by: string; at: string },
): { record: CaseRecord; updated: boolean; logged: boolean } {
  const before = record.family;
  const updated = !before || !sameSettings(before, change.settings);
  const contact = change.contact;
  const logged = contact !== undefined && !before?.contacts.some((c) => c.submission === contact.submission);
  if (!updated && !logged) return { record, updated, logged };
  const contacts = before?.contacts ?? [];
  const family: FamilyInvolvement = {
    ...change.settings,
    // A later contact dated earlier goes before those dated after it.
    contacts: logged ? [...contacts, { ...contact, by: change.by, at: change.at }].sort((a, b) => a.on.localeCompare(b.on)) : contacts,
    setBy: updated || !before ? change.by : before.setBy,
    setAt: updated || !before ? change.at : before.setAt,
  };
  return { record: { ...record, family }, updated, logged };
}
