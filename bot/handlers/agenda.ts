import type { Activity, TurnContext } from 'botbuilder';
import { date } from '../../cards/labels.js';
import { agendaOf, allOpenCases, type Agenda } from '../../review/agenda.js';
import { PARTNERSHIP_AUDIT } from '../../review/audit.js';
import { localDateOf } from '../../review/local-date.js';
import { KIND_NAMES } from '../../review/referral-model.js';
import type { Role } from '../../review/roles.js';
import { callerOf, NO_IDENTITY } from '../caller.js';
import type { PanelDeps } from '../deps.js';
import { startThread } from '../channel-thread.js';
import { postDecisionCard } from '../decision-card.js';
import { loggableError } from '../logger.js';
import { openVotes } from '../../review/decision-actions.js';

/** How long the business unit's `post agenda` holds its claim. */
const AGENDA_LEASE_MS = 30 * 60_000;

const AGENDA_ROLES: readonly Role[] = ['businessUnit', 'panelMember', 'independentChair', 'admin'];
export const AGENDA_REFUSED = "Only the business unit and the panel's members can see the agenda.";

async function nextAgenda(deps: PanelDeps): Promise<Agenda> {
  const { store, partnership, calendar, now } = deps.review;
  return agendaOf(await allOpenCases(store), localDateOf(now(), partnership.timezone), { panel: partnership.panel, calendar });
}

/** The agenda as text: references, descriptors and kinds only, so it may be shown in a channel. */
function agendaText(agenda: Agenda): string {
  const heading = agenda.panelDate ? `**Agenda for the panel on ${date(agenda.panelDate)}**` : '**Agenda for the next panel** (no panel date is set)';
  if (agenda.cases.length === 0) {
    return `${heading}\nNo case is listed yet: a case is listed once its rapid review returns are collated, or when the business unit lists it.`;
  }
  return [heading, ...agenda.cases.map((c) => `- ${c.reference} (${c.descriptor}): ${KIND_NAMES[c.kind]}${c.onHold ? ', on hold' : ''}`)].join('\n');
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
  const text = agendaText(await nextAgenda(deps));
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
    await context.sendActivity("No panel channel is chosen yet: say **@Panel use this channel for the panel** in the panel's Teams channel.");
    return;
  }
  // Claimed by the message's id: a message Teams delivers again posts nothing more. Held
  // for as long as posting a whole agenda may take, throttled; only then does the outbox
  // take it for interrupted.
  const key = `agenda-post:${context.activity.id ?? deps.newId()}`;
  const at = now();
  const leaseUntil = new Date(at.getTime() + AGENDA_LEASE_MS).toISOString();
  if (!(await store.claimNotification({ key, caseId: PARTNERSHIP_AUDIT, kind: 'agendaPost', at: at.toISOString(), leaseUntil }))) {
    await context.sendActivity('That agenda is posted already.');
    return;
  }
  const next = await nextAgenda(deps);
  try {
    await startThread(deps, channel, { type: 'message', textFormat: 'markdown', text: agendaText(next) } as Activity);
    // Each case's vote opens with its decision card, in a thread of its own, refreshed for
    // each voter: their Teams ids come from the team's roster (or their own turns).
    await deps.users.rememberTeam(deps, channel).catch((err: unknown) => {
      deps.log.warn({ err: loggableError(err) }, "the panel team's roster could not be read");
    });
    const opened = await openVotes(deps.review, { caller, references: next.cases.map((c) => c.reference), ...(next.panelDate && { panelDate: next.panelDate }) });
    for (const record of opened) await postDecisionCard(deps, channel, record);
  } catch (err) {
    await store.completeNotification(
      key,
      { status: 'failed', error: (err as Error).name },
      { caseId: PARTNERSHIP_AUDIT, at: now().toISOString(), actor: caller.aadObjectId, action: 'agenda.post.failed' },
    );
    throw err;
  }
  await store.completeNotification(
    key,
    { status: 'sent' },
    {
      caseId: PARTNERSHIP_AUDIT,
      at: now().toISOString(),
      actor: caller.aadObjectId,
      action: 'agenda.posted',
      detail: `panel=${next.panelDate ?? 'none'} cases=${next.cases.map((c) => c.reference).join(',')}`,
    },
  );
  deps.log.info({ command: 'post agenda', cases: next.cases.length }, 'agenda posted');
  await context.sendActivity(
    next.cases.length
      ? "The agenda is posted in the panel's channel, with a decision card for each case: the panel votes there."
      : "The agenda is posted in the panel's channel.",
  );
}
