import { createHttpsServer } from '@vercel/cosmosdb-server';
import type { IncomingMessage, RequestListener } from 'node:http';
import { Agent } from 'node:https';
import type { AddressInfo } from 'node:net';

/** The Cosmos DB emulator's published key: the test server accepts any well-formed key. */
export const TEST_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

export interface CosmosTestServer {
  endpoint: string;
  /** Trusts the server's bundled certificate, which has expired: tests only. */
  agent: Agent;
  /**
   * Answers 429 (Retry-After 1 ms) to every request `match` selects, as a throttled
   * account does, until called again with `undefined`.
   */
  throttle(match: ((req: IncomingMessage) => boolean) | undefined): void;
  /**
   * Answers 403 to every request `match` selects (everything, if none), as an account does
   * to credentials it does not accept, or to a data-plane role asked to change a container.
   */
  refuseAll(match?: (req: IncomingMessage) => boolean): void;
  /**
   * Holds back the first request `match` selects, to make two writers interleave at a
   * chosen point: at `request`, before the server sees it; at `answer`, after the server
   * has done it, before its answer goes back. `reached` settles once it is held.
   */
  holdBack(match: (req: IncomingMessage) => boolean, at: 'request' | 'answer'): { reached: Promise<void>; release(): void };
  /** How many requests were throttled so far. */
  throttled(): number;
  stop(): Promise<void>;
}

/**
 * @vercel/cosmosdb-server, in process, over HTTPS on loopback: the real @azure/cosmos
 * SDK talks to it as to Cosmos DB. It keeps everything in memory, never expires TTLs
 * and ignores the `partitionKey` query option (PLATFORM.md lists its gaps).
 */
export async function startCosmosTestServer(): Promise<CosmosTestServer> {
  const server = createHttpsServer({ keepAlive: true });
  const [cosmos] = server.listeners('request') as RequestListener[];
  let match: ((req: IncomingMessage) => boolean) | undefined;
  let throttled = 0;
  let refusing: ((req: IncomingMessage) => boolean) | undefined;
  interface Hold {
    match: (req: IncomingMessage) => boolean;
    at: 'request' | 'answer';
    reach: () => void;
    released: Promise<void>;
  }
  const holds: Hold[] = [];
  server.removeAllListeners('request');
  server.on('request', (req, res) => {
    if (refusing?.(req)) {
      res.writeHead(403, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ code: 'Forbidden', message: 'Request blocked by Auth (test server)' }));
      return;
    }
    if (match?.(req)) {
      throttled++;
      res.writeHead(429, { 'content-type': 'application/json', 'x-ms-retry-after-ms': '1' });
      res.end(JSON.stringify({ code: 'TooManyRequests', message: 'Request rate is large (test throttle)' }));
      return;
    }
    const hold = holds.find((h) => h.match(req));
    if (!hold) {
      cosmos?.(req, res);
      return;
    }
    holds.splice(holds.indexOf(hold), 1);
    hold.reach();
    if (hold.at === 'request') {
      void hold.released.then(() => cosmos?.(req, res));
      return;
    }
    const end = res.end.bind(res) as (body: string) => void;
    res.end = ((body: string) => {
      void hold.released.then(() => end(body));
      return res;
    }) as typeof res.end;
    cosmos?.(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const agent = new Agent({ rejectUnauthorized: false, keepAlive: true });
  return {
    endpoint: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    agent,
    throttle: (m) => {
      match = m;
    },
    throttled: () => throttled,
    holdBack: (m, at) => {
      let reach = () => {};
      let release = () => {};
      const reached = new Promise<void>((resolve) => (reach = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      holds.push({ match: m, at, reach, released });
      return { reached, release };
    },
    refuseAll: (m = () => true) => {
      refusing = m;
    },
    async stop() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
