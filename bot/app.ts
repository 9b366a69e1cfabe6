import { arrangeMeetingNow, recordMeetingNow } from './handlers/meetings.js';
import { actionsCommand, addActionNow, signOffActionNow, updateActionNow } from './handlers/actions.js';
import { readReports, requestReportsNow, saveReportDraftNow, submitReportForm } from './handlers/reports.js';
import { Application, type TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { AdaptiveCardJson } from '../cards/render.js';
import { VERBS } from '../cards/verbs.js';
import { tenantOf } from './caller.js';
import type { PanelDeps } from './deps.js';
import { loggableError } from './logger.js';
import { STALE_CARD } from './handlers/card-data.js';
import { hideCaseDetails, viewCaseDetails } from './handlers/case-details.js';
import { chooseReferralKind } from './handlers/choose-referral-kind.js';
import { chooseHold, confirmHold, releaseHold } from './handlers/hold.js';
import { chooseClose, confirmClose } from './handlers/close-case.js';
import { chooseDuty, recordDutyNow } from './handlers/duty.js';
import { acknowledge } from './handlers/safety.js';
import { help, unknownMessage, welcome } from './handlers/help.js';
import { startReferral } from './handlers/start-referral.js';
import {
  chooseRapidReview,
  closeReturnsNow,
  collationCommand,
  confirmRapidReview,
  resendRequests,
  viewCollation,
} from './handlers/rapid-review.js';
import { chooseDelegate, delegate, openReturnForm, saveDraft, showRequest, submitNilReturn, submitReturnForm } from './handlers/returns.js';
import { agenda, postAgenda } from './handlers/agenda.js';
import { closeVoteForm, closeVoteNow, listCase, reopen, showDecision, vote } from './handlers/decision.js';
import { myTasks } from './handlers/my-tasks.js';
import { status } from './handlers/status.js';
import { submitReferral } from './handlers/submit-referral.js';
import { changeReferralRows } from './handlers/referral-rows.js';
import { approveDecision, sendBackDecision } from './handlers/approval.js';
import { fastTrack } from './handlers/fast-track.js';
import { notPublishing, showPlan, showReview, updatePlan, updatePublication } from './handlers/plan.js';
import { familyCommand, showFamily, updateFamily } from './handlers/family.js';
import { auditCommand, showAudit } from './handlers/audit.js';
import { useChannel } from './handlers/use-channel.js';
import { acceptWorkbook, annualReportCommand, declineWorkbook } from './handlers/annual-report.js';

type CardHandler = (context: TurnContext, deps: PanelDeps, data: Record<string, unknown>) => Promise<AdaptiveCardJson | string>;

/** One handler per card verb. */
const CARD_HANDLERS: Record<(typeof VERBS)[keyof typeof VERBS], CardHandler> = {
  [VERBS.chooseReferralKind]: chooseReferralKind,
  [VERBS.submitReferral]: submitReferral,
  [VERBS.changeReferralRows]: changeReferralRows,
  [VERBS.viewCaseDetails]: viewCaseDetails,
  [VERBS.hideCaseDetails]: hideCaseDetails,
  [VERBS.holdCase]: chooseHold,
  [VERBS.confirmHold]: confirmHold,
  [VERBS.acknowledgeSafety]: acknowledge,
  [VERBS.chooseDuty]: chooseDuty,
  [VERBS.recordDuty]: recordDutyNow,
  [VERBS.fastTrack]: fastTrack,
  [VERBS.showPlan]: showPlan,
  [VERBS.showReview]: showReview,
  [VERBS.showFamily]: showFamily,
  [VERBS.showAuditTrail]: showAudit,
  [VERBS.updateFamily]: updateFamily,
  [VERBS.updatePlan]: updatePlan,
  [VERBS.updatePublication]: updatePublication,
  [VERBS.notPublishing]: notPublishing,
  [VERBS.requestReports]: requestReportsNow,
  [VERBS.readReports]: readReports,
  [VERBS.submitReport]: submitReportForm,
  [VERBS.saveReportDraft]: saveReportDraftNow,
  [VERBS.arrangeMeeting]: arrangeMeetingNow,
  [VERBS.recordMeeting]: recordMeetingNow,
  [VERBS.addAction]: addActionNow,
  [VERBS.updateAction]: updateActionNow,
  [VERBS.signOffAction]: signOffActionNow,
  [VERBS.closeCase]: chooseClose,
  [VERBS.confirmClose]: confirmClose,
  [VERBS.releaseHold]: releaseHold,
  [VERBS.startRapidReview]: chooseRapidReview,
  [VERBS.confirmRapidReview]: confirmRapidReview,
  [VERBS.closeReturns]: closeReturnsNow,
  [VERBS.resendRequests]: resendRequests,
  [VERBS.viewCollation]: viewCollation,
  [VERBS.openReturn]: openReturnForm,
  [VERBS.nilReturn]: submitNilReturn,
  [VERBS.submitReturn]: submitReturnForm,
  [VERBS.saveReturnDraft]: saveDraft,
  [VERBS.chooseDelegate]: chooseDelegate,
  [VERBS.delegateRequest]: delegate,
  [VERBS.showRequest]: showRequest,
  [VERBS.listForPanel]: listCase,
  [VERBS.showDecision]: showDecision,
  [VERBS.castVote]: vote,
  [VERBS.closeVoteForm]: closeVoteForm,
  [VERBS.closeVote]: closeVoteNow,
  [VERBS.reopenVote]: reopen,
  [VERBS.approveDecision]: approveDecision,
  [VERBS.sendBackDecision]: sendBackDecision,
};

const asRecord = (data: unknown): Record<string, unknown> =>
  typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {};

/**
 * The teams-ai Application: routes messages and card actions to handlers. It keeps no
 * turn state in storage: Panel's data lives in its own store, so concurrent turns in
 * one conversation cannot conflict over a shared state document.
 */
export function createApp(deps: PanelDeps): Application<TurnState> {
  const app = new Application<TurnState>({
    adapter: deps.adapter,
    botAppId: deps.botAppId,
    startTypingTimer: false,
    removeRecipientMention: true,
  });

  // One partnership, one tenant (and those it allows, for shared channels): an app installed elsewhere is not served.
  app.turn('beforeTurn', async (context) => {
    if (!deps.tenants || deps.tenants.includes(tenantOf(context)?.toLowerCase() ?? '')) {
      // Where to reach this person one to one later (a rapid review request). Neither is
      // worth failing the turn for: if the store is busy, the next turn remembers it.
      await deps.chats.remember(context, deps).catch((err: unknown) => {
        deps.log.warn({ err: loggableError(err) }, 'personal chat not remembered');
      });
      // Their Teams id, which a decision card's refresh names voters by.
      await deps.users.remember(context, deps).catch((err: unknown) => {
        deps.log.warn({ err: loggableError(err) }, 'Teams user id not remembered');
      });
      return true;
    }
    deps.log.warn({ type: context.activity.type }, 'activity from another tenant refused');
    if (context.activity.type === ActivityTypes.Invoke) {
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 403 } });
    }
    return false;
  });

  app.message(/^\s*help\s*$/i, (context) => help(context, deps));
  app.message(/^\s*(refer|new referral|make a referral)\s*$/i, (context) => startReferral(context, deps));
  app.message(/^\s*status\b/i, (context) => status(context, deps));
  app.message(/^\s*collation\b/i, (context) => collationCommand(context, deps));
  app.message(/^\s*my tasks\s*$/i, (context) => myTasks(context, deps));
  app.message(/^\s*actions\s*$/i, (context) => actionsCommand(context, deps));
  app.message(/^\s*family\b/i, (context) => familyCommand(context, deps));
  app.message(/^\s*audit\b/i, (context) => auditCommand(context, deps));
  app.message(/^\s*agenda\s*$/i, (context) => agenda(context, deps));
  app.message(/^\s*post agenda\s*$/i, (context) => postAgenda(context, deps));
  app.message(/^\s*use this channel for referrals\s*$/i, (context) => useChannel(context, deps, 'referrals'));
  app.message(/^\s*use this channel for the panel\s*$/i, (context) => useChannel(context, deps, 'panel'));
  app.message(/^\s*report\b/i, (context) => annualReportCommand(context, deps));
  app.activity(ActivityTypes.Message, (context) => unknownMessage(context));

  app.conversationUpdate('membersAdded', async (context) => {
    const botAdded = context.activity.membersAdded?.some((m) => m.id === context.activity.recipient.id);
    if (botAdded && context.activity.conversation.conversationType === 'personal') await welcome(context, deps);
  });

  for (const [verb, handler] of Object.entries(CARD_HANDLERS)) {
    app.adaptiveCards.actionExecute(verb, (context, _state, data) => handler(context, deps, asRecord(data)));
  }
  // The annual summary's workbook, offered on a file consent card: saved, or not.
  app.fileConsentAccept((context, _state, response) => acceptWorkbook(context, deps, response));
  app.fileConsentDecline((context) => declineWorkbook(context));
  // A card from an older version of Panel, a forged verb, or card data no card sends (no
  // Action.Execute, no verb): answer, do nothing. Not through actionExecute, which throws
  // on an action that is not an Action.Execute.
  app.addRoute(
    async (context) => context.activity.type === ActivityTypes.Invoke && context.activity.name === CARD_ACTION,
    async (context) => {
      await context.sendActivity({ type: ActivityTypes.InvokeResponse, value: { status: 200, body: staleCardAnswer } });
    },
    true,
  );
  // Any other invoke (a dialog, a search, a sign-in): Panel offers none. Unanswered, the
  // adapter would say 501, a server error, for what is the sender's mistake.
  app.addRoute(
    async (context) => context.activity.type === ActivityTypes.Invoke,
    async (context) => {
      await context.sendActivity({
        type: ActivityTypes.InvokeResponse,
        value: { status: 400, body: { error: 'Panel does not handle this invoke' } },
      });
    },
    true,
  );
  return app;
}

const CARD_ACTION = 'adaptiveCard/action';
const staleCardAnswer = { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: STALE_CARD };
