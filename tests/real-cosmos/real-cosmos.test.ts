import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { CosmosStore } from '../../storage/cosmos-store.js';
import { storeContract } from '../storage/store-contract.js';

/**
 * Against a real Cosmos DB account or the Cosmos DB emulator, named by COSMOS_ENDPOINT
 * (and COSMOS_KEY): vitest.config.ts collects this file only when it is set. The test
 * server cannot show these: TTL expiry, and the contract on the real service.
 */
const endpoint = process.env.COSMOS_ENDPOINT ?? '';
const key = process.env.COSMOS_KEY;
const open = () => CosmosStore.open({ endpoint, database: `panel-test-${randomUUID()}`, ...(key && { key }) });

storeContract('a real Cosmos DB', () => ({ open, stop: async () => undefined }));

describe('TTL on a real Cosmos DB', () => {
  it('an expired case is no longer returned, with everything in its partition', async () => {
    const store = await open();
    const { record } = await store.createCaseOnce(
      `ttl:${randomUUID()}`,
      2026,
      (n) => ({
        reference: `REF-2026-${String(n).padStart(4, '0')}`,
        year: 2026,
        sequence: n,
        descriptor: 'Adult A',
        kind: 'sar',
        stage: 'referred',
        receivedAt: new Date().toISOString(),
        receivedOn: '2026-12-01' as never,
        referrerAadObjectId: 'x',
        clocks: {},
        referral: {} as never,
      }),
      'actor',
    );
    await store.appendAudit({ caseId: record.reference, at: new Date().toISOString(), actor: 'x', action: 'case.closed' });
    await store.setExpiry(record.reference, new Date(Date.now() + 1000).toISOString());
    // Cosmos DB stops returning an item once its TTL has passed: wait for the service, not a fixed time.
    await vi.waitFor(async () => expect(await store.getCase(record.reference)).toBeUndefined(), {
      timeout: 60_000,
      interval: 1000,
    });
    expect(await store.listAudit(record.reference)).toEqual([]);
    await store.close();
  }, 90_000);
});
