/**
 * The panel's agenda (DOMAIN.md, "Panel listing"): the next panel on or after today,
 * and the cases for it: those whose returns are collated (or that the business unit
 * listed by hand) and that are listed for that panel or an earlier one. A case not
 * decided at its panel, or decided on hold, is listed at every panel until decided.
 */
import type { WorkingCalendar } from './calendar.js';
import type { CaseRecord } from './case.js';
import { awaitsNoting, awaitsPanel, currentDecision, type Outcome } from './decision.js';
import type { LocalDate } from './local-date.js';
import type { PanelSchedule } from './partnership.js';
import { panelDateFor } from './panel-listing.js';
import type { ReviewKind } from './referral-model.js';
import type { CaseStore } from './store.js';

export interface Agenda {
  /** Absent when the partnership's list of panel dates has run out. */
  panelDate?: LocalDate;
  cases: { reference: string; descriptor: string; kind: ReviewKind; onHold: boolean }[];
  /** Decided by the fast-track subgroup since the last agenda: for the panel to note. */
  forNoting: { reference: string; descriptor: string; kind: ReviewKind; outcome: Outcome }[];
}

export function agendaOf(
  cases: readonly CaseRecord[],
  today: LocalDate,
  rules: { panel: PanelSchedule; calendar: WorkingCalendar },
): Agenda {
  const panelDate = panelDateFor(rules.panel, today, 0, rules.calendar);
  const listed = cases
    .filter(awaitsPanel)
    // Listed by hand, or already before a panel (not decided, or on hold): the next panel.
    .filter((c) => c.panel !== undefined || !panelDate || !c.clocks.panelDate || c.clocks.panelDate <= panelDate)
    .sort((a, b) => a.reference.localeCompare(b.reference))
    .map((c) => ({ reference: c.reference, descriptor: c.descriptor, kind: c.kind, onHold: c.hold !== undefined }));
  const forNoting = cases
    .filter(awaitsNoting)
    .sort((a, b) => a.reference.localeCompare(b.reference))
    .map((c) => ({ reference: c.reference, descriptor: c.descriptor, kind: c.kind, outcome: currentDecision(c)!.outcome }));
  return { ...(panelDate && { panelDate }), cases: listed, forNoting };
}

/** Every open case, read a page at a time: for the agenda and `my tasks`. */
export async function allOpenCases(store: CaseStore): Promise<CaseRecord[]> {
  const cases: CaseRecord[] = [];
  let continuation: string | undefined;
  do {
    const page = await store.listOpenCases({ limit: 100, ...(continuation && { continuation }) });
    cases.push(...page.items);
    continuation = page.continuation;
  } while (continuation);
  return cases;
}
