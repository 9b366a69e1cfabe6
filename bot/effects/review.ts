/**
 * A review's request for an agency's report, one to one to each of the agency's leads:
 * delivered, it is recorded and its reminders planned; undelivered for good, the
 * business unit is told in the case's thread.
 */
import { CardFactory } from 'botbuilder';
import { reportRemindersOwed, reportRequestFor, withReportDelivery } from '../../review/agency-reports.js';
import { CASE_CARD, owe, refreshCard } from '../../review/effects.js';
import { localDateOf } from '../../review/local-date.js';
import { MEETING_NAMES } from '../../review/meetings.js';
import { date } from '../../cards/labels.js';
import { EffectFailure, type Performer } from '../../review/run-effects.js';
import type { PlanAction, Recommendation } from '../../review/action-plan.js';
import type { CaseRecord } from '../../review/case.js';
import type { Effect } from '../../review/effects.js';
import { actionKey, actionsCard } from '../../cards/action-cards.js';
import { replyInCaseThread } from '../channel-card.js';
import type { PanelDeps } from '../deps.js';
import { reportFormFor } from '../handlers/reports.js';
import { sendToPerson } from '../personal-chats.js';

const agencyName = (deps: PanelDeps, id: string) => deps.review.partnership.agencies.find((a) => a.id === id)?.name ?? id;

export const reportRequest = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const p = effect.payload ?? {};
    const target = {
      agencyId: p.agencyId ?? '',
      aadObjectId: p.aadObjectId ?? '',
      serviceUrl: p.serviceUrl ?? '',
      ...(p.tenantId && { tenantId: p.tenantId }),
    };
    const request = reportRequestFor(record, target.agencyId);
    if (!request || request.current || record.closedAt) return { status: 'skipped', error: 'the report is no longer asked for' };
    const activityId = await sendToPerson(deps, target, {
      attachments: [CardFactory.adaptiveCard(reportFormFor(deps, record, target.agencyId))],
      summary: `Agency report requested ${record.reference}`,
    });
    const at = deps.review.now().toISOString();
    const today = localDateOf(deps.review.now(), deps.review.partnership.timezone);
    const plan = { ...deps.review.partnership, calendar: deps.review.calendar };
    return {
      status: 'sent',
      ...(activityId && { activityId }),
      audit: [{ action: 'report.requestSent', detail: `agency=${target.agencyId} to=${target.aadObjectId}` }],
      change: (r) => {
        const delivered = withReportDelivery(r, target.agencyId, target.aadObjectId, { status: 'sent', at, attempt: 1 });
        return owe(delivered, ...reportRemindersOwed(delivered, target, today, plan));
      },
    };
  },
  failed(effect, record, error) {
    const p = effect.payload ?? {};
    const at = deps.review.now().toISOString();
    return {
      audit: [{ action: 'report.requestUndelivered', detail: `agency=${p.agencyId} to=${p.aadObjectId} reason=${error}` }],
      change: (r) =>
        refreshCard(
          withReportDelivery(r, p.agencyId ?? '', p.aadObjectId ?? '', { status: 'unreachable', reason: error, at, attempt: 1 }),
          CASE_CARD,
          at,
        ),
      notice: `${record.reference}: Panel could not deliver the request for ${agencyName(deps, p.agencyId ?? '')}'s agency report to one of its safeguarding leads: ${error}. Please ask them another way.`,
    };
  },
});

/**
 * A meeting's invitation, one to one: when and where, who else is invited (by name and
 * agency: Norfolk, "you will be told who has been invited prior to attending") and what
 * is asked of them.
 */
