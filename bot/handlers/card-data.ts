import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { Caller } from '../../review/deps.js';
import { CardFactory } from 'botbuilder';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { callerOf, conversationKind, NO_IDENTITY, PERSONAL_ONLY } from '../caller.js';
import { parseReference } from '../../review/case.js';

/**
 * The envelopes card actions carry. They say which referral or case a button is
 * about; they never say who may do what.
 */
export const referralEnvelope = z.object({ submissionId: z.string().uuid() }).passthrough();

export const caseEnvelope = z.object({
  reference: z.string().transform((s, ctx) => {
    const ref = parseReference(s);
    if (!ref) ctx.addIssue({ code: 'custom', message: 'not a case reference' });
    return ref ?? '';
  }),
});

/** For a case that does not exist, or a button whose data names none. */
export const NOT_FOUND = 'That case could not be found.';

export const STALE_CARD = 'This card is out of date. Type "refer" to start a new referral, or "help".';

/** The reference in a two-word command such as "status REF-2026-0007", if that is what was typed. */
export function commandReference(text: string | undefined): string | undefined {
  const words = (text ?? '').trim().split(/\s+/);
  return words.length === 2 ? parseReference(words[1] ?? '') : undefined;
}

/**
 * Who pressed a case's button, from their Teams identity, and which case the button is
 * about; or the answer to give instead (no identity, or `invalid` for card data that is
 * not a case's).
 */
export function caseAction(
  context: TurnContext,
  data: Record<string, unknown>,
  invalid: string,
): { caller: Caller; reference: string } | string {
  const caller = callerOf(context);
  if (!caller) return NO_IDENTITY;
  const envelope = caseEnvelope.safeParse(data);
  return envelope.success ? { caller, reference: envelope.data.reference } : invalid;
}

/**
 * A two-word command in a personal chat that answers with a case's card, such as
 * `collation REF-2026-0007`: refused anywhere else, explained without a reference, and
 * otherwise answered as the card's own button (`show`) answers.
 */
export async function caseCardCommand(
  context: TurnContext,
  word: string,
  show: (data: Record<string, unknown>) => Promise<AdaptiveCardJson | string>,
): Promise<void> {
  if (conversationKind(context) !== 'personal') {
    await context.sendActivity(PERSONAL_ONLY);
    return;
  }
  const reference = commandReference(context.activity.text);
  if (!reference) {
    await context.sendActivity(`Send **${word}** and a reference, for example: ${word} REF-2026-0007`);
    return;
  }
  const answer = await show({ reference });
  await context.sendActivity(typeof answer === 'string' ? answer : { type: 'message', attachments: [CardFactory.adaptiveCard(answer)] });
}
