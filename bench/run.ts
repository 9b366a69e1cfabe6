import autocannon, { type Result } from 'autocannon';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { VERBS } from '../cards/verbs.js';
import { cardAction, channelMention, PANEL_CHANNEL, personalMessage, type PersonKey } from '../tests/support/activities.js';
import { ConnectorStandIn } from '../tests/support/connector-stand-in.js';
import { validReferralForm } from '../tests/support/referral-form.js';
import { z } from 'zod';
import { describeRequests, measureRequests, TARGETS as REQUEST_TARGETS } from './requests.js';
import { sweepMs } from './sweep.js';

/**
 * `npm run bench`: Panel's HTTP throughput and latency against a bare botbuilder echo
 * bot measured in the same run on the same machine, each target in its own process,
 * driven by autocannon over loopback: referral submissions, and votes from many voters
 * on one case. Figures are only comparable within one run.
 */
const SECONDS = setting('BENCH_SECONDS', 5, 1);
/** Load before measuring, so that every target is measured with its code compiled (JIT), not while compiling it. */
const WARMUP_SECONDS = setting('BENCH_WARMUP_SECONDS', 2, 0);
const CONNECTIONS = setting('BENCH_CONNECTIONS', 10, 1);
/** Every target is measured once per round; the figures are medians over the rounds. */
const ROUNDS = setting('BENCH_ROUNDS', 3, 1);
const SERVE = fileURLToPath(new URL('./serve.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

/** A whole number of at least `min` from the environment, or `fallback`: anything else stops the bench, saying which. */
function setting(name: string, fallback: number, min: number): number {
  // Unset is the fallback; set but empty is a mistake (z.coerce would read it as 0).
  const parsed = z.coerce
    .number()
    .int()
    .min(min)
    .safeParse(process.env[name]?.trim() === '' ? Number.NaN : (process.env[name] ?? fallback));
  if (!parsed.success) throw new Error(`${name} must be a whole number of at least ${min}`);
  return parsed.data;
}

/** The Bot Connector stand-in, here with the load generator: not part of what is measured. */
const connector = new ConnectorStandIn({ record: false });
/** While set, the stand-in answers as the real Bot Connector does: after 100 to 300 ms. */
let connectorLatency = false;
connector.respondWith(async () => {
  if (connectorLatency) await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
  return undefined;
});
/** Connections for the real-latency target: Teams' burst of a busy partnership. */
const LATENCY_CONNECTIONS = setting('BENCH_LATENCY_CONNECTIONS', 50, 1);
/** A referral's answer must not wait on the Bot Connector: its p99, at LATENCY_CONNECTIONS, under this. */
const LATENCY_P99_MS = 250;

async function withTarget<T>(target: string, run: (url: string, serviceUrl: string) => Promise<T>): Promise<T> {
  const child = spawn(TSX, [SERVE, target], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
  const { port } = JSON.parse(line) as { port: number };
  try {
    return await run(`http://127.0.0.1:${port}/api/messages`, connector.url);
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

async function post(url: string, body: object): Promise<void> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`set-up request answered ${res.status}`);
}

async function load(url: string, body: () => object): Promise<Result> {
  if (WARMUP_SECONDS > 0) await run(url, body, WARMUP_SECONDS);
  return run(url, body, SECONDS);
}

function run(url: string, body: () => object, seconds: number, connections = CONNECTIONS): Promise<Result> {
  return autocannon({
    url,
    method: 'POST',
    connections,
    duration: seconds,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => ({ ...request, body: JSON.stringify(body()) }),
      },
    ],
  });
}

/** Each submission is a new referral: a new submission id, so none is a repeat. */
const referral = (serviceUrl: string) => () =>
  cardAction(serviceUrl, 'dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() });

/** The demo partnership's voters: eight panel members and the chair. */
const VOTERS = ['priya', 'noor', 'ellis', 'rowan', 'sasha', 'quinn', 'avery', 'jamie', 'jo'] as const satisfies readonly PersonKey[];

/** POSTs a set-up activity and returns Panel's answer as text. */
async function answer(url: string, body: object): Promise<string> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`set-up request answered ${res.status}`);
  return res.text();
}

/**
 * A case before the panel: referred, its one agency's nil return in, the agenda posted
 * so its vote is open. Returns its reference.
 */
async function caseBeforePanel(url: string, serviceUrl: string): Promise<string> {
  await post(url, channelMention(serviceUrl, 'sam', 'use this channel for referrals'));
  await post(url, channelMention(serviceUrl, 'sam', 'use this channel for the panel', PANEL_CHANNEL));
  const ack = await answer(url, referral(serviceUrl)());
  const reference = /REF-\d{4}-\d{4}/.exec(ack)?.[0];
  if (!reference) throw new Error('the benchmark case was not referred');
  await answer(
    url,
    cardAction(serviceUrl, 'sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' }, 'channel'),
  );
  await answer(url, cardAction(serviceUrl, 'alex', VERBS.nilReturn, { reference, agencyId: 'police', submissionId: randomUUID() }));
  await post(url, personalMessage(serviceUrl, 'sam', 'post agenda'));
  return reference;
}

