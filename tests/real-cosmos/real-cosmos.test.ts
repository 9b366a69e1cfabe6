import { randomUUID } from 'node:crypto';
import { CosmosStore } from '../../storage/cosmos-store.js';
import { storeContract } from '../storage/store-contract.js';

/**
 * Against a real Cosmos DB account or the Cosmos DB emulator, named by COSMOS_ENDPOINT
 * (and COSMOS_KEY): vitest.config.ts collects this file only when it is set. The test
 * server cannot show the contract on the real service: its own transactional batches (the
 * test server's are made atomic by tests/support/atomic-batch.ts), indexing and
 * consistency. Panel sets no TTL: the nightly purge deletes, leaving a tombstone.
 */
const endpoint = process.env.COSMOS_ENDPOINT ?? '';
const key = process.env.COSMOS_KEY;

// One database for the suite: a second `open` is a second instance on the same store.
storeContract('a real Cosmos DB', () => {
  const database = `panel-test-${randomUUID()}`;
  return { open: () => CosmosStore.open({ endpoint, database, ...(key && { key }) }), stop: async () => undefined };
});
