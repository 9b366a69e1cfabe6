import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, channelMention, personalMessage } from '../support/activities.js';
import { texts } from '../support/cards.js';
import { httpSuite } from '../support/http-suite.js';
import { validReferralForm } from '../support/referral-form.js';

describe('explore', () => {
  const { connector, panel, serviceUrl } = httpSuite({}, 'cosmos');
  it('logs', async () => {
    const log: string[] = [];
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    await panel.send(personalMessage(serviceUrl(), 'alex', 'help'));
    panel.cosmos!.throttle((req) => {
      log.push(`${req.method} ${req.url} ${JSON.stringify(Object.fromEntries(Object.entries(req.headers).filter(([k]) => /query|batch|upsert|content-type|if-match/i.test(k))))}`);
      return false;
    });
    const ack = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() }));
    const reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await panel.idle();
    log.push('---- start');
    await panel.invoke(cardAction(serviceUrl(), 'sam', VERBS.confirmRapidReview, { reference, agencies: 'police,education', dueOn: '2026-12-11' }, 'channel'));
    await panel.idle();
    log.push('---- sweep');
    await panel.panel.deps.effects.sweep();
    console.log(log.join('\n'));
    console.log(connector.calls.map((c) => `${c.method} ${c.path}`).join('\n'));
    expect(1).toBe(1);
  });
});
