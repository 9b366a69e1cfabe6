/**
 * `my tasks`: what the caller owes or has in hand, from the open cases. Leads (and
 * colleagues handed a request): the returns they owe. The business unit: overdue
 * returns, cases that await the panel, and cases on hold. The panel's voters: the
 * votes open that they have not cast.
 */
import type { CaseRecord } from './case.js';
import type { Caller } from './deps.js';
import type { LocalDate } from './local-date.js';
import { awaitsPanel, openBallot } from './decision.js';
import type { Directory } from './partnership.js';
import { progressOf, reviewProgress } from './rapid-review.js';
import { dutiesOf, type DutyKind } from './duties.js';
import type { PlanStep, StepKind } from './plan.js';

const soonestStep = (a: PlanStep, b: PlanStep) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0);

export interface Owed {
  reference: string;
  descriptor: string;
  agencyId: string;
  dueOn: LocalDate;
  onHold: boolean;
}

export interface Tasks {
  owed: Owed[];
  /** For the business unit. */
  overdue: { reference: string; agencyIds: string[]; dueOn: LocalDate }[];
  awaitingPanel: { reference: string; descriptor: string }[];
  onHold: { reference: string; until?: LocalDate }[];
  /** For the business unit: statutory duties not yet recorded as done, soonest first. */
  duties: { reference: string; descriptor: string; kind: DutyKind; dueOn: LocalDate }[];
  /** For a voter: open votes they have not cast. */
  votes: { reference: string; descriptor: string }[];
  /** For the business unit: each review's next step not yet done, soonest first. */
  steps: { reference: string; descriptor: string; kind: StepKind; dueOn: LocalDate }[];
  /** For a lead: the agency reports for a review they owe. */
  reports: { reference: string; descriptor: string; agencyId: string; dueOn: LocalDate }[];
  /** For an owner: the review actions they own, not yet done. */
  actions: { reference: string; descriptor: string; dueOn: LocalDate }[];
}

/**
 * `votesOn` says whether the caller votes on a case's open vote (the partnership's panel,
 * the kind's own panel, or the fast-track subgroup: see `voters` in decision-actions.ts).
 */
export function tasksFor(
  caller: Caller,
  cases: readonly CaseRecord[],
  directory: Directory,
  today: LocalDate,
  votesOn: (record: CaseRecord) => boolean,
): Tasks {
  const me = caller.aadObjectId.toLowerCase();
  const person = directory.find(caller.aadObjectId);
  const businessUnit = directory.hasRole(caller.aadObjectId, 'businessUnit');
  const tasks: Tasks = { owed: [], overdue: [], awaitingPanel: [], onHold: [], votes: [], duties: [], steps: [], reports: [], actions: [] };
  for (const record of cases) {
    const review = record.rapidReview;
    if (review && !review.closed) {
      for (const request of review.requests) {
        const mine =
          request.addressees.some((a) => a.aadObjectId.toLowerCase() === me) ||
          (person?.agency === request.agencyId && person.roles.includes('lead'));
        if (mine && !request.current) {
          tasks.owed.push({
            reference: record.reference,
            descriptor: record.descriptor,
            agencyId: request.agencyId,
            dueOn: review.dueOn,
            onHold: record.hold !== undefined,
          });
        }
      }
    }
    for (const request of record.reports?.requests ?? []) {
      const mine =
        request.addressees.some((a) => a.toLowerCase() === me) || (person?.agency === request.agencyId && person.roles.includes('lead'));
      if (mine && !request.current) {
        tasks.reports.push({
          reference: record.reference,
          descriptor: record.descriptor,
          agencyId: request.agencyId,
          dueOn: record.reports!.dueOn,
        });
      }
    }
    for (const action of (record.recommendations ?? []).flatMap((r) => r.actions)) {
      if (action.owner === me && action.status !== 'done') {
        tasks.actions.push({ reference: record.reference, descriptor: record.descriptor, dueOn: action.dueOn });
      }
    }
    const ballot = openBallot(record);
    if (ballot && votesOn(record) && !ballot.votes.some((v) => v.voter === me)) {
      tasks.votes.push({ reference: record.reference, descriptor: record.descriptor });
    }
    if (!businessUnit) continue;
    if (review && !review.closed && !record.hold) {
      const late = progressOf(reviewProgress(review), today)
        .filter((p) => p.state === 'overdue')
        .map((p) => p.agencyId);
      if (late.length > 0) tasks.overdue.push({ reference: record.reference, agencyIds: late, dueOn: review.dueOn });
    }
    if (awaitsPanel(record)) tasks.awaitingPanel.push({ reference: record.reference, descriptor: record.descriptor });
    if (record.hold) tasks.onHold.push({ reference: record.reference, ...(record.hold.until && { until: record.hold.until }) });
    const next = record.plan?.steps.filter((step) => !step.doneOn).sort(soonestStep)[0];
    if (next) tasks.steps.push({ reference: record.reference, descriptor: record.descriptor, kind: next.kind, dueOn: next.dueOn });
    for (const duty of dutiesOf(record).filter((d) => !d.doneOn)) {
      tasks.duties.push({ reference: record.reference, descriptor: record.descriptor, kind: duty.kind, dueOn: duty.dueOn });
    }
  }
  const soonest = (a: { dueOn: LocalDate }, b: { dueOn: LocalDate }) => (a.dueOn < b.dueOn ? -1 : a.dueOn > b.dueOn ? 1 : 0);
  tasks.duties.sort(soonest);
  tasks.steps.sort(soonest);
  tasks.reports.sort(soonest);
  tasks.actions.sort(soonest);
  return tasks;
}
