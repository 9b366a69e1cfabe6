/**
 * The panel's vote, as the people who act on it see it: the business unit opens the
 * vote (posting the agenda) or lists a case by hand; voters vote and change their vote;
 * the chair (or the business unit, where the partnership allows) reopens a decided case.
 * Closing it is in `close-vote.ts`. Every action is checked against the caller's
 * identity and audited.
 */
import { z } from 'zod';
import type { CaseRecord } from './case.js';
import { awaitsPanel, openBallot, outcomesFor, withBallot, withVote, type Ballot, type Choice, type DecisionRecord } from './decision.js';
import type { Caller, ReviewDeps } from './deps.js';
import type { LocalDate } from './local-date.js';
import type { ReviewKind } from './referral-model.js';
import { VOTING_ROLES } from './partnership.js';
import { CASE_CARD, DECISION_CARD, effectsOf, owe, refreshCard } from './effects.js';
import type { Versioned } from './store.js';
import { updateCase, updateCaseVersion } from './update-case.js';

/**
 * Voters voting in the same moment write the same case: each conflict means another
 * vote was stored, so with the 60 voters Teams allows, this many attempts always land.
 */
const VOTE_ATTEMPTS = 64;

/** Which vote: the case's kind (a kind may have a panel of its own) and, once open, its ballot (fast track or not). */
export interface Voting {
  kind: ReviewKind;
  ballot?: Pick<Ballot, 'fastTrack'> | undefined;
}

/** The case's vote, as `Voting`. */
export const votingOf = (record: CaseRecord): Voting => ({ kind: record.kind, ballot: record.panel?.ballot });

/**
 * Whether someone votes: on a case's vote, as one of its voters (see `voters`); with no
 * vote named, on any: the partnership's panel, a kind's panel, or the fast-track subgroup.
 */
export function mayVote(deps: ReviewDeps, aadObjectId: string, on?: Voting): boolean {
  const me = aadObjectId.toLowerCase();
  if (on) return voters(deps, on).includes(me);
  const { fastTrack, panels } = deps.partnership;
  const listed = [...(fastTrack?.members ?? []), ...Object.values(panels).flatMap((p) => p?.members ?? [])];
  return VOTING_ROLES.some((role) => deps.directory.hasRole(aadObjectId, role)) || listed.some((m) => m.toLowerCase() === me);
}

/** The votes needed to close a vote: the fast-track subgroup's, the kind's panel's, or the partnership panel's quorum. */
export function quorumOf(deps: ReviewDeps, on: Voting): number {
  const { fastTrack, panels, panel } = deps.partnership;
  if (on.ballot?.fastTrack && fastTrack) return fastTrack.quorum;
  return panels[on.kind]?.quorum ?? panel.quorum;
}

/**
 * Who closes a case's vote: the chair of its kind's panel if the partnership names one,
 * else the independent chair; the business unit too, if the partnership file says so.
 * With no kind named: whether they close any vote.
 */
export function closesAs(deps: ReviewDeps, aadObjectId: string, kind?: ReviewKind): DecisionRecord['closedAs'] | undefined {
  const me = aadObjectId.toLowerCase();
  const chairs = Object.values(deps.partnership.panels).flatMap((p) => (p?.chair ? [p.chair.toLowerCase()] : []));
  const chairOfKind = kind && deps.partnership.panels[kind]?.chair?.toLowerCase();
  if (chairOfKind ? chairOfKind === me : !kind && chairs.includes(me)) return 'panelChair';
  if (!chairOfKind && deps.directory.hasRole(aadObjectId, 'independentChair')) return 'independentChair';
  if (deps.partnership.panel.businessUnitCloses && deps.directory.hasRole(aadObjectId, 'businessUnit')) return 'businessUnit';
  return undefined;
}

/** Everyone who votes on a case's vote, by Entra object id (lower case): the fast-track subgroup, its kind's panel, or the partnership's. */
export function voters(deps: ReviewDeps, on?: Voting): string[] {
  const { fastTrack, panels, people } = deps.partnership;
  if (on?.ballot?.fastTrack && fastTrack) return fastTrack.members.map((m) => m.toLowerCase());
  const own = on && panels[on.kind];
  if (own) return own.members.map((m) => m.toLowerCase());
  return people.filter((p) => p.roles.some((r) => VOTING_ROLES.includes(r))).map((p) => p.aadObjectId.toLowerCase());
}

