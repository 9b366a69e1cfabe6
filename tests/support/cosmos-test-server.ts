import type { IncomingMessage, RequestListener } from 'node:http';
import { Agent } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { install } from './atomic-batch.js';

// Batches all or none, as Cosmos DB's are; then the server, whose routes take the handler in.
install();
const { createHttpsServer } = createRequire(import.meta.url)('@vercel/cosmosdb-server') as typeof import('@vercel/cosmosdb-server');

/** The Cosmos DB emulator's published key: the test server accepts any well-formed key. */
export const TEST_KEY = 'C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw==';

/** What a request to the test server did, as `requests()` lists it. */
export type CosmosOperation = 'read' | 'readFeed' | 'create' | 'upsert' | 'replace' | 'patch' | 'delete' | 'query' | 'batch' | 'metadata';

/** One HTTP request the SDK made to the test server, in the order they arrived. */
export interface CosmosRequest {
  method: string;
  /** The URL's path, without its query string: `/dbs/<database>/colls/cases/docs/case`. */
  path: string;
  /** A transactional batch (`x-ms-cosmos-is-batch-request`). */
  batch: boolean;
  /** A query (`x-ms-documentdb-isquery`, or a body of `application/query+json`). */
  query: boolean;
  /**
   * A store request: one on documents (under `/dbs/<db>/colls/<coll>/docs`): a read, a
   * create, an upsert, a replace, a patch, a delete, a query or a batch. Otherwise it is
   * the SDK's own metadata: the account (`GET /`), a database, a container, its
   * partition key ranges.
   */
  store: boolean;
  operation: CosmosOperation;
  /** The container, for a request under `/dbs/<db>/colls/<coll>`. */
  container?: string;
  /** The document's id, for a request on one document (URL-decoded). */
  document?: string;
  /** The partition key the SDK sent (`x-ms-documentdb-partitionkey`), as sent. */
  partitionKey?: string;
  /** The status answered, once the answer has gone (429 when throttled, 403 when refused). */
  status?: number;
}

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
  /** Every request since the start or the last `resetRequests()`, throttled and refused ones too. */
  requests(): CosmosRequest[];
  /** Empties the request log. */
  resetRequests(): void;
  stop(): Promise<void>;
}

/**
 * @vercel/cosmosdb-server, in process, over HTTPS on loopback: the real @azure/cosmos
 * SDK talks to it as to Cosmos DB. It keeps everything in memory, never expires TTLs
 * and ignores the `partitionKey` query option (PLATFORM.md lists its gaps); its batches
 * are made atomic here (`atomic-batch.ts`).
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
  let log: CosmosRequest[] = [];
  server.removeAllListeners('request');
  server.on('request', (req, res) => {
    const entry = describeRequest(req);
    log.push(entry);
    res.once('finish', () => {
      entry.status = res.statusCode;
    });
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
    requests: () => log.map((r) => ({ ...r })),
    resetRequests: () => {
      log = [];
    },
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

/** What a request on one document does, by its method. */
const ON_A_DOCUMENT: Record<string, CosmosOperation> = { GET: 'read', PUT: 'replace', PATCH: 'patch', DELETE: 'delete' };

const truthy = (value: string | string[] | undefined) => String(value).toLowerCase() === 'true';

/** Classifies a request as the test server's router does: by method, path and the SDK's headers. */
function describeRequest(req: IncomingMessage): CosmosRequest {
  // The SDK sometimes sends a double slash first; the server's router ignores it, and so does the log.
  const path = (req.url ?? '/').split('?')[0]!.replace(/^\/+/, '/');
  const method = req.method ?? 'GET';
  const batch = method === 'POST' && truthy(req.headers['x-ms-cosmos-is-batch-request']);
  const query =
    method === 'POST' && (truthy(req.headers['x-ms-documentdb-isquery']) || req.headers['content-type'] === 'application/query+json');
  const upsert = method === 'POST' && truthy(req.headers['x-ms-documentdb-is-upsert']);
  const parts = /^\/dbs\/[^/]+\/colls\/([^/]+)(\/docs(?:\/([^/]+))?)?\/?$/.exec(path);
  const container = parts?.[1] && decodeURIComponent(parts[1]);
  const document = parts?.[3] && decodeURIComponent(parts[3]);
  const store = Boolean(parts?.[2]);
  const operation: CosmosOperation = !store
    ? 'metadata'
    : document
      ? (ON_A_DOCUMENT[method] ?? 'metadata')
      : method === 'GET'
        ? 'readFeed'
        : query
          ? 'query'
          : batch
            ? 'batch'
            : upsert
              ? 'upsert'
              : 'create';
  const partitionKey = req.headers['x-ms-documentdb-partitionkey'];
  return {
    method,
    path,
    batch,
    query,
    store,
    operation,
    ...(container && { container }),
    ...(document && { document }),
    ...(typeof partitionKey === 'string' && { partitionKey }),
  };
}
