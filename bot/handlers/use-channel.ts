import type { TurnContext } from 'botbuilder';
import { PARTNERSHIP_AUDIT } from '../../review/audit.js';
import { callerOf, conversationKind, NO_IDENTITY } from '../caller.js';
import type { PanelDeps } from '../deps.js';

interface TeamsChannelData {
  channel?: { id?: string };
  team?: { id?: string };
  tenant?: { id?: string };
}

/**
 * `@Panel use this channel for referrals`, said by a business-unit member in a Teams
 * channel: new referrals are posted there from now on.
 */
export async function useChannelForReferrals(context: TurnContext, deps: PanelDeps): Promise<void> {
  const caller = callerOf(context);
  if (!caller) {
    await context.sendActivity(NO_IDENTITY);
    return;
  }
  if (conversationKind(context) !== 'channel') {
    await context.sendActivity('Say this in the Teams channel you want: **@Panel use this channel for referrals**.');
    return;
  }
  if (!deps.review.directory.hasRole(caller.aadObjectId, 'businessUnit')) {
    deps.log.warn({ command: 'useChannel', outcome: 'refused' }, 'referral channel change refused');
    await context.sendActivity('Only the business unit can choose the channel for referrals.');
    return;
  }
  const activity = context.activity;
  const channelData = (activity.channelData ?? {}) as TeamsChannelData;
  // The conversation id of a channel post names its thread; the channel is what we post to.
  const channelId = channelData.channel?.id ?? activity.conversation.id.split(';')[0]!;
  const tenantId = channelData.tenant?.id ?? activity.conversation.tenantId;
  await deps.review.store.putSetting('referralChannel', {
    channelId,
    serviceUrl: activity.serviceUrl,
    setBy: caller.aadObjectId,
    setAt: deps.review.now().toISOString(),
    ...(channelData.team?.id && { teamId: channelData.team.id }),
    ...(tenantId && { tenantId }),
  });
  await deps.review.store.appendAudit({
    caseId: PARTNERSHIP_AUDIT,
    at: deps.review.now().toISOString(),
    actor: caller.aadObjectId,
    action: 'settings.referralChannel.set',
    detail: `channel=${channelId}`,
  });
  deps.log.info({ command: 'useChannel', outcome: 'set' }, 'referral channel set');
  await context.sendActivity(
    'New referrals will be posted in this channel. Each shows a reference, an anonymous descriptor, the stage and the key dates; ' +
      'never a name, date of birth or address. Business-unit members can press **View details** to see a referral themselves.',
  );
}
