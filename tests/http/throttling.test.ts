import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BUSY_NOTICE } from '../../bot/handlers/submit-referral.js';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, personalMessage } from '../support/activities.js';
import { input, texts } from '../support/cards.js';
import { httpSuite } from '../support/http-suite.js';
import { validReferralForm, NO_RISK } from '../support/referral-form.js';

/**
 * Cosmos DB throttling (429): the SDK retries as Retry-After says; once its retries
 * are spent the user hears that Panel is busy, keeps what they typed, and a second
 * submit completes the same referral, once.
 */
describe('a throttled Cosmos DB', () => {
  const { connector, panel, serviceUrl } = httpSuite({}, 'cosmos');
  const cosmos = () => {
    if (!panel.cosmos) throw new Error('the suite runs on Cosmos');
    return panel.cosmos;
  };

  const caseWrite = (req: IncomingMessage) => req.method === 'POST' && /\/colls\/cases\/docs$/.test(req.url ?? '');
  it('a submit whose case cannot be written gets the same card back, saying Panel is busy', async () => {
    const data = { ...validReferralForm(NO_RISK), submissionId: randomUUID() };
    // Let the submission key through, throttle the case itself: the worst moment.
    cosmos().throttle(caseWrite);
    const busy = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, data));
    expect(cosmos().throttled()).toBeGreaterThan(1);
    expect(texts(busy.value)).toContain(BUSY_NOTICE);
    expect(input(busy.value, 'subjectName').value).toBe('Charlie Brook');
    expect(await panel.store.getCase('REF-2026-0001')).toBeUndefined();

    cosmos().throttle(undefined);
    const done = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, data));
    expect(texts(done.value).join('\n')).toMatch(/Referral received: REF-2026-0001/);
    const again = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, data));
    expect(texts(again.value).join('\n')).toMatch(/Referral received: REF-2026-0001/);
    expect(await panel.store.getCase('REF-2026-0002')).toBeUndefined();
    const audit = await panel.store.listAudit('REF-2026-0001');
    expect(audit.filter((e) => e.action === 'case.created')).toHaveLength(1);
  });

  it('a message turn on a throttled store is told Panel is busy', async () => {
    cosmos().throttle(() => true);
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'sam', 'status REF-2026-0001'));
    cosmos().throttle(undefined);
    const reply = connector.calls.slice(before).find((c) => c.method === 'POST');
    expect(String(reply?.body.text)).toMatch(/very busy just now and nothing was changed/);
  });
});