/**
 * Votes from the nine voters in turn on one case, each changing its voter's vote, so
 * every one is a write to the same case: the etag conflicts are part of what is measured.
 */
function votes(serviceUrl: string, reference: string): () => object {
  let n = 0;
  return () => {
    const i = n++;
    const who = VOTERS[i % VOTERS.length]!;
    const choice = Math.floor(i / VOTERS.length) % 2 === 0 ? 'partnership' : 'noReview';
    return cardAction(serviceUrl, who, VERBS.castVote, { reference, ballot: '1', choice }, 'panel');
  };
}

/** Fails loudly if a vote is not counted. */
async function checkVoted(url: string, serviceUrl: string, reference: string): Promise<void> {
  const text = await answer(url, cardAction(serviceUrl, 'jo', VERBS.castVote, { reference, ballot: '1', choice: 'onHold' }, 'panel'));
  if (!text.includes('Your vote is recorded')) throw new Error(`the benchmark's vote was not counted: ${text.slice(0, 200)}`);
}

/** Fails loudly if a submission is not accepted: a benchmark of the error path is no use. */
async function checkAccepted(url: string, serviceUrl: string): Promise<void> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(referral(serviceUrl)()),
  });
  const text = await res.text();
  if (!text.includes('Referral received')) throw new Error(`the benchmark's referral was not accepted: ${text.slice(0, 200)}`);
}

/** One thing measured: which process to start, and what to send it once it is set up. */
interface Target {
  name: string;
  serve: 'echo' | 'echo-post' | 'sqlite' | 'cosmos';
  /** Sets the target up and returns the requests to send it. */
  prepare(url: string, serviceUrl: string): Promise<() => object>;
}

const hello = async (_url: string, serviceUrl: string) => () => personalMessage(serviceUrl, 'dana', 'hello');

/** The business unit's channel is set, so every referral is also posted there. */
const referrals = async (url: string, serviceUrl: string) => {
  await post(url, channelMention(serviceUrl, 'sam', 'use this channel for referrals'));
  await checkAccepted(url, serviceUrl);
  return referral(serviceUrl);
};

const votesOnOneCase = async (url: string, serviceUrl: string) => {
  const reference = await caseBeforePanel(url, serviceUrl);
  await checkVoted(url, serviceUrl, reference);
  return votes(serviceUrl, reference);
};

const TARGETS: readonly Target[] = [
  { name: 'echo bot (baseline)', serve: 'echo', prepare: hello },
  { name: 'echo bot + one 3 KB channel post per message', serve: 'echo-post', prepare: hello },
  { name: 'referral submit, SQLite', serve: 'sqlite', prepare: referrals },
  { name: 'referral submit, Cosmos DB test server', serve: 'cosmos', prepare: referrals },
  { name: 'votes, 9 voters on one case, SQLite', serve: 'sqlite', prepare: votesOnOneCase },
  { name: 'votes, 9 voters on one case, Cosmos DB test server', serve: 'cosmos', prepare: votesOnOneCase },
];
const [ECHO, ECHO_POST, REFERRAL_SQLITE] = [0, 1, 2];

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

