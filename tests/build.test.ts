import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'panel-build-'));

/** `npm start` as production runs it: the compiled server, `node dist/bot/main.js`, no tsx. */
function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['dist/bot/main.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', PORT: '0', SQLITE_PATH: join(dir, 'panel.db'), ...env },
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
    const unsigned = await fetch(`http://127.0.0.1:${port}/api/messages`, {
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
      }),
    });
    expect(unsigned.status).toBe(401);
    panel.child.kill('SIGTERM');
    expect(await panel.exited).toBe(0);
    expect(panel.output()).toMatch(/Panel is stopping/);
  });
});
