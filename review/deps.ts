import type { WorkingCalendar } from './calendar.js';
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