export const meetingInvite = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const p = effect.payload ?? {};
    const meeting = record.meetings?.find((m) => m.id === p.meeting);
    if (!meeting || record.closedAt || !p.aadObjectId || !p.serviceUrl)
      return { status: 'skipped', error: 'the meeting is no longer arranged' };
    const { directory } = deps.review;
    const others = meeting.invitees
      .filter((i) => i.toLowerCase() !== p.aadObjectId?.toLowerCase())
      .map((i) => {
        const person = directory.find(i);
        const agency = person?.agency && agencyName(deps, person.agency);
        return `${person?.name ?? 'someone no longer listed'}${agency ? ` (${agency})` : ''}`;
      });
    const reports = record.reports ? ` Agencies' reports are due by ${date(record.reports.dueOn)}.` : '';
    const text = [
      `Invitation from Panel: the ${MEETING_NAMES[meeting.kind].toLowerCase()} of the review of ${record.reference} (${record.descriptor}), on ${date(meeting.on)} at ${meeting.time}: ${meeting.place}.`,
      others.length ? `Also invited: ${others.join(', ')}.` : 'Nobody else is invited.',
      meeting.asked ? `What is asked of you: ${meeting.asked}${reports}` : reports.trim(),
    ]
      .filter(Boolean)
      .join('\n\n');
    const activityId = await sendToPerson(
      deps,
      { aadObjectId: p.aadObjectId, serviceUrl: p.serviceUrl, ...(p.tenantId && { tenantId: p.tenantId }) },
      // The place and what is asked are typed by the business unit: plain text, so that a
      // markdown link in them cannot pass for another, and a bare link stays as typed.
      { textFormat: 'plain', text },
    );
    return {
      status: 'sent',
      ...(activityId && { activityId }),
      audit: [{ action: 'meeting.inviteSent', detail: `kind=${meeting.kind} to=${p.aadObjectId}` }],
    };
  },
  failed: (effect, record, error) => ({
    audit: [{ action: 'meeting.inviteFailed', detail: `to=${effect.payload?.aadObjectId} reason=${error}` }],
    notice: `${record.reference}: Panel could not deliver a meeting invitation to one of its invitees: ${error}. Please invite them another way.`,
  }),
});

/** The action an effect is about, if it still stands as it was when owed: not done, its date unmoved, the case open. */
function standingAction(record: CaseRecord, effect: Effect): { action: PlanAction; recommendation: Recommendation } | undefined {
  const p = effect.payload ?? {};
  for (const recommendation of record.recommendations ?? []) {
    const action = recommendation.actions.find((a) => a.id === p.action);
    if (action && action.status !== 'done' && !action.signedOff && action.dueOn === p.dueOn && !record.closedAt)
      return { action, recommendation };
  }
  return undefined;
}

/** An action due: its owner reminded one to one, with the form to update it. */
export const actionReminder = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const standing = standingAction(record, effect);
    const p = effect.payload ?? {};
    if (!standing || !p.serviceUrl)
      return { status: 'skipped', error: 'no longer needed', audit: [{ action: 'reminder.skipped', detail: 'action' }] };
    const today = localDateOf(deps.review.now(), deps.review.partnership.timezone);
    const card = actionsCard({
      title: `Reminder from Panel: a review action ${standing.action.dueOn === today ? 'due today' : `due ${date(standing.action.dueOn)}`}`,
      actions: [
        { reference: record.reference, descriptor: record.descriptor, ...standing, agencyName: agencyName(deps, standing.action.agencyId) },
      ],
      today,
      canUpdate: true,
      canSignOff: false,
      form: { actionKey: actionKey({ reference: record.reference, action: standing.action }) },
    });
    await sendToPerson(
      deps,
      { aadObjectId: standing.action.owner, serviceUrl: p.serviceUrl, ...(p.tenantId && { tenantId: p.tenantId }) },
      { attachments: [CardFactory.adaptiveCard(card)], summary: `Review action due: ${record.reference}` },
    );
    return { status: 'sent', audit: [{ action: 'action.reminderSent', detail: `agency=${standing.action.agencyId}` }] };
  },
  failed: (_effect, record, error) => ({
    audit: [{ action: 'reminder.failed', detail: `action reason=${error}` }],
    notice: `${record.reference}: Panel could not remind the owner of a review action: ${error}.`,
  }),
});

/** An action overdue: said in the case's thread, by agency and date only (an action's words stay one to one). */
export const actionOverdue = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const standing = standingAction(record, effect);
    if (!standing)
      return { status: 'skipped', error: 'no longer needed', audit: [{ action: 'reminder.skipped', detail: 'action overdue' }] };
    const text = `${record.reference}: an action of ${agencyName(deps, standing.action.agencyId)} in the review's action plan is overdue (due ${date(standing.action.dueOn)}). Type **actions** in a chat with Panel to see it.`;
    if (!(await replyInCaseThread(deps, record, text)))
      throw new EffectFailure("the case has no card in the business unit's channel", false);
    return { status: 'sent', audit: [{ action: 'action.escalated', detail: `agency=${standing.action.agencyId}` }] };
  },
  failed: (_effect, _record, error) => ({ audit: [{ action: 'reminder.failed', detail: `action overdue reason=${error}` }] }),
});
