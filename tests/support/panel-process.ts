import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Activity } from './activities.js';
import type { InvokeBody } from './panel-harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MAIN = fileURLToPath(new URL('./panel-process-main.ts', import.meta.url));

/** How long a child may take to load, listen or sweep: it loads the Teams SDK and opens its store. */
const WITHIN_MS = 30_000;

type Event = 'loaded' | 'ready' | 'swept';

/**
 * A real Panel process (tests/support/panel-process-main.ts, run by `node --import tsx`),
 * in local mode, on a free port, with its clock fixed at a given instant: started,
 * killed with SIGKILL as a crash would, and started again on the same store at a later
 * instant. Loading Panel's modules takes a few seconds, so the process that replaces a
 * crashed one can be spawned ahead (`prepare`) and let start once the crash is done
 * (`launch`): only then does it open the store, listen and sweep.
 */
export class PanelProcess {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private events = new Map<Event, Promise<Record<string, unknown>>>();
  private prepared = false;
  /** The instant its clock is fixed at, while it runs. */
  clock: string | undefined;
  /** What the child wrote, stdout and stderr interleaved, for a failure's message. */
  output = '';
  port = 0;

  /**
   * `env` names the store (SQLITE_PATH, or STORE=cosmos and its settings) and anything
   * else; LOCAL_MODE, PORT (0: a free one) and the log level are set here unless `env`
   * says otherwise.
   */
  constructor(private readonly env: Record<string, string>) {}

  /** Starts the child with Panel's clock fixed at `now`; resolves once GET /healthz answers. */
  async start(now: string): Promise<this> {
    this.spawn(now, false);
    return this.listening();
  }

  /** Spawns the child with its clock at `now`, to load its modules and wait for `launch`. */
  prepare(now: string): this {
    this.spawn(now, true);
    this.prepared = true;
    return this;
  }

  /** Lets a prepared child start: it opens the store, listens (resolved then) and sweeps. */
  async launch(): Promise<this> {
    if (!this.prepared || !this.child) throw new Error('no Panel process is prepared');
    this.prepared = false;
    await this.event('loaded');
    this.child.stdin!.write('start\n');
    return this.listening();
  }

  /** Resolves once the child's start-up sweep has finished (it writes so on stdout). */
  async startupSweep(): Promise<void> {
    await this.event('swept');
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Whether the child is alive (prepared, or started). */
  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL, as a crash: nothing is flushed, closed or finished. Resolves once it has exited. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await this.exited;
    this.child = undefined;
    this.prepared = false;
    this.clock = undefined;
  }

  /**
   * SIGTERM, as App Service or a redeploy stops it: it finishes what is under way and
   * exits. Resolves with its exit code once it has exited (0: it closed within its grace).
   */
  async terminate(): Promise<number | null> {
    const child = this.child;
    if (!child) return null;
    child.kill('SIGTERM');
    await this.exited;
    this.child = undefined;
    this.clock = undefined;
    return child.exitCode;
  }

  /** Kills the child (if running) and starts another on the same store, its clock at `now`. */
  async restart(now: string): Promise<this> {
    await this.kill();
    return this.start(now);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/api/messages`;
  }

  /** POSTs an activity as Teams would, and returns the HTTP status and body. */
  async send(activity: Activity): Promise<{ status: number; body: unknown }> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  /** Sends a card action and returns the card (or message) Panel answers with. */
  async invoke(activity: Activity): Promise<InvokeBody> {
    const { status, body } = await this.send(activity);
    if (status !== 200) throw new Error(`invoke answered ${status}: ${JSON.stringify(body)}`);
    return body as InvokeBody;
  }

  private spawn(now: string, wait: boolean): void {
    if (this.child) throw new Error('the Panel process is already running');
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      LOCAL_MODE: 'true',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ...this.env,
      PANEL_TEST_NOW: now,
      PANEL_TEST_WAIT: String(wait),
    };
    // Vitest's options for its own workers are not Panel's.
    delete env.NODE_OPTIONS;
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child = child;
    this.clock = now;
    this.output = '';
    this.port = 0;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const settle = new Map<Event, (said: Record<string, unknown>) => void>();
    this.events = new Map(
      (['loaded', 'ready', 'swept'] as const).map((e) => [e, new Promise((resolve) => settle.set(e, resolve))] as const),
    );
    let pending = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.output += chunk;
      pending += chunk;
      for (let at = pending.indexOf('\n'); at >= 0; at = pending.indexOf('\n')) {
        const said = parseLine(pending.slice(0, at));
        pending = pending.slice(at + 1);
        if (said) settle.get(said.panelProcess as Event)?.(said);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.output += chunk));
    // A pipe the child has closed (it died) is not the test's error.
    child.stdin!.on('error', () => {});
  }

  private async listening(): Promise<this> {
    const ready = await this.event('ready');
    this.port = Number(ready.port);
    const health = await fetch(`http://127.0.0.1:${this.port}/healthz`);
    if (health.status !== 200) throw new Error(`GET /healthz answered ${health.status}`);
    return this;
  }

  /** Resolves when the child says `event`; rejects if it exits first, or takes too long. */
  private event(event: Event): Promise<Record<string, unknown>> {
    const said = this.events.get(event);
    if (!said || !this.child) return Promise.reject(new Error(`no Panel process to wait for (${event})`));
    const exited = this.exited;
    return new Promise((resolve, reject) => {
      let settled = false;
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(new Error(`the Panel process ${why} before it was ${event}:\n${this.output}`));
      };
      const timer = setTimeout(() => fail(`took ${WITHIN_MS} ms`), WITHIN_MS);
      // What it said before it exited still counts: `said` is looked at first.
      void said.then((detail) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(detail);
      });
      void exited.then(() => fail('exited'));
    });
  }
}

function parseLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{"panelProcess"')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/**
 * Polls `check` until it gives something other than undefined or false, for at most
 * `ms`: for a condition another process brings about (a call received, a write done).
 */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false> | T | undefined | false,
  ms = 15_000,
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