async function main(): Promise<void> {
  await connector.start();
  // rounds[r][t]: target t in round r. Rounds interleave the targets, so that a spell of
  // load from elsewhere on the machine falls on all of them rather than on one.
  const rounds: Result[][] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const round: Result[] = [];
    for (const target of TARGETS) {
      round.push(await withTarget(target.serve, async (url, serviceUrl) => load(url, await target.prepare(url, serviceUrl))));
    }
    rounds.push(round);
  }
  // Each ratio is taken within its round, against that round's baseline; the median of the rounds is reported.
  const ratio = (t: number, to: number) => median(rounds.map((round) => round[t]!.requests.average / round[to]!.requests.average));
  const errorsOf = (t: number) => rounds.reduce((sum, round) => sum + round[t]!.errors + round[t]!.non2xx + round[t]!.timeouts, 0);
  const rows = TARGETS.map((target, t) => {
    const of = (pick: (result: Result) => number) => median(rounds.map((round) => pick(round[t]!)));
    return `| ${target.name} | ${of((x) => x.requests.average).toFixed(0)} | ${of((x) => x.latency.p50)} | ${of((x) => x.latency.p99)} | ${errorsOf(t)} | ${ratio(t, ECHO).toFixed(2)} |`;
  });
  process.stdout.write(
    [
      '',
      `${ROUNDS} rounds; in each, ${SECONDS} s per target after ${WARMUP_SECONDS} s of warm-up, ${CONNECTIONS} connections, loopback, Node ${process.version}`,
      'Medians over the rounds; each ratio is taken against the echo baseline of its own round.',
      '',
      '| target | requests/s | p50 ms | p99 ms | errors | ratio to echo |',
      '|---|---:|---:|---:|---:|---:|',
      ...rows,
      '',
    ].join('\n'),
  );
  const perRound = (t: number, to = ECHO) =>
    rounds.map((round) => (round[t]!.requests.average / round[to]!.requests.average).toFixed(2)).join(', ');
  process.stdout.write(
    `Ratio to echo in each round: ${TARGETS.slice(1)
      .map((target, i) => `${target.name} ${perRound(i + 1)}`)
      .join('; ')}\n`,
  );
  const ok = ratio(REFERRAL_SQLITE, ECHO) >= 0.7 && errorsOf(REFERRAL_SQLITE) === 0;
  process.stdout.write(`SQLite target (>= 0.7 of the echo baseline, no errors): ${ok ? 'met' : 'NOT met'}\n`);
  process.stdout.write(
    `For comparison, referral submit on SQLite against an echo bot that also posts to a channel: ${ratio(REFERRAL_SQLITE, ECHO_POST).toFixed(2)} (each round: ${perRound(REFERRAL_SQLITE, ECHO_POST)})\n`,
  );

  // Under real latency: Cosmos DB in-region (a few ms per call), the Bot Connector 100-300 ms.
  connectorLatency = true;
  const latent = await withTarget('cosmos-latency', async (url, serviceUrl) => {
    const body = await referrals(url, serviceUrl);
    if (WARMUP_SECONDS > 0) await run(url, body, WARMUP_SECONDS, LATENCY_CONNECTIONS);
    return run(url, body, SECONDS, LATENCY_CONNECTIONS);
  });
  connectorLatency = false;
  const latentErrors = latent.errors + latent.non2xx + latent.timeouts;
  process.stdout.write(
    [
      '',
      `Under real latency (store calls 3-8 ms, Bot Connector 100-300 ms), referral submit on Cosmos DB, ${LATENCY_CONNECTIONS} connections, ${SECONDS} s:`,
      '',
      '| requests/s | p50 ms | p99 ms | errors |',
      '|---:|---:|---:|---:|',
      `| ${latent.requests.average.toFixed(0)} | ${latent.latency.p50} | ${latent.latency.p99} | ${latentErrors} |`,
      '',
      `The answer does not wait on the Bot Connector (p99 < ${LATENCY_P99_MS} ms, no errors): ${latent.latency.p99 < LATENCY_P99_MS && latentErrors === 0 ? 'met' : 'NOT met'}`,
      '',
    ].join('\n'),
  );
  await connector.stop();

  // What one referral and one vote ask of Cosmos DB, counted on the test server.
  const counts = await measureRequests();
  const operations = [
    { name: 'referral: submit to channel post', requests: counts.referral, target: REQUEST_TARGETS.referral },
    { name: "vote, with the shared decision card's refresh", requests: counts.vote, target: REQUEST_TARGETS.vote },
  ];
  const met = operations.every((o) => o.requests.store.length <= o.target);
  process.stdout.write(
    [
      '',
      'Store requests per operation, Cosmos DB (test server), after a warm-up:',
      '',
      '| operation | store requests | target (at most) | metadata requests |',
      '|---|---:|---:|---:|',
      ...operations.map((o) => `| ${o.name} | ${o.requests.store.length} | ${o.target} | ${o.requests.metadata.length} |`),
      '',
      ...operations.flatMap((o) => [`${o.name}:`, ...describeRequests(o.requests.store).map((line) => `  ${line}`)]),
      `Store request targets (referral <= ${REQUEST_TARGETS.referral}, vote <= ${REQUEST_TARGETS.vote}): ${met ? 'met' : 'NOT met'}`,
      '',
    ].join('\n'),
  );

  // The reminder sweep: its cost should follow the reminders due, not the cases open.
  const small = await sweepMs(10_000);
  const large = await sweepMs(100_000);
  process.stdout.write(
    [
      '',
      'Reminder sweep, SQLite, 200 reminders due (median of 5 sweeps):',
      '',
      '| open cases | sweep ms |',
      '|---:|---:|',
      `| 10,000 | ${small.toFixed(1)} |`,
      `| 100,000 | ${large.toFixed(1)} |`,
      '',
      `Ratio for ten times the cases: ${(large / small).toFixed(2)} (target: under 2): ${large / small < 2 ? 'met' : 'NOT met'}`,
      '',
    ].join('\n'),
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
