import { Worker } from 'node:worker_threads';
import { beforeEach } from 'vitest';

/**
 * A test worker whose event loop stops turning can never time out: vitest's timers run
 * on that same loop. This watchdog, a thread beside it, notices the loop has not turned
 * for STALL_MS, prints the test that was running and the main thread's JavaScript stack
 * (a CPU profile of it, taken through the inspector), and kills the worker, so vitest reports that file as
 * failed and the run goes on instead of hanging until CI gives up.
 */
const STALL_MS = 120_000;

/** Plain JavaScript: the thread is started with `eval`, outside vitest's transforms. */
const WATCHDOG = `
const { parentPort, workerData } = require('node:worker_threads');
const inspector = require('node:inspector');
const { writeSync } = require('node:fs');
const beat = new Int32Array(workerData.beat);
let running = '(no test started yet)';
parentPort.on('message', (name) => { running = name; });
const check = setInterval(() => {
  if (Date.now() / 1000 - Atomics.load(beat, 0) < workerData.stallMs / 1000) return;
  clearInterval(check);
  const session = new inspector.Session();
  session.connectToMainThread();
  let said = false;
  const say = (stack) => {
    if (said) return;
    said = true;
    writeSync(2, '\\nwatchdog: the event loop has not turned for ' + workerData.stallMs / 1000 + ' s, in ' + running + '\\n' + stack + '\\n');
    process.kill(process.pid, 'SIGKILL');
  };
  const at = (f) => (f.functionName || '(anonymous)') + ' (' + f.url + ':' + (f.lineNumber + 1) + ')';
  // A CPU profile of a few seconds names where the loop spins (a pause lands between microtasks).
  session.post('Profiler.enable', () =>
    session.post('Profiler.start', () =>
      setTimeout(() =>
        session.post('Profiler.stop', (err, result) => {
          if (err) return say('  (no profile: ' + err.message + ')');
          const hits = new Map();
          for (const node of result.profile.nodes) {
            if (!node.hitCount || !node.callFrame.url) continue;
            const where = at(node.callFrame);
            hits.set(where, (hits.get(where) ?? 0) + node.hitCount);
          }
          const top = [...hits].sort((a, b) => b[1] - a[1]).slice(0, 25);
          say(top.map(([where, n]) => '  ' + String(n).padStart(6) + '  ' + where).join('\\n') || '  (no JavaScript ran)');
        }),
      3_000),
    ),
  );
  setTimeout(() => say('  (no JavaScript stack: blocked outside JavaScript)'), 10_000);
}, 5_000);
`;

const STARTED = Symbol.for('panel.tests.watchdog');
const state = globalThis as typeof globalThis & { [STARTED]?: Worker };

if (!state[STARTED]) {
  const beat = new Int32Array(new SharedArrayBuffer(4));
  const turn = () => Atomics.store(beat, 0, Math.floor(Date.now() / 1000));
  turn();
  setInterval(turn, 1_000).unref();
  const watchdog = new Worker(WATCHDOG, { eval: true, workerData: { beat: beat.buffer, stallMs: STALL_MS } });
  watchdog.unref();
  state[STARTED] = watchdog;
}

beforeEach((context) => {
  state[STARTED]?.postMessage(`${context.task.file.name} > ${context.task.name}`);
});
