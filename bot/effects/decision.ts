/**
 * Effects of the panel's vote: the decision card posted when the vote opens, kept up to
 * date as votes come, and the decision told to the referrer.
 */
import { CardFactory } from 'botbuilder';
import { approvalCard } from '../../cards/decision-cards.js';
import { feedbackCard } from '../../cards/feedback-cards.js';
import { anonymise } from '../../review/case.js';
import { CLOSE_FORM_HOLD_MINUTES, closeFormOpen, currentDecision, openBallot, withBallotCard } from '../../review/decision.js';
import { localDateOf } from '../../review/local-date.js';
import { date, dueWords } from '../../cards/labels.js';
import { EffectFailure, type Performed, type Performer } from '../../review/run-effects.js';
import { reportRequestFor } from '../../review/agency-reports.js';
import type { CaseRecord } from '../../review/case.js';
import type { Effect } from '../../review/effects.js';
import { DECISION_CARD, refreshCard } from '../../review/effects.js';
import { decisionView, postDecisionCard, updateDecisionCard } from '../decision-card.js';
import type { PanelDeps } from '../deps.js';
import { sendToPerson } from '../personal-chats.js';

/** The referrer is told the decision, one to one; if Panel cannot reach them, the business unit is told to tell them another way. */
export const feedback = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const p = effect.payload ?? {};
    const decision = record.panel?.decisions.find((d) => String(d.number) === p.decision);
    if (!decision || !p.serviceUrl) {
      return {
        status: 'skipped',
        error: 'the decision is not stored',
        audit: [{ action: 'decision.feedbackFailed', detail: 'no decision' }],
      };
    }
    const activityId = await sendToPerson(
      deps,
      { aadObjectId: record.referrerAadObjectId, serviceUrl: p.serviceUrl, ...(p.tenantId && { tenantId: p.tenantId }) },
      {
        attachments: [CardFactory.adaptiveCard(feedbackCard(anonymise(record), decision))],
        summary: `Panel decision on ${record.reference}`,
      },
    );
    return {
      status: 'sent',
      ...(activityId && { activityId }),
      audit: [{ action: 'decision.feedbackSent', detail: `decision=${decision.number}` }],
    };
  },
  failed: (effect, record, error) => ({
    audit: [{ action: 'decision.feedbackFailed', detail: `decision=${effect.payload?.decision} reason=${error}` }],
    notice: `${record.reference}: Panel could not tell the referrer of the panel's decision: ${error}. Please tell them another way.`,
  }),
});

/** The panel's recommendation, one to one to the approver of the case's kind, to approve or send back. */
export const approvalRequest = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const p = effect.payload ?? {};
    const view = decisionView(deps, record);
    const recommendation = record.panel?.recommendation;
    if (!view || !recommendation || String(recommendation.number) !== p.decision || !p.approver || !p.serviceUrl) {
      // Answered already (or superseded): nothing is left to ask.
      return { status: 'skipped', error: 'no recommendation waits', audit: [] };
    }
    const activityId = await sendToPerson(
      deps,
      { aadObjectId: p.approver, serviceUrl: p.serviceUrl, ...(p.tenantId && { tenantId: p.tenantId }) },
      {
        attachments: [CardFactory.adaptiveCard(approvalCard({ ...view, decision: recommendation, awaitingApproval: true }))],
        summary: `For your approval: ${record.reference}`,
      },
    );
    return {
      status: 'sent',
      ...(activityId && { activityId }),
      audit: [{ action: 'decision.approvalSent', detail: `decision=${recommendation.number}` }],
    };
  },
  failed: (effect, record, error) => ({
    audit: [{ action: 'decision.approvalFailed', detail: `decision=${effect.payload?.decision} reason=${error}` }],
    notice: `${record.reference}: Panel could not send the panel's recommendation to its approver: ${error}. Please send it to them another way.`,
  }),
});

/** The approver sent the recommendation back: who closed the vote is told why, one to one. */
export const sentBackNotice = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const p = effect.payload ?? {};
    const sent = record.panel?.sentBack?.find((b) => String(b.recommendation.number) === p.decision);
    if (!sent || !p.to || !p.serviceUrl) return { status: 'skipped', error: 'nothing was sent back', audit: [] };
    const activityId = await sendToPerson(
      deps,
      { aadObjectId: p.to, serviceUrl: p.serviceUrl, ...(p.tenantId && { tenantId: p.tenantId }) },
      {
        // The reason is the approver's own words: plain text, never markdown (Teams' default).
        textFormat: 'plain',
        text: `The approver sent the panel's recommendation on ${record.reference} back. Their reason: ${sent.reason}\n\nThe vote is open again on the case's decision card.`,
      },
    );
    return {
      status: 'sent',
      ...(activityId && { activityId }),
      audit: [{ action: 'decision.sentBackNoticeSent', detail: `decision=${sent.recommendation.number}` }],
    };
  },
  failed: (effect, record, error) => ({
    audit: [{ action: 'decision.sentBackNoticeFailed', detail: `decision=${effect.payload?.decision} reason=${error}` }],
    notice: `${record.reference}: Panel could not tell the chair that the recommendation was sent back: ${error}. Please tell them another way.`,
  }),
});

