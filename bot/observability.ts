/**
 * What operators alert on, through OpenTelemetry (sent to Application Insights when
 * bot/telemetry.ts has started it; a no-op otherwise): traces of turns, store calls and
 * Bot Connector calls, and metrics of the effects backlog, effects failed, throttled store
 * calls and the Bot Connector's 429s. Names and kinds only: never an activity's text, a
 * reference's case or anything a person typed.
 */
import { metrics, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import type { EffectKind } from '../review/effects.js';
import { StoreBusyError, type CaseStore } from '../review/store.js';

const meter = metrics.getMeter('panel');
const tracer = trace.getTracer('panel');

const outcomes = meter.createCounter('panel.effects.outcomes', {
  description: 'Effects done, by kind and outcome (sent, skipped, failed for good, retried, later)',
});
const storeThrottled = meter.createCounter('panel.store.throttled', {
  description: 'Store calls refused as busy (Cosmos DB 429) after the SDK retries',
});
const connectorThrottled = meter.createCounter('panel.connector.throttled', {
  description: 'Bot Connector calls answered 429 (Teams throttling Panel)',
});

/** An effect's outcome as the runner recorded it. */
export function effectOutcome(kind: EffectKind, status: string): void {
  outcomes.add(1, { kind, status });
}

/** The Bot Connector answered 429. */
export function connectorThrottle(): void {
  connectorThrottled.add(1);
}

/** Runs `work` in a span named `name`; a failure is recorded on it, by its error's name only. */
export async function traced<T>(name: string, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await work();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.name : 'error' });
      throw err;
    } finally {
      span.end();
    }
  });
}

/** The store, each call traced (`store.<method>`) and each busy refusal counted. */
export function meteredStore(store: CaseStore, kind: string): CaseStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) =>
        traced(`store.${property}`, { 'db.system': kind }, async () => {
          try {
            return (await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args)) as unknown;
          } catch (err) {
            if (err instanceof StoreBusyError) storeThrottled.add(1, { method: property });
            throw err;
          }
        });
    },
  });
}

/**
 * The effects backlog, read when metrics are collected: how many cases have an effect due
 * (up to `limit`), and how long the oldest has waited. One indexed query per collection.
 */
export function observeBacklog(store: CaseStore, now: () => Date, limit = 100): void {
  const due = meter.createObservableGauge('panel.effects.due_cases', { description: `Cases with an effect due now (at most ${limit})` });
  const oldest = meter.createObservableGauge('panel.effects.oldest_due_seconds', {
    description: 'How long the longest-waiting effect due has waited, in seconds',
    unit: 's',
  });
  meter.addBatchObservableCallback(
    async (result) => {
      const at = now();
      // A store that does not answer has no backlog to report: /readyz and the store's own metrics say why.
      const page = await store.listDueCases(at.toISOString(), { limit }).catch(() => undefined);
      if (!page) return;
      result.observe(due, page.items.length);
      const first = page.items[0]?.dueAt;
      result.observe(oldest, first ? Math.max(0, (at.getTime() - Date.parse(first)) / 1000) : 0);
    },
    [due, oldest],
  );
}

/** Flushes what telemetry holds (before the process exits), waiting at most `ms`; nothing to do when it is off. */
export async function flushTelemetry(ms: number): Promise<void> {
  type Flushable = { forceFlush?: () => Promise<void>; getDelegate?: () => Flushable };
  const tracing = trace.getTracerProvider() as Flushable;
  const providers = [tracing.getDelegate?.() ?? tracing, metrics.getMeterProvider() as Flushable];
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([Promise.allSettled(providers.map((p) => p.forceFlush?.())), late]);
  clearTimeout(timer);
}
