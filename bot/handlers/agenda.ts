import type { TurnContext } from 'botbuilder';
import { date } from '../../cards/labels.js';
import { agendaOf, allOpenCases, type Agenda } from '../../review/agenda.js';
import { PARTNERSHIP_AUDIT } from '../../review/audit.js';
import { localDateOf } from '../../review/local-date.js';
import { KIND_NAMES } from '../../review/referral-model.js';
import type { Role } from '../../review/roles.js';
import { callerOf, NO_IDENTITY } from '../caller.js';
import type { PanelDeps } from '../deps.js';
import { runAfterTurn } from '../after-turn.js';
import { recordAudit } from '../../review/deps.js';
import { loggableError } from '../logger.js';
import { openVotes } from '../../review/decision-actions.js';
import { outcomeName } from '../../review/decision.js';
import { noteFastTrackDecisions } from '../../review/fast-track.js';
import { StoreBusyError } from '../../review/store.js';

const AGENDA_ROLES: readonly Role[] = ['businessUnit', 'panelMember', 'independentChair', 'admin'];
export const AGENDA_REFUSED = "Only the business unit and the panel's members can see the agenda.";

const subgroupName = (deps: PanelDeps) => deps.review.partnership.fastTrack?.name ?? 'fast-track subgroup';

async function nextAgenda(deps: PanelDeps): Promise<Agenda> {
  const { store, partnership, calendar, now } = deps.review;
  return agendaOf(await allOpenCases(store), localDateOf(now(), partnership.timezone), { panel: partnership.panel, calendar });
}

/** The agenda as text: references, descriptors, kinds and outcomes only, so it may be shown in a channel. */
function agendaText(agenda: Agenda, subgroup: string): string {
  const heading = agenda.panelDate
    ? `**Agenda for the panel on ${date(agenda.panelDate)}**`
    : '**Agenda for the next panel** (no panel date is set)';
  const noting = agenda.forNoting.length
    ? [
        `\n**For noting: decided by the ${subgroup}**`,
        ...agenda.forNoting.map((c) => `- ${c.reference} (${c.descriptor}): ${outcomeName(c.kind, c.outcome)}`),
      ]
    : [];
  if (agenda.cases.length === 0) {
    return [
      `${heading}\nNo case is listed yet: a case is listed once its rapid review returns are collated, or when the business unit lists it.`,
      ...noting,
    ].join('\n');
  }
  return [
    heading,
    ...agenda.cases.map((c) => `- ${c.reference} (${c.descriptor}): ${KIND_NAMES[c.kind]}${c.onHold ? ', on hold' : ''}`),
    ...noting,
  ].join('\n');
}

/** `agenda`: the next panel's cases, for the business unit and the panel. */
export async function agenda(context: TurnContext, deps: PanelDeps): Promise<void> {
  const caller = callerOf(context);
  if (!caller) {
    await context.sendActivity(NO_IDENTITY);
    return;
  }
  if (!AGENDA_ROLES.some((role) => deps.review.directory.hasRole(caller.aadObjectId, role))) {
    await context.sendActivity(AGENDA_REFUSED);
    return;
  }
  const text = agendaText(await nextAgenda(deps), subgroupName(deps));
  const hint = deps.review.directory.hasRole(caller.aadObjectId, 'businessUnit')
    ? "\n\nSay **post agenda** to post it in the panel's channel."
    : '';
  await context.sendActivity({ type: 'message', textFormat: 'markdown', text: `${text}${hint}` });
}

/**
 * `post agenda`: the business unit posts the next panel's agenda as a new thread in the
 * panel's channel, and opens the vote on each case with its decision card, each in a
 * thread of its own.
 */
export async function postAgenda(context: TurnContext, deps: PanelDeps): Promise<void> {
  const caller = callerOf(context);
  if (!caller) {
    await context.sendActivity(NO_IDENTITY);
    return;
  }
  if (!deps.review.directory.hasRole(caller.aadObjectId, 'businessUnit')) {
    await context.sendActivity('Only the business unit can post the agenda.');
    return;
  }
  const { store, now } = deps.review;
  const channel = await store.getSetting('panelChannel');
  if (!channel) {
    await context.sendActivity(
      "No panel channel is chosen yet: say **@Panel use this channel for the panel** in the panel's Teams channel.",
    );
    return;
  }
  // Once per message: a message Teams delivers again posts nothing more.
  const marker = {
    caseId: PARTNERSHIP_AUDIT,
    id: `agenda:${context.activity.id ?? deps.newId()}`,
    type: 'agenda' as const,
    at: now().toISOString(),
    doc: {},
  };
  if (!(await store.addCaseItemOnce(marker))) {
    await context.sendActivity('That agenda is posted already.');
    return;
  }
  const next = await nextAgenda(deps);
  try {
    await deps.sender.startThread(channel, { type: 'message', textFormat: 'markdown', text: agendaText(next, subgroupName(deps)) });
  } catch (err) {
    // Not posted: the same message may try again.
    await store.deleteCaseItem(PARTNERSHIP_AUDIT, marker.id);
    await recordAudit(deps.review, PARTNERSHIP_AUDIT, caller.aadObjectId, 'agenda.post.failed', (err as Error).name);
    throw err;
  }
  // Each case's vote opens, owing its decision card: a thread of its own, refreshed for
  // each voter, whose Teams ids come from the team's roster (or their own turns).
  await deps.users.rememberTeam(deps, channel).catch((err: unknown) => {
    deps.log.warn({ err: loggableError(err) }, "the panel team's roster could not be read");
  });
  // The agenda is posted: from here a busy store must not be answered "nothing was changed".
  try {
    const opened = await openVotes(deps.review, {
      caller,
      references: next.cases.map((c) => c.reference),
      ...(next.panelDate && { panelDate: next.panelDate }),
    });
    for (const record of opened) runAfterTurn(deps, record.reference);
    const noted = next.forNoting.map((c) => c.reference);
    await noteFastTrackDecisions(deps.review, { caller, references: noted, ...(next.panelDate && { panelDate: next.panelDate }) });
    for (const reference of noted) runAfterTurn(deps, reference);
    await recordAudit(
      deps.review,
      PARTNERSHIP_AUDIT,
      caller.aadObjectId,
      'agenda.posted',
      `panel=${next.panelDate ?? 'none'} cases=${next.cases.map((c) => c.reference).join(',')}${noted.length ? ` noted=${noted.join(',')}` : ''}`,
    );
  } catch (err) {
    if (!(err instanceof StoreBusyError)) throw err;
    deps.log.warn({ command: 'post agenda' }, 'agenda posted; store busy opening the votes');
    await context.sendActivity(
      "The agenda is posted in the panel's channel, but Panel was too busy to open every vote. Say **post agenda** again in a minute: votes already open are kept.",
    );
    return;
  }
  deps.log.info({ command: 'post agenda', cases: next.cases.length }, 'agenda posted');
  await context.sendActivity(
    next.cases.length
      ? "The agenda is posted in the panel's channel, with a decision card for each case: the panel votes there."
      : "The agenda is posted in the panel's channel.",
  );
}
