import { z } from 'zod';

/**
 * An account as Teams sends it (a person, the bot, a conversation): a reply echoes it back
 * to the Bot Connector, whose client refuses a field of the wrong type. Teams leaves a
 * field out rather than send null.
 */
const accountFields = {
  name: z.string().optional(),
  aadObjectId: z.string().optional(),
  role: z.string().optional(),
};
const account = z.object({ id: z.string().min(1), ...accountFields }).passthrough();

/** An entity: a mention must say whom it mentions and how, or botbuilder fails removing it from the text. */
const entity = z
  .object({ type: z.string() })
  .passthrough()
  .superRefine((e, ctx) => {
    if (e.type.toLowerCase() !== 'mention') return;
    const mentioned = e.mentioned as { id?: unknown } | undefined;
    if (typeof mentioned !== 'object' || mentioned === null || typeof mentioned.id !== 'string') {
      ctx.addIssue({ code: 'custom', path: ['mentioned', 'id'], message: 'a mention names whom it mentions' });
    }
    if (typeof e.text !== 'string') ctx.addIssue({ code: 'custom', path: ['text'], message: 'a mention has its text' });
  });

/**
 * The least an activity needs for Panel to act on it, and the types of what Panel, teams-ai
 * and the Bot Connector client read or echo back in a reply (its id, the accounts, the
 * conversation, the text and its mentions). Anything else is answered 400 before it
 * reaches the adapter, instead of failing deep inside a turn, or in the reply.
 */
export const activityShape = z
  .object({
    type: z.string().min(1),
    id: z.string().optional(),
    serviceUrl: z.string().url(),
    channelId: z.string().min(1),
    conversation: z
      .object({
        id: z.string().min(1),
        ...accountFields,
        conversationType: z.string().optional(),
        tenantId: z.string().optional(),
        isGroup: z.boolean().optional(),
      })
      .passthrough(),
    from: account,
    recipient: account,
    text: z.string().optional(),
    name: z.string().optional(),
    replyToId: z.string().optional(),
    locale: z.string().optional(),
    entities: z.array(entity).optional(),
    channelData: z.object({}).passthrough().optional(),
  })
  .passthrough()
  .superRefine((a, ctx) => {
    const mentions = a.entities?.some((e) => e.type.toLowerCase() === 'mention') ?? false;
    if (mentions && typeof a.text !== 'string')
      ctx.addIssue({ code: 'custom', path: ['text'], message: 'a message with a mention has text' });
  });
