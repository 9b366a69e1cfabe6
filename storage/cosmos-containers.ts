import { CosmosClient, ErrorResponse, type Container, type IndexingPolicy } from '@azure/cosmos';
import type { TokenCredential } from '@azure/identity';
import type { Agent } from 'node:https';
import { StoreUnavailableError } from '../review/store.js';

/**
 * Containers. `cases` holds everything about a case in one logical partition keyed by
 * its reference: the case itself, its audit events, its items
 * (agencies' returns, leads' drafts). `meta` holds the rest: the yearly reference
 * counters and the submission keys that make a referral idempotent (each in its own
 * partition), the partnership's settings, and the expiry markers the retention purge
 * reads (one partition).
 */
const CONTAINERS = {
  cases: { id: 'cases', partitionKey: '/caseId' },
  meta: { id: 'meta', partitionKey: '/pk' },
} as const;

/**
 * Personal data (a case's referral, an item's document, the panel's rationales, a
 * hold's reason) is never queried, so it is not indexed: cheaper writes, and nothing
 * personal in the index. Everything else is (the default), for the few queries there are.
 */
export const CASES_INDEXING: IndexingPolicy = {
  indexingMode: 'consistent',
  automatic: true,
  includedPaths: [{ path: '/*' }],
  excludedPaths: [
    { path: '/referral/*' },
    { path: '/doc/*' },
    { path: '/panel/*' },
    { path: '/hold/*' },
    { path: '/effects/*' },
    // The review's free text and the family log (issue 17).
    { path: '/plan/*' },
    { path: '/meetings/*' },
    { path: '/family/*' },
    { path: '/recommendations/*' },
    { path: '/notPublished/*' },
    { path: '/"_etag"/?' },
  ],
};

/**
 * Throttling (429): the SDK waits as the server's Retry-After says, but no longer than
 * fits in a Teams invoke (5 s); after that the caller gets a StoreBusyError.
 */
const RETRY_OPTIONS = { maxRetryAttemptCount: 5, maxWaitTimeInSeconds: 3 };

export interface CosmosStoreOptions {
  endpoint: string;
  database: string;
  /** An account key; without one, `credential` (Microsoft Entra ID) is used. */
  key?: string;
  credential?: TokenCredential;
  /** An HTTPS agent, e.g. to trust a local test server's certificate. */
  agent?: Agent;
  /** Told of what Panel could not set up but can run without (no personal data in it). */
  warn?: (message: string) => void;
}

/**
 * A container an earlier release made keeps the indexing policy it was made with
 * (`createIfNotExists` leaves it be): when it lacks an exclusion this release makes,
 * the policy is replaced, and Cosmos DB re-indexes in the background. An identity with
 * a data-plane role only may not replace it: Panel runs on, and says so.
 */
async function keepIndexingPolicy(cases: Container, warn: ((message: string) => void) | undefined): Promise<void> {
  const { resource } = await cases.read();
  const excluded = new Set(resource?.indexingPolicy?.excludedPaths?.map((p) => p.path));
  if (!resource || (CASES_INDEXING.excludedPaths ?? []).every((p) => excluded.has(p.path))) return;
  try {
    await cases.replace({ ...resource, indexingPolicy: CASES_INDEXING });
  } catch (err) {
    const status = err instanceof ErrorResponse ? Number(err.code) : undefined;
    if (status !== 401 && status !== 403) throw err;
    warn?.(
      `the ${CONTAINERS.cases.id} container's indexing policy is older than this release, and Panel may not replace it (${status}): ` +
        'apply storage/cosmos-containers.ts CASES_INDEXING with a control-plane role',
    );
  }
}

/**
 * `createIfNotExists` reads, then creates: two instances starting at once may both find
 * nothing, and the second create is refused (409) because the first made it. Then it is
 * there, and reading it again finds it.
 */
async function raced<T>(create: () => Promise<T>): Promise<T> {
  try {
    return await create();
  } catch (err) {
    if (err instanceof ErrorResponse && Number(err.code) === 409) return create();
    throw err;
  }
}

/**
 * Connects, and creates the database and containers if they are missing, with their
 * partition keys and indexing policy; an older indexing policy is brought up to date.
 */
export async function openContainers(options: CosmosStoreOptions): Promise<{ client: CosmosClient; cases: Container; meta: Container }> {
  const client = new CosmosClient({
    endpoint: options.endpoint,
    ...(options.key ? { key: options.key } : options.credential && { aadCredentials: options.credential }),
    ...(options.agent && { agent: options.agent }),
    connectionPolicy: { retryOptions: RETRY_OPTIONS },
  });
  try {
    const { database } = await raced(() => client.databases.createIfNotExists({ id: options.database }));
    const { container: cases } = await raced(() =>
      database.containers.createIfNotExists({
        id: CONTAINERS.cases.id,
        partitionKey: { paths: [CONTAINERS.cases.partitionKey] },
        indexingPolicy: CASES_INDEXING,
        // TTL on, with no default. Panel gives no item a `ttl`: the nightly purge deletes, leaving a tombstone.
        defaultTtl: -1,
      }),
    );
    await keepIndexingPolicy(cases, options.warn);
    const { container: meta } = await raced(() =>
      database.containers.createIfNotExists({ id: CONTAINERS.meta.id, partitionKey: { paths: [CONTAINERS.meta.partitionKey] } }),
    );
    return { client, cases, meta };
  } catch (err) {
    client.dispose();
    const status = err instanceof ErrorResponse ? Number(err.code) : undefined;
    if (status === 401 || status === 403) {
      throw new StoreUnavailableError(
        `Cosmos DB at ${options.endpoint} refused Panel's credentials (${status}): check COSMOS_KEY, or the managed identity's data-plane role`,
      );
    }
    throw new StoreUnavailableError(
      `cannot reach Cosmos DB at ${options.endpoint}: ${(err as Error).message}. Check COSMOS_ENDPOINT and the network`,
    );
  }
}
