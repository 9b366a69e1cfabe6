import { setTimeout as delay } from 'node:timers/promises';

/** Statuses Teams asks bots to retry: throttled, and the transient gateway failures. */
const RETRYABLE = new Set([412, 429, 502, 503, 504]);

interface RestLikeError {
  statusCode?: number;
  response?: { headers?: { get(name: string): string | undefined } };
}

/** Seconds (or an HTTP date) from Retry-After, as milliseconds. */
function retryAfterMs(err: RestLikeError): number | undefined {
  const header = err.response?.headers?.get('retry-after');
  if (header === undefined) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  /** Waits; injected so tests need not. */
  wait?: (ms: number) => Promise<void>;
}

/**
 * Calls the Bot Connector, retrying what Teams says to retry: the server's Retry-After
 * when it gives one, otherwise exponential backoff with full jitter. The connector
 * client does not retry these itself.
 */
export async function withConnectorRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { attempts = 4, baseMs = 500, wait = (ms: number) => delay(ms).then(() => undefined) } = options;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const status = (err as RestLikeError).statusCode;
      if (attempt >= attempts || status === undefined || !RETRYABLE.has(status)) throw err;
      await wait(retryAfterMs(err as RestLikeError) ?? Math.random() * baseMs * 2 ** (attempt - 1));
    }
  }
}
