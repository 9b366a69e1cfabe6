import { CosmosClient, type IndexingPolicy } from '@azure/cosmos';
import { CASES_INDEXING } from '../../storage/cosmos-containers.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTrail } from '../../review/audit-chain.js';
import { CosmosStore } from '../../storage/cosmos-store.js';
import { startCosmosTestServer, TEST_KEY, type CosmosTestServer } from '../support/cosmos-test-server.js';
import { caseRecord } from '../unit/fixtures.js';

/** The indexing policy of the first Cosmos DB release: only the referral and items' documents excluded. */
const FIRST_RELEASE = {
  indexingMode: 'consistent' as const,
  automatic: true,
  includedPaths: [{ path: '/*' }],
  excludedPaths: [{ path: '/referral/*' }, { path: '/doc/*' }, { path: '/"_etag"/?' }],
};

/**
 * A `cases` container made by an earlier release keeps its indexing policy unless Panel
 * replaces it: the panel's rationales and a hold's reason would be indexed.
 */
describe('a Cosmos DB container from an earlier release', () => {
  let server: CosmosTestServer;
  const made = async (database: string, indexingPolicy: IndexingPolicy = FIRST_RELEASE) => {
    const client = new CosmosClient({ endpoint: server.endpoint, key: TEST_KEY, agent: server.agent });
    const { database: db } = await client.databases.createIfNotExists({ id: database });
    await db.containers.createIfNotExists({ id: 'cases', partitionKey: { paths: ['/caseId'] }, indexingPolicy, defaultTtl: -1 });
    return { client, cases: db.container('cases') };
  };

  beforeAll(async () => {
    server = await startCosmosTestServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('gets this release’s indexing policy when Panel opens it', async () => {
    const { client, cases } = await made('upgrade-1');
    const store = await CosmosStore.open({ endpoint: server.endpoint, database: 'upgrade-1', key: TEST_KEY, agent: server.agent });
    const { resource } = await cases.read();
    expect(resource?.indexingPolicy?.excludedPaths?.map((p) => p.path)).toEqual(
      expect.arrayContaining(['/panel/*', '/hold/*', '/referral/*', '/doc/*']),
    );
    expect(resource?.defaultTtl).toBe(-1);
    await store.close();
    client.dispose();
  });

  it('with a role that may not replace it, Panel runs on and says so', async () => {
    const { client } = await made('upgrade-2');
    server.refuseAll((req) => req.method === 'PUT' && /\/colls\/cases$/.test(req.url ?? ''));
    const warnings: string[] = [];
    const store = await CosmosStore.open({
      endpoint: server.endpoint,
      database: 'upgrade-2',
      key: TEST_KEY,
      agent: server.agent,
      warn: (message) => warnings.push(message),
    });
    server.refuseAll(() => false);
    expect(warnings).toEqual([expect.stringMatching(/indexing policy is older than this release, and Panel may not replace it \(403\)/)]);
    expect(await store.getSetting('panelChannel')).toBeUndefined();
    await store.close();
    client.dispose();
  });

  it('moves each case’s notification documents into the case as effects, and deletes them', async () => {
    // With today's indexing policy: the test server empties a container whose policy is replaced.
    const { client, cases } = await made('upgrade-3', CASES_INDEXING);
    const reference = 'REF-2026-0001';
    await cases.items.create({ ...caseRecord({ reference, sequence: 1 }), id: 'case', type: 'case', caseId: reference });
    await cases.items.create({
      id: `notification:lead-request:${reference}:police:alex:1`,
      type: 'notification',
      caseId: reference,
      key: `lead-request:${reference}:police:alex:1`,
      kind: 'leadRequest',
      status: 'pending',
      at: '2026-12-01T10:00:00.000Z',
      dueAt: '2026-12-01T10:00:00.000Z',
      leaseUntil: '2026-12-01T10:02:00.000Z',
      payload: { agencyId: 'police', aadObjectId: 'alex', attempt: '1', serviceUrl: 'https://smba.example' },
    });
    // Audit events from before the trails were chained: linked in the order they were written.
    const old = [
      { id: 'audit:0:created', action: 'case.created', at: '2026-12-01T10:00:00.000Z' },
      { id: 'audit:2026-12-01T10:05:00.000Z:7:000000001', action: 'case.viewed', at: '2026-12-01T10:05:00.000Z' },
    ];
    for (const e of old) await cases.items.create({ ...e, type: 'audit', caseId: reference, actor: 'x' });
    await cases.items.create({
      id: 'notification:agenda-post:m1',
      type: 'notification',
      caseId: 'partnership',
      key: 'agenda-post:m1',
      kind: 'agendaPost',
      status: 'pending',
      dueAt: '2026-12-01T10:00:00.000Z',
    });
    const store = await CosmosStore.open({ endpoint: server.endpoint, database: 'upgrade-3', key: TEST_KEY, agent: server.agent });
    expect((await store.getCase(reference))?.effects).toEqual({
      'lead-request:police:alex:1': {
        key: 'lead-request:police:alex:1',
        kind: 'leadRequest',
        status: 'pending',
        dueAt: '2026-12-01T10:00:00.000Z',
        attempts: 0,
        lease: { holder: 'before-upgrade', until: '2026-12-01T10:02:00.000Z' },
        payload: { agencyId: 'police', aadObjectId: 'alex', attempt: '1', serviceUrl: 'https://smba.example' },
      },
    });
    expect(await store.listDueCases('2026-12-02T00:00:00.000Z', { limit: 10 })).toEqual({
      items: [{ reference, dueAt: '2026-12-01T10:02:00.000Z' }],
    });
    const { resources } = await cases.items.query("SELECT c.id FROM c WHERE c.type = 'notification'").fetchAll();
    expect(resources).toEqual([]);
    const trail = await store.listAudit(reference);
    expect(trail.map((e) => [e.seq, e.action])).toEqual([
      [1, 'case.created'],
      [2, 'case.viewed'],
    ]);
    expect(verifyTrail(reference, trail, await store.getAuditHead(reference))).toBeUndefined();
    await store.close();
    client.dispose();
  });
});
