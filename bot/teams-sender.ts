import { connectorThrottle, traced } from './observability.js';
import type { Activity, ConversationParameters } from 'botbuilder';
import { EffectFailure } from '../review/run-effects.js';
import type { ChannelAddress } from '../review/store.js';
import { withConnectorRetry, type RetryOptions } from './connector-retry.js';
import type { ProactiveConnector } from './proactive-connector.js';

/** What a Bot Connector failure means for Panel, classified here and nowhere else. */
export type TeamsFailureKind =
  /** 429 after the retries: try again later. */
  | 'throttled'
  /** 5xx, or the connector could not be reached: try again later. */
  | 'transient'
  /** 403: the app is not installed for them, or they blocked it. */
  | 'forbidden'
  /** 404: the person, chat or message is gone. */
  | 'notFound'
  /** Any other refusal (4xx): trying again will not help. */
  | 'refused';

/** A Bot Connector failure: transient ones are tried again by the effects runner. */
export class TeamsError extends EffectFailure {
  constructor(
    readonly kind: TeamsFailureKind,
    readonly status: number | undefined,
    message: string,
  ) {
    super(message, kind === 'throttled' || kind === 'transient');
    this.name = 'TeamsError';
  }
}

/** The classification of what the connector client threw; its messages name no person. */
export function classify(err: unknown): TeamsError {
  if (err instanceof TeamsError) return err;
  const status = (err as { statusCode?: number }).statusCode;
  if (status === 429) return new TeamsError('throttled', status, 'Teams is throttling Panel (429)');
  // A timeout, or Teams asking to try again (412): as transient as a 5xx.
  if (status === 408 || status === 412) return new TeamsError('transient', status, `the Bot Connector answered ${status}`);
  if (status === 403)
    return new TeamsError('forbidden', status, 'Teams refused (403): Panel is not installed for them, or they have blocked it');
  if (status === 404) return new TeamsError('notFound', status, 'Teams could not find them or their chat with Panel (404)');
  if (status !== undefined && status >= 400 && status < 500)
    return new TeamsError('refused', status, `the Bot Connector answered ${status}`);
  if (status !== undefined) return new TeamsError('transient', status, `the Bot Connector answered ${status}`);
  return new TeamsError('transient', undefined, 'the Bot Connector could not be reached');
}

/** Where a new channel thread is: its first post, and the thread's conversation. */
export interface Thread {
  activityId: string;
  conversationId: string;
}

/** The conversation of the thread a channel post started: "<channel>;messageid=<the post>". */
export const threadOf = (channel: Pick<ChannelAddress, 'channelId'>, activityId: string): string =>
  `${channel.channelId};messageid=${activityId}`;

/**
 * The one module that calls the Bot Connector for posts Panel starts itself: new channel
 * threads, replies, card updates, new one-to-one chats, a team's roster. Throttling and
 * gateway failures are retried (as Teams asks) before a TeamsError says what went wrong.
 * A create retried after an ambiguous 5xx can post twice: Teams has no idempotency key.
 */
export class TeamsSender {
  constructor(
    private readonly clients: ProactiveConnector,
    private readonly botAppId: string,
    private readonly retry: RetryOptions = {},
  ) {}

  private async call<T>(serviceUrl: string, run: (client: Awaited<ReturnType<ProactiveConnector['client']>>) => Promise<T>): Promise<T> {
    return traced('connector.call', {}, async () => {
      try {
        const client = await this.clients.client(serviceUrl);
        const attempt = () =>
          run(client).catch((err: unknown) => {
            if ((err as { statusCode?: number }).statusCode === 429) connectorThrottle();
            throw err;
          });
        return await withConnectorRetry(attempt, this.retry);
      } catch (err) {
        throw classify(err);
      }
    });
  }

  /** Starts a new thread in a channel with `activity`. */
  async startThread(channel: ChannelAddress, activity: Partial<Activity>): Promise<Thread> {
    const parameters: ConversationParameters = {
      isGroup: true,
      bot: { id: this.botAppId, name: 'Panel' },
      members: [],
      channelData: { channel: { id: channel.channelId }, ...(channel.tenantId && { tenant: { id: channel.tenantId } }) },
      ...(channel.tenantId && { tenantId: channel.tenantId }),
      // The connector fills in the rest of the activity (ids, timestamps) when it posts.
      activity: activity as Activity,
    };
    const created = await this.call(channel.serviceUrl, (client) => client.conversations.createConversation(parameters));
    // Teams names a new thread "<channel>;messageid=<id of its first post>".
    const activityId = created.activityId ?? /;messageid=(.+)$/.exec(created.id ?? '')?.[1];
    if (!activityId) throw new TeamsError('refused', undefined, 'Teams started no thread');
    return { activityId, conversationId: threadOf(channel, activityId) };
  }

  /** Posts in a conversation (a thread, a one-to-one chat); the message's id. */
  async post(serviceUrl: string, conversationId: string, activity: Partial<Activity>): Promise<string | undefined> {
    const sent = await this.call(serviceUrl, (client) =>
      client.conversations.sendToConversation(conversationId, { type: 'message', ...activity } as Activity),
    );
    return sent.id;
  }

  /** Replaces a message (a card) in place, for everyone. */
  async update(serviceUrl: string, conversationId: string, activityId: string, activity: Partial<Activity>): Promise<void> {
    await this.call(serviceUrl, (client) =>
      client.conversations.updateActivity(conversationId, activityId, { type: 'message', id: activityId, ...activity } as Activity),
    );
  }

  /** Creates a one-to-one chat with someone the app is installed for, by Entra object id; the chat's id. */
  async createPersonalChat(to: { aadObjectId: string; serviceUrl: string; tenantId?: string }): Promise<string> {
    const parameters = {
      isGroup: false,
      bot: { id: this.botAppId, name: 'Panel' },
      members: [{ id: to.aadObjectId, name: '' }],
      ...(to.tenantId && { tenantId: to.tenantId, channelData: { tenant: { id: to.tenantId } } }),
    } as ConversationParameters;
    const created = await this.call(to.serviceUrl, (client) => client.conversations.createConversation(parameters));
    if (!created.id) throw new TeamsError('refused', undefined, 'Teams created no chat with them');
    return created.id;
  }

  /** Everyone in a team: their Entra object ids and Teams user ids, a page at a time. */
  async *teamMembers(serviceUrl: string, teamId: string): AsyncGenerator<{ aadObjectId: string; id: string }> {
    let continuationToken: string | undefined;
    do {
      const token = continuationToken;
      const page = await this.call(serviceUrl, (client) =>
        client.conversations.getConversationPagedMembers(teamId, {
          pageSize: 500,
          ...(token && { continuationToken: token }),
        } as Parameters<typeof client.conversations.getConversationPagedMembers>[1]),
      );
      for (const member of page.members ?? [])
        if (member.aadObjectId && member.id) yield { aadObjectId: member.aadObjectId, id: member.id };
      continuationToken = page.continuationToken || undefined;
    } while (continuationToken);
  }
}