/**
 * Opens the vote on each case the business unit brings to a panel (posting its agenda).
 * A case whose vote is open keeps it; a case decided on hold gets a new one.
 */
export async function openVotes(
  deps: ReviewDeps,
  input: { caller: Caller; references: string[]; panelDate?: LocalDate },
): Promise<CaseRecord[]> {
  const opened: CaseRecord[] = [];
  for (const reference of input.references) {
    const at = deps.now().toISOString();
    const record = await updateCase(deps.store, reference, (r) => {
      const next = awaitsPanel(r) ? withBallot(r, at, input.panelDate) : r;
      // An open vote whose card could not be posted: posting the agenda again owes its card again.
      if (next === r) return decisionPostAgain(r, at);
      const number = next.panel?.ballot?.number ?? 0;
      // Its decision card is posted in the panel's channel, a thread of its own.
      return {
        record: refreshCard(
          owe(next, { key: `decision-post:${number}`, kind: 'decisionPost', dueAt: at, payload: { ballot: String(number) } }),
          CASE_CARD,
          at,
        ),
        audit: [
          {
            caseId: reference,
            at,
            actor: input.caller.aadObjectId,
            action: 'vote.opened',
            detail: `ballot=${number} panel=${input.panelDate ?? 'none'}`,
          },
        ],
      };
    });
    if (openBallot(record)) opened.push(record);
  }
  return opened;
}

export type ListResult = { status: 'refused' | 'notFound' } | { status: 'listed' | 'alreadyListed'; record: CaseRecord };

/** The business unit lists a case for the next panel before its returns are collated. */
export async function listForPanel(deps: ReviewDeps, input: { caller: Caller; reference: string }): Promise<ListResult> {
  if (!deps.directory.hasRole(input.caller.aadObjectId, 'businessUnit')) return { status: 'refused' };
  // Read with its version: the change's write starts from it.
  const read = await deps.store.getCaseVersion(input.reference);
  const current = read?.value;
  if (!current) return { status: 'notFound' };
  if (awaitsPanel(current) || current.closedAt || current.panel?.decisions.length) return { status: 'alreadyListed', record: current };
  let listed = false;
  const at = deps.now().toISOString();
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      listed = !awaitsPanel(r) && !r.panel?.decisions.length;
      if (!listed) return r;
      return {
        record: refreshCard({ ...r, panel: { decisions: [], ...r.panel, listedBy: input.caller.aadObjectId } }, CASE_CARD, at),
        audit: [{ caseId: r.reference, at, actor: input.caller.aadObjectId, action: 'case.listed' }],
      };
    },
    { known: read },
  );
  return { status: listed ? 'listed' : 'alreadyListed', record };
}

/** A voter's choices on a case: the outcomes open to its kind, or a conflict of interest. */
const choicesFor = (record: CaseRecord): [Choice, ...Choice[]] => ['conflict', ...outcomesFor(record.kind)];

/** The ballot a card names, as its data carries it. */
export const ballotNumber = z.coerce.number({ message: 'not a vote' }).int().min(1);

export type VoteResult =
  | { status: 'refused' | 'notFound' }
  | { status: 'invalid'; record: CaseRecord; error: string }
  /** The vote had closed (or been replaced by a newer one) before this one arrived. */
  | { status: 'closed'; record: CaseRecord }
  /** `version`: the case as this vote wrote it, for the runner to refresh the card from without reading it again. */
  | { status: 'voted' | 'changed' | 'unchanged'; record: CaseRecord; version: Versioned<CaseRecord>; choice: Choice };

