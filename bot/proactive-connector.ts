import { AuthenticationConstants, ClaimsIdentity, type BotFrameworkAuthentication, type ConnectorClient } from 'botframework-connector';

/**
 * Connector clients for proactive posts (a referral's card in the business unit's
 * channel), one per service URL, kept for the life of the process. The adapter's
 * createConversationAsync builds a new client, credentials and HTTP pipeline for every
 * call, which costs more than the post itself; the clients refresh their own tokens.
 */
export class ProactiveConnector {
  private readonly clients = new Map<string, Promise<ConnectorClient>>();

  constructor(
    private readonly auth: BotFrameworkAuthentication,
    private readonly botAppId: string,
  ) {}

  client(serviceUrl: string): Promise<ConnectorClient> {
    const kept = this.clients.get(serviceUrl);
    if (kept) return kept;
    // The bot acting as itself, as the adapter identifies it for proactive work.
    const identity = new ClaimsIdentity([
      { type: AuthenticationConstants.AudienceClaim, value: this.botAppId },
      { type: AuthenticationConstants.AppIdClaim, value: this.botAppId },
      { type: AuthenticationConstants.ServiceUrlClaim, value: serviceUrl },
    ]);
    const client = this.auth.createConnectorFactory(identity).create(serviceUrl, undefined);
    // A failure is not kept: the next post tries again.
    client.catch(() => this.clients.delete(serviceUrl));
    this.clients.set(serviceUrl, client);
    return client;
  }
}