/** A review's agency report falling due: its lead reminded, one to one, until the agency has reported. */
async function agencyReportReminder(deps: PanelDeps, effect: Effect, record: CaseRecord): Promise<Performed> {
  const p = effect.payload ?? {};
  const request = reportRequestFor(record, p.agencyId ?? '');
  const dueOn = record.reports?.dueOn;
  if (!request || request.current || !dueOn || record.closedAt || !p.aadObjectId || !p.serviceUrl) {
    return {
      status: 'skipped',
      error: 'the report is no longer asked for',
      audit: [{ action: 'reminder.skipped', detail: `report agency=${p.agencyId}` }],
    };
  }
  const agency = deps.review.partnership.agencies.find((a) => a.id === p.agencyId)?.name ?? p.agencyId ?? '';
  const today = localDateOf(deps.review.now(), deps.review.partnership.timezone);
  await sendToPerson(
    deps,
    { aadObjectId: p.aadObjectId, serviceUrl: p.serviceUrl, ...(p.tenantId && { tenantId: p.tenantId }) },
    {
      textFormat: 'markdown',
      text: `**Reminder from Panel**: ${agency}'s agency report for the review of ${record.reference} (${record.descriptor}) is ${dueWords(dueOn, today, deps.review.calendar)}. Send it on the request card Panel sent you.`,
    },
  );
  return { status: 'sent', audit: [{ action: 'report.reminderSent', detail: `agency=${p.agencyId} to=${p.aadObjectId} review=yes` }] };
}

/** A reflective review's agency report falling due: its lead reminded, one to one, while the decision stands. */
export const reportReminder = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const p = effect.payload ?? {};
    if (p.round === 'reports') return agencyReportReminder(deps, effect, record);
    const decision = currentDecision(record);
    const meeting = decision?.meeting;
    if (!meeting || String(decision.number) !== p.decision || record.closedAt || !p.aadObjectId || !p.serviceUrl) {
      return { status: 'skipped', error: 'the reflective review no longer stands', audit: [] };
    }
    const agency = deps.review.partnership.agencies.find((a) => a.id === p.agencyId)?.name ?? p.agencyId ?? '';
    const today = localDateOf(deps.review.now(), deps.review.partnership.timezone);
    await sendToPerson(
      deps,
      { aadObjectId: p.aadObjectId, serviceUrl: p.serviceUrl, ...(p.tenantId && { tenantId: p.tenantId }) },
      {
        textFormat: 'markdown',
        text: `**Reminder from Panel**: ${record.reference} (${record.descriptor}) has a multi-agency reflective review meeting on ${date(meeting.on)}. ${agency}'s report for it is ${dueWords(meeting.reportsDue, today, deps.review.calendar)}: send it to the business unit.`,
      },
    );
    return { status: 'sent', audit: [{ action: 'report.reminderSent', detail: `agency=${p.agencyId} to=${p.aadObjectId}` }] };
  },
  failed: (effect, record, error) => ({
    audit: [
      { action: 'report.reminderFailed', detail: `agency=${effect.payload?.agencyId} to=${effect.payload?.aadObjectId} reason=${error}` },
    ],
    notice: `${record.reference}: Panel could not remind a lead of their agency's reflective review report: ${error}.`,
  }),
});

/** The case's decision card, a thread of its own in the panel's channel, when its vote opens. */
export const decisionPost = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const number = Number(effect.payload?.ballot);
    if (openBallot(record)?.number !== number) return { status: 'skipped', error: 'the vote is no longer open' };
    const channel = await deps.review.store.getSetting('panelChannel');
    if (!channel) throw new EffectFailure('no panel channel has been chosen', false);
    // A kind's own panel may sit in a channel of its own, in the same team.
    const own = record.panel?.ballot?.fastTrack ? undefined : deps.review.partnership.panels[record.kind]?.channel;
    const address = await postDecisionCard(deps, own ? { ...channel, channelId: own } : channel, record);
    if (!address) return { status: 'skipped', error: 'the vote is no longer open' };
    // Votes recorded while it was being posted are shown by a refresh from the case as it is then.
    const at = deps.review.now().toISOString();
    return {
      status: 'sent',
      activityId: address.activityId,
      conversationId: address.conversationId,
      change: (r) => refreshCard(withBallotCard(r, number, address), DECISION_CARD, at),
    };
  },
  failed: (effect, record, error) => ({
    audit: [{ action: 'agenda.post.failed', detail: `ballot=${effect.payload?.ballot} ${error}` }],
    notice: `${record.reference}: Panel could not post the decision card in the panel's channel: ${error}. Say post agenda again once it is fixed.`,
  }),
});

/**
 * The decision card brought up to date for everyone (Teams then refreshes each voter's
 * view), except while a closer writes the decision: the update would replace their form,
 * and what they typed. Closing, or their going back, asks for it again.
 */
export const decisionCard = (deps: PanelDeps): Performer => ({
  async perform(_effect, record) {
    const now = deps.review.now();
    const since = openBallot(record)?.closing?.since;
    if (since && closeFormOpen(record, now))
      return { status: 'later', until: new Date(Date.parse(since) + CLOSE_FORM_HOLD_MINUTES * 60_000).toISOString() };
    if (!(await updateDecisionCard(deps, record))) return { status: 'skipped', error: 'the case has no decision card' };
    return { status: 'sent' };
  },
  failed: (_effect, record, error) => ({
    audit: [{ action: 'card.updateFailed', detail: `card=decision ${error}` }],
    notice: `${record.reference}: Panel could not bring the decision card in the panel's channel up to date: ${error}.`,
  }),
});
