import { describe, expect, it } from 'vitest';
import {
  cosmosOf,
  describeRequests,
  referralRequests,
  TARGETS,
  voteRequests,
  warmUp,
  type OperationRequests,
} from '../../bench/requests.js';
import { httpSuite } from '../support/http-suite.js';

/**
 * What one operation costs on Cosmos DB, in requests on documents, counted on the test
 * server after a warm-up (so the SDK's metadata caches are filled): a referral from its
 * submit to its channel post at most 8; a vote, with the refresh of the shared decision
 * card it causes, at most 3. `npm run bench` prints the same counts.
 */
describe('store requests per operation, on Cosmos DB (test server)', () => {
  const suite = httpSuite({}, 'cosmos');
  let reference = '';

  const breakdown = (name: string, { store, metadata }: OperationRequests) =>
    [
      `${name}: ${store.length} store requests, ${metadata.length} metadata requests`,
      ...describeRequests(store).map((line) => `  ${line}`),
      ...(metadata.length ? ['  metadata:', ...describeRequests(metadata).map((line) => `    ${line}`)] : []),
    ].join('\n');

  it('warms up: a case referred, collated and before the panel, one vote cast', async () => {
    reference = await warmUp(suite);
    expect(reference).toMatch(/^REF-\d{4}-\d{4}$/);
    // The log tells the SDK's metadata (the account, containers, partition key ranges) from store requests.
    const seen = cosmosOf(suite).requests();
    expect(seen.filter((r) => !r.store).map((r) => `${r.method} ${r.path}`)).toContain('GET /');
    expect(seen.filter((r) => r.store).map((r) => r.operation)).toEqual(
      expect.arrayContaining(['read', 'create', 'replace', 'patch', 'batch']),
    );
  });

  it(`a referral, from its submit to its channel post, makes at most ${TARGETS.referral} store requests`, async () => {
    const requests = await referralRequests(suite);
    const report = breakdown('referral', requests);
    console.log(report);
    expect(requests.store.length, report).toBeLessThanOrEqual(TARGETS.referral);
  });

  it(`a vote, with the refresh of the shared decision card, makes at most ${TARGETS.vote} store requests`, async () => {
    const requests = await voteRequests(suite, reference);
    const report = breakdown('vote', requests);
    console.log(report);
    expect(requests.store.length, report).toBeLessThanOrEqual(TARGETS.vote);
  });
});
