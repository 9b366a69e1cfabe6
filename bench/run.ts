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
import { sweepMs } from './sweep.js';

/**
 * `npm run bench`: Panel's HTTP throughput and latency against a bare botbuilder echo
 * bot measured in the same run on the same machine, each target in its own process,
 * driven by autocannon over loopback: referral submissions, and votes from many voters
 * on one case. Figures are only comparable within one run.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Load before measuring, so that every target is measured with its code compiled (JIT), not while compiling it. */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const SERVE = fileURLToPath(new URL('./serve.ts', import.meta.url));
const TSX = fileURLToPath(new URL('../node_modules/.bin/tsx', import.meta.url));

interface Measured {
  name: string;
  result: Result;
}

/** The Bot Connector stand-in, here with the load generator: not part of what is measured. */
const connector = new ConnectorStandIn({ record: false });

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

function run(url: string, body: () => object, seconds: number): Promise<Result> {
  return autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
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
  await answer(url, cardAction(serviceUrl, 'sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' }, 'channel'));
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
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(referral(serviceUrl)()) });
  const text = await res.text();
  if (!text.includes('Referral received')) throw new Error(`the benchmark's referral was not accepted: ${text.slice(0, 200)}`);
}

async function main(): Promise<void> {
  await connector.start();
  const measured: Measured[] = [];
  measured.push({
    name: 'echo bot (baseline)',
    result: await withTarget('echo', (url, serviceUrl) => load(url, () => personalMessage(serviceUrl, 'dana', 'hello'))),
  });
  measured.push({
    name: 'echo bot + one 3 KB channel post per message',
    result: await withTarget('echo-post', (url, serviceUrl) => load(url, () => personalMessage(serviceUrl, 'dana', 'hello'))),
  });
  for (const [target, name] of [
    ['sqlite', 'referral submit, SQLite'],
    ['cosmos', 'referral submit, Cosmos DB test server'],
  ] as const) {
    const result = await withTarget(target, async (url, serviceUrl) => {
      // The business unit's channel is set, so every referral is also posted there.
      await post(url, channelMention(serviceUrl, 'sam', 'use this channel for referrals'));
      await checkAccepted(url, serviceUrl);
      return load(url, referral(serviceUrl));
    });
    measured.push({ name, result });
  }
  for (const [target, name] of [
    ['sqlite', 'votes, 9 voters on one case, SQLite'],
    ['cosmos', 'votes, 9 voters on one case, Cosmos DB test server'],
  ] as const) {
    const result = await withTarget(target, async (url, serviceUrl) => {
      const reference = await caseBeforePanel(url, serviceUrl);
      await checkVoted(url, serviceUrl, reference);
      return load(url, votes(serviceUrl, reference));
    });
    measured.push({ name, result });
  }

  const baseline = measured[0]!.result.requests.average;
  const rows = measured.map(({ name, result }) => {
    const errors = result.errors + result.non2xx + result.timeouts;
    return `| ${name} | ${result.requests.average.toFixed(0)} | ${result.latency.p50} | ${result.latency.p99} | ${errors} | ${(result.requests.average / baseline).toFixed(2)} |`;
  });
  process.stdout.write(
    [
      '',
      `${SECONDS} s each after ${WARMUP_SECONDS} s of warm-up, ${CONNECTIONS} connections, loopback, Node ${process.version}`,
      '',
      '| target | requests/s | p50 ms | p99 ms | errors | ratio to echo |',
      '|---|---:|---:|---:|---:|---:|',
      ...rows,
      '',
    ].join('\n'),
  );
  const sqlite = measured[2]!.result;
  const ok = sqlite.requests.average / baseline >= 0.7 && sqlite.errors + sqlite.non2xx === 0;
  process.stdout.write(`SQLite target (>= 0.7 of the echo baseline, no errors): ${ok ? 'met' : 'NOT met'}\n`);
  const posting = measured[1]!.result.requests.average;
  process.stdout.write(
    `For comparison, referral submit on SQLite against an echo bot that also posts to a channel: ${(sqlite.requests.average / posting).toFixed(2)}\n`,
  );
  await connector.stop();

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
