/**
 * Safety signals that reach a person at once (issue 16): a referral with an immediate
 * safety concern, or an agency's return saying action is needed now to keep someone
 * safe. The concern is recorded on the case, and owed in the same write: a word in the
 * case's thread (reference and agency only) and the details one to one to each member of
 * the business unit. The case's card carries the flag until a business-unit member
 * acknowledges it, saying what was done. Pure functions of a case record.
 */
import type { CaseRecord } from './case.js';
import { CASE_CARD, owe, refreshCard, type Owed } from './effects.js';
import type { Origin } from './owed.js';
import type { Partnership } from './partnership.js';

export interface SafetyConcern {
  /** `referral`, or `return:<agency>:<submission id>`. */
  id: string;
  /** The agency whose return raised it; none for the referral. */
  agencyId?: string;
  /** The return item that holds the details, for a return. */
  itemId?: string;
  at: string;
  /** Who acknowledged it, when, and what was done: shown to the business unit only. */
  acknowledged?: { at: string; by: string; action: string };
}

/** The case with a concern raised (once per id), owing its alert and its details to each of `businessUnit`. */
export function withConcern(record: CaseRecord, concern: SafetyConcern, businessUnit: readonly string[], origin: Origin): CaseRecord {
  if (record.safety?.some((c) => c.id === concern.id)) return record;
  const owed: Owed[] = [
    { key: `safety-alert:${concern.id}`, kind: 'safetyAlert', dueAt: concern.at, payload: { concern: concern.id } },
    ...businessUnit.map((aadObjectId): Owed => ({
      key: `safety-details:${concern.id}:${aadObjectId.toLowerCase()}`,
      kind: 'safetyDetails',
      dueAt: concern.at,
      payload: { concern: concern.id, aadObjectId, serviceUrl: origin.serviceUrl, ...(origin.tenantId && { tenantId: origin.tenantId }) },
    })),
  ];
  return refreshCard(owe({ ...record, safety: [...(record.safety ?? []), concern] }, ...owed), CASE_CARD, concern.at);
}

/** The concern acknowledged, once: the card's flag goes. */
export function withAcknowledged(record: CaseRecord, id: string, acknowledged: NonNullable<SafetyConcern['acknowledged']>): CaseRecord {
  const concern = record.safety?.find((c) => c.id === id);
  if (!concern || concern.acknowledged) return record;
  const safety = record.safety!.map((c) => (c.id === id ? { ...c, acknowledged } : c));
  return refreshCard({ ...record, safety }, CASE_CARD, acknowledged.at);
}

/** Concerns not yet acknowledged, by the agency that raised them (none for the referral): what a channel may show. */
export const openConcerns = (record: Pick<CaseRecord, 'safety'>): { id: string; agencyId?: string }[] =>
  (record.safety ?? []).filter((c) => !c.acknowledged).map((c) => ({ id: c.id, ...(c.agencyId && { agencyId: c.agencyId }) }));

/** Everyone in the business unit, by Entra object id: whom a safety concern's details go to. */
export const businessUnitOf = (deps: { partnership: Pick<Partnership, 'people'> }): string[] =>
  deps.partnership.people.filter((p) => p.roles.includes('businessUnit')).map((p) => p.aadObjectId);