/** A voter votes, or changes their vote, while the vote is open. Only their own vote. */
export async function castVote(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; data: Record<string, unknown> },
): Promise<VoteResult> {
  const actor = input.caller.aadObjectId;
  // Read with its version: the vote's write starts from it, so a vote is one read and one write.
  const read = await deps.store.getCaseVersion(input.reference);
  const current = read?.value;
  const refuse = async (why: string) =>
    deps.store.appendAudit({ caseId: input.reference, at: deps.now().toISOString(), actor, action: 'vote.refused', detail: why });
  // Refused before anything is said of the case: whether a reference exists is need-to-know too.
  if (!mayVote(deps, actor)) {
    if (current) await refuse('not a voter');
    return { status: 'refused' };
  }
  if (!current) return { status: 'notFound' };
  const open = openBallot(current);
  const number = ballotNumber.safeParse(input.data.ballot);
  if (!open || !number.success || number.data !== open.number) {
    await refuse(`ballot=${number.success ? number.data : '?'} closed`);
    return { status: 'closed', record: current };
  }
  if (!mayVote(deps, actor, { kind: current.kind, ballot: open })) {
    await refuse(open.fastTrack ? 'not in the fast-track subgroup' : 'not a voter');
    return { status: 'refused' };
  }
  const ballot = number.data;
  const choice = z.enum(choicesFor(current)).safeParse(input.data.choice);
  if (!choice.success) return { status: 'invalid', record: current, error: 'Choose an outcome, or declare a conflict of interest' };

  const voter = actor.toLowerCase();
  const vote = { voter, choice: choice.data, at: deps.now().toISOString() };
  let before: Choice | undefined;
  let counted = false;
  const version = await updateCaseVersion(
    deps.store,
    input.reference,
    (r) => {
      before = openBallot(r)?.votes.find((v) => v.voter === voter)?.choice;
      if (before === vote.choice) {
        counted = openBallot(r)?.number === ballot;
        return r;
      }
      const next = withVote(r, ballot, vote);
      counted = next !== r;
      if (!counted) return r;
      // The shared card shows the count: refreshed from the vote's own write.
      return {
        record: refreshCard(next, DECISION_CARD, vote.at),
        audit: [
          {
            caseId: r.reference,
            at: vote.at,
            actor,
            action: before === undefined ? 'vote.cast' : 'vote.changed',
            detail: `ballot=${ballot} choice=${vote.choice}`,
          },
        ],
      };
    },
    { attempts: VOTE_ATTEMPTS, ...(read && { known: read }) },
  );
  const record = version.value;
  if (!counted) {
    await refuse(`ballot=${ballot} closed`);
    return { status: 'closed', record };
  }
  if (before === vote.choice) return { status: 'unchanged', record, version, choice: vote.choice };
  return { status: before === undefined ? 'voted' : 'changed', record, version, choice: vote.choice };
}

export type ReopenResult = { status: 'refused' | 'notFound' } | { status: 'reopened' | 'alreadyOpen' | 'caseClosed'; record: CaseRecord };

/**
 * The chair (or the business unit, where allowed) reopens a decided case: a new vote,
 * whose decision will supersede the one in force. Audited.
 */
export async function reopenVote(deps: ReviewDeps, input: { caller: Caller; reference: string }): Promise<ReopenResult> {
  const actor = input.caller.aadObjectId;
  if (!closesAs(deps, actor)) return { status: 'refused' };
  // Read with its version: the change's write starts from it.
  const read = await deps.store.getCaseVersion(input.reference);
  const current = read?.value;
  if (!current) return { status: 'notFound' };
  if (!closesAs(deps, actor, current.kind)) return { status: 'refused' };
  // A closed case's retention has begun: it is not decided again.
  if (current.closedAt) return { status: 'caseClosed', record: current };
  if (openBallot(current) || !current.panel?.decisions.length) return { status: 'alreadyOpen', record: current };
  let opened = false;
  const at = deps.now().toISOString();
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const next = r.panel?.decisions.length ? withBallot(r, at, undefined) : r;
      opened = next !== r;
      if (!opened) return r;
      return {
        record: refreshCard(refreshCard(next, DECISION_CARD, at), CASE_CARD, at),
        audit: [{ caseId: r.reference, at, actor, action: 'vote.reopened', detail: `ballot=${next.panel?.ballot?.number}` }],
      };
    },
    { known: read },
  );
  return { status: opened ? 'reopened' : 'alreadyOpen', record };
}

/**
 * The decision card of an open vote, owed again when every post of it failed for good
 * (the panel's channel was missing, or Teams refused): `decision-post:<ballot>:<n>`.
 */
function decisionPostAgain(record: CaseRecord, at: string): CaseRecord {
  const ballot = openBallot(record);
  if (!ballot || ballot.card) return record;
  const posts = effectsOf(record).filter((e) => e.kind === 'decisionPost' && e.payload?.ballot === String(ballot.number));
  if (posts.length === 0 || posts.some((e) => e.status !== 'failed')) return record;
  return owe(record, {
    key: `decision-post:${ballot.number}:${posts.length + 1}`,
    kind: 'decisionPost',
    dueAt: at,
    payload: { ballot: String(ballot.number) },
  });
}
