import type { TurnContext } from 'botbuilder';
import { date, dueWords } from '../../cards/labels.js';
import { allOpenCases } from '../../review/agenda.js';
import { localDateOf } from '../../review/local-date.js';
import { tasksFor } from '../../review/tasks.js';
import { mayVote, votingOf } from '../../review/decision-actions.js';
import { DUTIES } from '../../review/duties.js';
import { STEPS } from '../../review/plan.js';
import { personalCaller } from '../caller.js';
import type { PanelDeps } from '../deps.js';

/** `my tasks` in a personal chat: by reference, descriptor and agency, never a name. */
export async function myTasks(context: TurnContext, deps: PanelDeps): Promise<void> {
  const caller = await personalCaller(context);
  if (!caller) return;
  const { store, partnership, directory, calendar, now } = deps.review;
  const cases = await allOpenCases(store);
  const today = localDateOf(now(), partnership.timezone);
  const tasks = tasksFor(caller, cases, directory, today, (record) => mayVote(deps.review, caller.aadObjectId, votingOf(record)));
  const agency = (id: string) => partnership.agencies.find((a) => a.id === id)?.name ?? id;
  const sections: string[][] = [
    tasks.duties.length
      ? [
          "**Statutory duties** (Record statutory duty on the case's card when done)",
          ...tasks.duties.map((d) => `- ${d.reference} (${d.descriptor}): ${DUTIES[d.kind].name}, ${dueWords(d.dueOn, today, calendar)}`),
        ]
      : [],
    tasks.steps.length
      ? [
          "**Review plans: each review's next step** (Review plan on the case's details)",
          ...tasks.steps.map(
            (st) => `- ${st.reference} (${st.descriptor}): ${STEPS[st.kind].name}, ${dueWords(st.dueOn, today, calendar)}`,
          ),
        ]
      : [],
    tasks.owed.length
      ? [
          '**Returns you owe**',
          ...tasks.owed.map(
            (o) =>
              `- ${o.reference} (${o.descriptor}), ${agency(o.agencyId)}: ${o.onHold ? 'the case is on hold' : dueWords(o.dueOn, today, calendar)}`,
          ),
        ]
      : [],
    tasks.reports.length
      ? [
          '**Agency reports you owe** (on the request card Panel sent you)',
          ...tasks.reports.map((r) => `- ${r.reference} (${r.descriptor}), ${agency(r.agencyId)}: ${dueWords(r.dueOn, today, calendar)}`),
        ]
      : [],
    tasks.actions.length
      ? [
          '**Review actions you own** (type actions to update them)',
          ...tasks.actions.map((a) => `- ${a.reference} (${a.descriptor}): ${dueWords(a.dueOn, today, calendar)}`),
        ]
      : [],
    tasks.overdue.length
      ? [
          '**Overdue returns**',
          ...tasks.overdue.map((o) => `- ${o.reference}: ${o.agencyIds.map(agency).join(', ')} (${dueWords(o.dueOn, today, calendar)})`),
        ]
      : [],
    tasks.awaitingPanel.length ? ['**Awaiting the panel**', ...tasks.awaitingPanel.map((c) => `- ${c.reference} (${c.descriptor})`)] : [],
    tasks.votes.length
      ? [
          "**Votes waiting for you** (on the decision card in the panel's channel)",
          ...tasks.votes.map((c) => `- ${c.reference} (${c.descriptor})`),
        ]
      : [],
    tasks.onHold.length
      ? ['**On hold**', ...tasks.onHold.map((c) => `- ${c.reference}: ${c.until ? `until ${date(c.until)}` : 'until further notice'}`)]
      : [],
  ].filter((s) => s.length > 0);
  deps.log.info({ command: 'my tasks', owed: tasks.owed.length }, 'tasks');
  await context.sendActivity({
    type: 'message',
    textFormat: 'markdown',
    text: sections.length ? sections.map((s) => s.join('\n')).join('\n\n') : 'You have nothing to do in Panel just now.',
  });
}
