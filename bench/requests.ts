import { randomUUID } from 'node:crypto';
import { VERBS } from '../cards/verbs.js';
import { CHANNEL_POST, DECISION_CARD } from '../review/effects.js';
import { cardAction, channelMention, PANEL_CHANNEL, PEOPLE, personalMessage, type PersonKey } from '../tests/support/activities.js';
import { ConnectorStandIn } from '../tests/support/connector-stand-in.js';
import type { CosmosRequest, CosmosTestServer } from '../tests/support/cosmos-test-server.js';
import { PanelHarness } from '../tests/support/panel-harness.js';
import { validReferralForm, NO_RISK } from '../tests/support/referral-form.js';

/**
 * How many requests Panel makes to Cosmos DB for one operation, counted on the Cosmos
 * test server, from the turn to the last effect it causes: a referral's submit until its
 * channel post is recorded, a vote until the shared decision card is refreshed. The
 * test (tests/http/request-counts.test.ts) holds Panel to its targets on these counts;
 * `npm run bench` prints them.
 */

/** The issue's targets: store requests (on documents) per operation, at most. */
export const TARGETS = { referral: 8, vote: 3 } as const;

/** What one operation asked of the store. */
export interface OperationRequests {
  /** Requests on documents: reads, creates, replaces, patches, queries, batches. */
  store: CosmosRequest[];
  /** The SDK's own: the account, databases, containers, partition key ranges. */
  metadata: CosmosRequest[];
}

/** What the scenario needs of a running Panel on the Cosmos test server: an HttpSuite has it. */
export interface CountingSuite {
  connector: ConnectorStandIn;
  panel: PanelHarness;
  serviceUrl(): string;
}

/** The test server of a suite on Cosmos DB. */
export function cosmosOf({ panel }: CountingSuite): CosmosTestServer {
  if (!panel.cosmos) throw new Error('requests are counted on the Cosmos test server');
  return panel.cosmos;
}

/** A document's id as a report shows it: a submission key's hash cut short. */
const shortId = (id: string) => (/^[0-9a-f]{64}$/.test(id) ? `${id.slice(0, 8)}…` : id);

/** One line per request, for a report: `PUT cases/case (replace) ["REF-2026-0002"] 200`. */
export function describeRequests(requests: CosmosRequest[]): string[] {
  return requests.map((r) => {
    const what = r.store
      ? `${r.container}/${r.document ? shortId(r.document) : 'docs'} (${r.operation})`
      : r.path.replace(/^\/dbs\/[^/]+/, '/dbs/<db>');
    const key = r.partitionKey?.replace(/[0-9a-f]{64}/, (hash) => shortId(hash));
    return `${r.method} ${what}${key ? ` ${key}` : ''} ${r.status ?? '-'}`;
  });
}

/** Runs `operation` and returns the requests it, and the work that follows it, made. */
async function counted(suite: CountingSuite, operation: () => Promise<void>): Promise<OperationRequests> {
  const cosmos = cosmosOf(suite);
  await suite.panel.idle();
  cosmos.resetRequests();
  await operation();
  await suite.panel.idle();
  const requests = cosmos.requests();
  return { store: requests.filter((r) => r.store), metadata: requests.filter((r) => !r.store) };
}

const act = (suite: CountingSuite, who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' | 'panel') =>
  suite.panel.invoke(cardAction(suite.serviceUrl(), who, verb, data, where));

/** Submits a valid referral from Dana; returns its reference from the acknowledgement. */
async function submitReferral(suite: CountingSuite): Promise<string> {
  const ack = await act(suite, 'dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() }, 'personal');
  const reference = /REF-\d{4}-\d{4}/.exec(JSON.stringify(ack.value))?.[0];
  if (!reference) throw new Error(`the referral was not accepted: ${JSON.stringify(ack.value).slice(0, 300)}`);
  return reference;
}

async function vote(suite: CountingSuite, who: PersonKey, reference: string): Promise<void> {
  const answer = await act(suite, who, VERBS.castVote, { reference, ballot: '1', choice: 'partnership' }, 'panel');
  if (!JSON.stringify(answer.value).includes('Your vote is recorded')) {
    throw new Error(`the vote was not counted: ${JSON.stringify(answer.value).slice(0, 300)}`);
  }
}

/**
 * The business unit chooses its channels, and one case goes all the way to a vote with
 * one vote cast: a warm-up, so that the SDK's caches (account, containers, partition key
 * ranges) and Panel's (the panel's roster) are filled, and the year's reference counter
 * exists. Returns the case, its vote open.
 */
export async function warmUp(suite: CountingSuite): Promise<string> {
  const { connector, panel, serviceUrl } = suite;
  connector.roster = Object.values(PEOPLE).map(({ id, name, aadObjectId }) => ({ id, name, aadObjectId }));
  await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
  await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
  const reference = await submitReferral(suite);
  await act(suite, 'sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' }, 'channel');
  await panel.idle();
  await act(suite, 'alex', VERBS.nilReturn, { reference, agencyId: 'police', submissionId: randomUUID() }, 'personal');
  await panel.send(personalMessage(serviceUrl(), 'sam', 'post agenda'));
  await panel.idle();
  await vote(suite, 'priya', reference);
  await panel.idle();
  return reference;
}

/** A referral's submit, until its channel post is recorded. */
export async function referralRequests(suite: CountingSuite): Promise<OperationRequests & { reference: string }> {
  let reference = '';
  const requests = await counted(suite, async () => {
    reference = await submitReferral(suite);
  });
  const post = (await suite.panel.store.getCase(reference))?.effects?.[CHANNEL_POST];
  if (post?.status !== 'sent') throw new Error(`the referral's channel post was not recorded: ${JSON.stringify(post)}`);
  return { ...requests, reference };
}

/** One vote by `who` on `reference`, until the shared decision card's refresh is recorded. */
export async function voteRequests(suite: CountingSuite, reference: string, who: PersonKey = 'noor'): Promise<OperationRequests> {
  const before = suite.connector.matching('PUT', new RegExp(`^/v3/conversations/${PANEL_CHANNEL}`)).length;
  const requests = await counted(suite, () => vote(suite, who, reference));
  const refresh = (await suite.panel.store.getCase(reference))?.effects?.[DECISION_CARD];
  const puts = suite.connector.matching('PUT', new RegExp(`^/v3/conversations/${PANEL_CHANNEL}`)).length - before;
  if (refresh?.status !== 'sent' || puts === 0) {
    throw new Error(`the shared decision card was not refreshed: ${puts} updates, effect ${JSON.stringify(refresh)}`);
  }
  return requests;
}

/** For `npm run bench`: Panel on the Cosmos test server, one referral and one vote counted after a warm-up. */
export async function measureRequests(): Promise<{ referral: OperationRequests; vote: OperationRequests }> {
  const connector = new ConnectorStandIn();
  const panel = new PanelHarness({}, 'cosmos');
  await connector.start();
  await panel.start();
  try {
    const suite: CountingSuite = { connector, panel, serviceUrl: () => connector.url };
    const decided = await warmUp(suite);
    const referral = await referralRequests(suite);
    const vote = await voteRequests(suite, decided);
    return { referral, vote };
  } finally {
    await panel.stop();
    await connector.stop();
  }
}
