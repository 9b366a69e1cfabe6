import { describe, expect, it } from 'vitest';
import { withConnectorRetry } from '../../bot/connector-retry.js';

/** An error as the Bot Connector client throws it: a status code and the response's headers. */
const refusal = (statusCode: number, headers: Record<string, string> = {}) =>
  Object.assign(new Error(`answered ${statusCode}`), { statusCode, response: { headers: { get: (name: string) => headers[name] } } });

/** A call refused with each of `errors` in turn, then answered. */
function calls(errors: Error[]) {
  let made = 0;
  return {
    call: async () => {
      const error = errors[made++];
      if (error) throw error;
      return 'ok';
    },
    made: () => made,
  };
}

describe('retrying the Bot Connector', () => {
  const waits: number[] = [];
  const wait = async (ms: number) => void waits.push(ms);

  it('retries a 412 and a 429 without Retry-After, with growing waits', async () => {
    waits.length = 0;
    const c = calls([refusal(412), refusal(429), refusal(429)]);
    await expect(withConnectorRetry(c.call, { wait, baseMs: 100 })).resolves.toBe('ok');
    expect(c.made()).toBe(4);
    expect(waits).toHaveLength(3);
    waits.forEach((ms, i) => expect(ms).toBeLessThanOrEqual(100 * 2 ** i));
  });

  it('gives up after its attempts', async () => {
    const c = calls([refusal(412), refusal(412), refusal(412), refusal(412), refusal(412)]);
    await expect(withConnectorRetry(c.call, { wait, attempts: 4 })).rejects.toMatchObject({ statusCode: 412 });
    expect(c.made()).toBe(4);
  });

  it('leaves to the client what its pipeline already retried: a 429 with Retry-After, a 503, a 502', async () => {
    for (const error of [refusal(429, { 'retry-after': '2' }), refusal(429, { 'retry-after-ms': '20' }), refusal(503), refusal(502)]) {
      const c = calls([error]);
      await expect(withConnectorRetry(c.call, { wait })).rejects.toBe(error);
      expect(c.made()).toBe(1);
    }
  });

  it('does not retry a refusal (403) or an error with no status', async () => {
    for (const error of [refusal(403), new Error('socket hang up')]) {
      const c = calls([error]);
      await expect(withConnectorRetry(c.call, { wait })).rejects.toBe(error);
      expect(c.made()).toBe(1);
    }
  });
});
