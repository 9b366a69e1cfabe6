import { describe, expect, it } from 'vitest';
import { describeRequests, referralRequests, TARGETS, voteRequests, warmUp, type OperationRequests } from '../../bench/requests.js';
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
  // TEMP stack capture
  const stacks: string[] = [];
  const capture = () => {
    const agent = suite.panel.cosmos!.agent as unknown as { addRequest: (...a: unknown[]) => unknown };
    const orig = agent.addRequest.bind(agent);
    Error.stackTraceLimit = 80;
    agent.addRequest = (...a: unknown[]) => {
      const req = a[0] as { method: string; path: string };
      stacks.push(`${req.method} ${req.path}\n` + (new Error().stack ?? '').split('\n').filter((l) => /\/work\/main\/(bot|review|storage|scheduler)\//.test(l)).join('\n'));
      return orig(...a);
    };
  };

  const breakdown = (name: string, { store, metadata }: OperationRequests) =>
    [
      `${name}: ${store.length} store requests, ${metadata.length} metadata requests`,
      ...describeRequests(store).map((line) => `  ${line}`),
      ...(metadata.length ? ['  metadata:', ...describeRequests(metadata).map((line) => `    ${line}`)] : []),
    ].join('\n');

  it('warms up: a case referred, collated and before the panel, one vote cast', async () => {
    capture();
    reference = await warmUp(suite);
    expect(reference).toMatch(/^REF-\d{4}-\d{4}$/);
  });

  it(`a referral, from its submit to its channel post, makes at most ${TARGETS.referral} store requests`, async () => {
    stacks.length = 0;
    const requests = await referralRequests(suite);
    console.log(stacks.join('\n----\n'));
    const report = breakdown('referral', requests);
    console.log(report);
    expect(requests.store.length, report).toBeLessThanOrEqual(TARGETS.referral);
  });

  it('TEMP refer and chooseKind', async () => {
    const { personalMessage, cardAction } = await import('../support/activities.js');
    const { VERBS } = await import('../../cards/verbs.js');
    const c = suite.panel.cosmos!;
    await suite.panel.idle(); c.resetRequests(); stacks.length = 0;
    await suite.panel.send(personalMessage(suite.serviceUrl(), 'dana', 'refer'));
    await suite.panel.idle();
    console.log('REFER', JSON.stringify(c.requests()), stacks.join('\n----\n'));
    c.resetRequests(); stacks.length = 0;
    await suite.panel.invoke(cardAction(suite.serviceUrl(), 'dana', VERBS.chooseReferralKind, { submissionId: 'x', kind: 'lcspr' }));
    await suite.panel.idle();
    console.log('CHOOSE', JSON.stringify(c.requests()), stacks.join('\n----\n'));
  });

  it(`a vote, with the refresh of the shared decision card, makes at most ${TARGETS.vote} store requests`, async () => {
    stacks.length = 0;
    const requests = await voteRequests(suite, reference);
    console.log(stacks.join('\n----\n'));
    const report = breakdown('vote', requests);
    console.log(report);
    expect(requests.store.length, report).toBeLessThanOrEqual(TARGETS.vote);
  });
});
