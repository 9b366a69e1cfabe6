import { setTimeout as delay } from 'node:timers/promises';

interface RestLikeError {
  statusCode?: number;
  response?: { headers?: { get(name: string): string | undefined } };
}

/**
 * What the Bot Connector client's own HTTP pipeline leaves unretried of what Teams asks
 * bots to retry. The pipeline (@azure/core-rest-pipeline's default retry policy) already
 * retries, three times, a 429 or 503 that carries Retry-After, as it says, and other
 * 5xx with backoff; retrying those again here would multiply the attempts. Left are a
 * 412 and a 429 without Retry-After.
 */
function leftToRetry(err: RestLikeError): boolean {
  if (err.statusCode === 412) return true;
  const headers = err.response?.headers;
  return (
    err.statusCode === 429 && ['retry-after', 'retry-after-ms', 'x-ms-retry-after-ms'].every((name) => headers?.get(name) === undefined)
  );
}

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  /** Waits; injected so tests need not. */
  wait?: (ms: number) => Promise<void>;
}

/**
 * Calls the Bot Connector, retrying what Teams says to retry and the client does not:
 * exponential backoff with full jitter, a few seconds in all.
 */
export async function withConnectorRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 4, baseMs = 500, wait = (ms: number) => delay(ms).then(() => undefined) } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= attempts || !leftToRetry(err as RestLikeError)) throw err;
      await wait(Math.random() * baseMs * 2 ** (attempt - 1));
    }
  }
}
