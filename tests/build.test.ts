import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'panel-build-'));

/** `npm start`'s command, as package.json says: node, the telemetry preload, the compiled server; no tsx. */
const START = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start.split(' ');

function start(env: Record<string, string>) {
  expect(START[0]).toBe('node');
  const child = spawn(process.execPath, START.slice(1), {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: '0',
      SQLITE_PATH: join(dir, 'panel.db'),
      PARTNERSHIP_FILE: join(ROOT, 'partnership', 'demo.yaml'),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (output += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (output += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise<number>((resolve, reject) => {
    child.stdout.on('data', () => {
      const port = /"port":(\d+)/.exec(output)?.[1];
      if (port) resolve(Number(port));
    });
    void exited.then(() => reject(new Error(`exited before it listened:\n${output}`)));
  });
  // A process that is meant to refuse to start never listens: that is not an error of its own.
  listening.catch(() => undefined);
  return { child, exited, listening, output: () => output };
}

/** A message as Teams sends one, but without a Bot Framework token. */
const postUnsigned = (port: number, extra: Record<string, string>) =>
  fetch(`http://127.0.0.1:${port}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'message',
      id: '1',
      channelId: 'msteams',
      serviceUrl: 'https://smba.example/',
      from: { id: '29:x' },
      conversation: { id: 'a:x' },
      recipient: { id: '28:panel' },
      ...extra,
    }),
  });

describe('the production build', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'pipe' });
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses LOCAL_MODE with NODE_ENV=production, as the source does', async () => {
    const panel = start({ LOCAL_MODE: 'true' });
    expect(await panel.exited).toBe(1);
    expect(panel.output()).toMatch(/LOCAL_MODE=true turns authentication off and is refused when NODE_ENV=production/);
  });

  it('starts the compiled server with bot credentials, answers its probes, and stops cleanly on SIGTERM', async () => {
    const panel = start({
      BOT_ID: '0b8d3f4e-3c52-4f2a-9a1e-0e6f5e0c9a11',
      BOT_PASSWORD: 'not-a-real-secret',
      BOT_TENANT_ID: '8f1c7a52-3f0e-4d7b-9a51-5a8f3c2e1d00',
      LOG_LEVEL: 'info',
    });
    const port = await panel.listening;
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
    // Authentication is on: an activity without a Bot Framework token is refused.
    const unsigned = await postUnsigned(port, {});
    expect(unsigned.status).toBe(401);
    panel.child.kill('SIGTERM');
    expect(await panel.exited).toBe(0);
    expect(panel.output()).toMatch(/Panel is stopping/);
  });

  it('with APPLICATIONINSIGHTS_CONNECTION_STRING, sends its traces to Application Insights, and nothing anyone typed', async () => {
    // A stand-in for Application Insights' ingestion endpoint: what the exporter sends, unzipped.
    // It sends only over HTTPS: the Cosmos test server's certificate serves (trusted by the child alone).
    const tls = join(ROOT, 'node_modules', '@vercel', 'cosmosdb-server');
    const received: string[] = [];
    const ingestion = createServer({ key: readFileSync(join(tls, 'key.pem')), cert: readFileSync(join(tls, 'cert.pem')) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        received.push((req.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body).toString('utf8'));
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ itemsReceived: 1, itemsAccepted: 1, errors: [] }));
      });
    });
    await new Promise<void>((resolve) => ingestion.listen(0, '127.0.0.1', resolve));
    const endpoint = `https://127.0.0.1:${(ingestion.address() as AddressInfo).port}/`;
    const panel = start({
      BOT_ID: '0b8d3f4e-3c52-4f2a-9a1e-0e6f5e0c9a11',
      BOT_PASSWORD: 'not-a-real-secret',
      BOT_TENANT_ID: '8f1c7a52-3f0e-4d7b-9a51-5a8f3c2e1d00',
      APPLICATIONINSIGHTS_CONNECTION_STRING: `InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=${endpoint}`,
      NODE_TLS_REJECT_UNAUTHORIZED: '0',
    });
    try {
      const port = await panel.listening;
      await postUnsigned(port, { text: 'Jane Doe was hurt' });
      panel.child.kill('SIGTERM');
      expect(await panel.exited).toBe(0);
      const sent = received.join('\n');
      expect(sent).toMatch(/"name":"turn"/);
      // The metrics operators alert on go too.
      expect(sent).toMatch(/panel\.effects\.due_cases|panel\.effects\.oldest_due_seconds/);
      expect(sent).not.toContain('Jane Doe');
    } finally {
      ingestion.closeAllConnections();
      await new Promise<void>((resolve) => ingestion.close(() => resolve()));
    }
  });
});
