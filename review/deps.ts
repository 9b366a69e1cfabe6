import type { AuditAction } from './audit.js';
import type { WorkingCalendar } from './calendar.js';
import { localDateOf, type LocalDate } from './local-date.js';
import type { Directory, Partnership } from './partnership.js';
import type { CaseStore } from './store.js';

/** What the review workflow needs from outside: a store, the partnership, a calendar and a clock. */
export interface ReviewDeps {
  store: CaseStore;
  partnership: Partnership;
  /** The partnership's people and their roles, by Entra object id. */
  directory: Directory;
  calendar: WorkingCalendar;
  /** The time now; injected so tests control it. */
  now: () => Date;
}

/** Who is acting, from their Teams identity (never from card data). */
export interface Caller {
  aadObjectId: string;
  displayName: string;
}

/** The date it is now where the partnership is. */
export const todayFor = (deps: Pick<ReviewDeps, 'now' | 'partnership'>): LocalDate => localDateOf(deps.now(), deps.partnership.timezone);

/** Appends an audit event about a case, stamped now. */
export async function recordAudit(deps: ReviewDeps, caseId: string, actor: string, action: AuditAction, detail?: string): Promise<void> {
  await deps.store.appendAudit({ caseId, at: deps.now().toISOString(), actor, action, ...(detail && { detail }) });
}
