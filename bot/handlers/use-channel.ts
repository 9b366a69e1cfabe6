import type { TurnContext } from 'botbuilder';
import { PARTNERSHIP_AUDIT, type AuditAction } from '../../review/audit.js';
import type { Role } from '../../review/roles.js';
import { callerOf, conversationKind, NO_IDENTITY } from '../caller.js';
import type { PanelDeps } from '../deps.js';

interface TeamsChannelData {
  channel?: { id?: string };
  team?: { id?: string };
  tenant?: { id?: string };
}

/** What each of Panel's channels is for, who may choose it, and what Panel says when it is chosen. */
const PURPOSES = {
  referrals: {
    setting: 'referralChannel',
    audit: 'settings.referralChannel.set',
    roles: ['businessUnit'],
    refused: 'Only the business unit can choose the channel for referrals.',
    chosen:
      'New referrals will be posted in this channel. Each shows a reference, an anonymous descriptor, the stage and the key dates; ' +
      'never a name, date of birth or address. Business-unit members can press **View details** to see a referral themselves.',
  },
  panel: {
    setting: 'panelChannel',
    audit: 'settings.panelChannel.set',
    roles: ['businessUnit', 'admin'],
    refused: "Only the business unit or an administrator can choose the panel's channel.",
    chosen:
      "This is the panel's channel now. The business unit can post each panel's agenda here: references, anonymous descriptors " +
      'and kinds of review; never a name, date of birth or address.',
  },
} as const satisfies Record<
  string,
  { setting: 'referralChannel' | 'panelChannel'; audit: AuditAction; roles: readonly Role[]; refused: string; chosen: string }
>;

export type ChannelPurpose = keyof typeof PURPOSES;

/**
 * `@Panel use this channel for referrals` (the business unit) or `… for the panel` (the
 * business unit or an administrator), said in a Teams channel.
 */
export async function useChannel(context: TurnContext, deps: PanelDeps, purpose: ChannelPurpose): Promise<void> {
  const p = PURPOSES[purpose];
  const caller = callerOf(context);
  if (!caller) {
    await context.sendActivity(NO_IDENTITY);
    return;
  }
  if (conversationKind(context) !== 'channel') {
    await context.sendActivity(
      `Say this in the Teams channel you want: **@Panel use this channel for ${purpose === 'panel' ? 'the panel' : 'referrals'}**.`,
    );
    return;
  }
  if (!p.roles.some((role) => deps.review.directory.hasRole(caller.aadObjectId, role))) {
    deps.log.warn({ command: 'useChannel', purpose, outcome: 'refused' }, 'channel change refused');
    await context.sendActivity(p.refused);
    return;
  }
  const activity = context.activity;
  const channelData = (activity.channelData ?? {}) as TeamsChannelData;
  // The conversation id of a channel post names its thread; the channel is what we post to.
  const channelId = channelData.channel?.id ?? activity.conversation.id.split(';')[0]!;
  const tenantId = channelData.tenant?.id ?? activity.conversation.tenantId;
  await deps.review.store.putSetting(p.setting, {
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
    action: p.audit,
    detail: `channel=${channelId}`,
  });
  deps.log.info({ command: 'useChannel', purpose, outcome: 'set' }, 'channel set');
  await context.sendActivity(p.chosen);
}
