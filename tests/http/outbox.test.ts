import { describe, expect, it } from 'vitest';
import { requestKey } from '../../bot/send-requests.js';
import { formatReference } from '../../review/case.js';
import { channelPostKey } from '../../review/store.js';
import { localDate } from '../../review/local-date.js';
import { withRapidReview } from '../../review/rapid-review.js';
import { updateCase } from '../../review/update-case.js';
import { sweepOutbox } from '../../scheduler/outbox.js';
import { channelMention, PEOPLE, personalMessage, REFERRALS_CHANNEL } from '../support/activities.js';
import { cardOf, texts } from '../support/cards.js';
import { httpSuite } from '../support/http-suite.js';
import { NOW } from '../support/panel-harness.js';
import { caseRecord } from '../unit/fixtures.js';

/** Ten minutes before the suite's "now": long enough ago for any lease to have run out. */
const TEN_MINUTES_AGO = new Date(NOW.getTime() - 10 * 60_000).toISOString();

/**
 * The outbox sweep finishes what an instance claimed and then died before finishing: a
 * channel post, a request to a lead. Exactly one of several sweeps does each, and one
 * runs at start-up.
 */
describe('side effects left unfinished by a crash', () => {
  const { connector, panel, serviceUrl } = httpSuite();
  const deps = () => panel.panel.deps;

  /** A case stored, with the claim of its channel post, by an instance that died straight after. */
  async function caseWithDeadClaim(submission: string): Promise<string> {
    const { record } = await panel.store.createCaseOnce(
      submission,
      2026,
      (n) => caseRecord({ reference: formatReference(2026, n), sequence: n }),
      'x',
      (r) => [{ key: channelPostKey(r.reference), caseId: r.reference, kind: 'channelPost', at: TEN_MINUTES_AGO }],
    );
    return record.reference;
  }
  const channelPosts = () =>
    connector.matching('POST', /^\/v3\/conversations$/).filter((c) => JSON.stringify(c.body).includes(REFERRALS_CHANNEL));

  it('a channel post whose claimant died is posted once, however many sweeps run', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    const reference = await caseWithDeadClaim('crash:1');
    // Still held by its claimant: nothing to do yet.
    await panel.store.claimNotification({ key: 'channel-post:held', caseId: reference, kind: 'channelPost', at: NOW.toISOString() });

    const before = channelPosts().length;
    const taken = await Promise.all([sweepOutbox(deps()), sweepOutbox(deps()), sweepOutbox(deps())]);
    expect(taken.reduce((a, b) => a + b, 0)).toBe(1);
    expect(channelPosts().length - before).toBe(1);
    expect(await panel.store.getNotification(reference, `channel-post:${reference}`)).toMatchObject({ status: 'sent' });
    expect(await panel.store.getNotification(reference, 'channel-post:held')).toMatchObject({ status: 'pending' });
    expect((await panel.store.listAudit(reference)).map((e) => e.action)).toContain('channel.posted');
  });

  it('a request to a lead whose sender died is sent once, and recorded on the case', async () => {
    await panel.send(personalMessage(serviceUrl(), 'lee', 'help'));
    const reference = await caseWithDeadClaim('crash:2');
    await sweepOutbox(deps());
    const partnership = deps().review.partnership;
    await updateCase(panel.store, reference, (r) =>
      withRapidReview(r, { agencies: ['la'], dueOn: localDate('2026-12-11'), by: PEOPLE.sam.aadObjectId, at: TEN_MINUTES_AGO }, partnership),
    );
    const target = { agencyId: 'la', aadObjectId: PEOPLE.lee.aadObjectId, attempt: 1 };
    await panel.store.claimNotification({
      key: requestKey(reference, target),
      caseId: reference,
      kind: 'leadRequest',
      at: TEN_MINUTES_AGO,
      payload: { agencyId: 'la', aadObjectId: PEOPLE.lee.aadObjectId, attempt: '1', serviceUrl: serviceUrl() },
    });

    const before = connector.calls.length;
    await Promise.all([sweepOutbox(deps()), sweepOutbox(deps())]);
    const toLee = connector.calls
      .slice(before)
      .filter((c) => c.path === '/v3/conversations/a:personal-lee/activities');
    expect(toLee).toHaveLength(1);
    expect(texts(cardOf(toLee[0]!.body)).join('\n')).toContain(`Rapid review request: ${reference}`);
    const request = (await panel.store.getCase(reference))!.rapidReview!.requests[0]!;
    expect(Object.values(request.deliveries)).toMatchObject([{ status: 'sent' }]);
  });

  it('the sweep runs when Panel starts: what the last run left is finished', async () => {
    const reference = await caseWithDeadClaim('crash:3');
    const before = channelPosts().length;
    await panel.restart();
    await panel.idle();
    expect(channelPosts().length - before).toBe(1);
    expect(await panel.store.getNotification(reference, `channel-post:${reference}`)).toMatchObject({ status: 'sent' });
  });
});
