import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';

/** The repository root: the Playground reads .m365agentsplayground.yml from here. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = fileURLToPath(new URL('../node_modules/@microsoft/m365agentsplayground/cli.js', import.meta.url));

export interface Playground {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the Microsoft 365 Agents Playground (a Teams-like client, development use
 * only) headless, pointed at a bot endpoint, and resolves once it answers its ping.
 * It falls back to a random port when `port` is taken, so the port it really took is
 * read from its own "Listening on" line.
 */
export async function startPlayground(options: {
  port: number;
  botEndpoint: string;
  /** Where its .m365agentsplayground.yml is (who the current user is); the repository by default. */
  dir?: string;
}): Promise<Playground> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      '--disable-telemetry',
      '-p',
      String(options.port),
      '-c',
      'msteams',
      '-e',
      options.botEndpoint,
      '--service-url',
      `http://127.0.0.1:${options.port}/_connector`,
    ],
    { cwd: options.dir ?? REPO_ROOT, env: { ...process.env, TEAMSAPPTESTER_BROWSER: 'none' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(
      `the Agents Playground exited (code ${String(code)}); see devTools/m365agentsplayground.log (beside its .m365agentsplayground.yml) for why`,
    );
  });
  let output = '';
  const listening = new Promise<number>((resolve) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Listening on (\d+)/.exec(output);
      if (m) resolve(Number(m[1]));
    });
  });
  child.stderr.resume();
  const port = await Promise.race([listening, exited]);
  const url = `http://127.0.0.1:${port}`;
  // Listening comes a moment before the app is ready to answer; ask until it is.
  for (let attempt = 0; ; attempt++) {
    const pong = await fetch(`${url}/_debug/ping`).then(
      (r) => r.text(),
      () => '',
    );
    if (pong.includes('pong')) break;
    if (attempt > 100) throw new Error('the Agents Playground did not answer /_debug/ping');
    await Promise.race([delay(100), exited]);
  }
  void exited.catch(() => undefined);
  return {
    url,
    async stop() {
      if (child.exitCode !== null) return;
      const gone = once(child, 'exit');
      child.kill('SIGTERM');
      await gone;
    },
  };
}
