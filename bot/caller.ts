import type { TurnContext } from 'botbuilder';
import type { Caller } from '../review/submit-referral.js';

/**
 * The person acting, from their Teams identity. Teams sets `from.aadObjectId` for
 * every signed-in user; without it nobody can be authorised, so Panel answers nothing
 * about cases. Card data is never consulted for identity.
 */
export function callerOf(context: TurnContext): Caller | undefined {
  const from = context.activity.from;
  if (!from || typeof from.aadObjectId !== 'string' || from.aadObjectId.trim() === '') return undefined;
  return { aadObjectId: from.aadObjectId, displayName: typeof from.name === 'string' ? from.name : '' };
}

export const NO_IDENTITY =
  'Panel could not tell who you are. Use Panel from Microsoft Teams, signed in with your work account.';

export type ConversationKind = 'personal' | 'channel' | 'groupChat';

export function conversationKind(context: TurnContext): ConversationKind {
  const type = context.activity.conversation?.conversationType;
  return type === 'channel' || type === 'groupChat' ? type : 'personal';
}
