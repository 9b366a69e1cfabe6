import { describe, expect, it } from 'vitest';
import { formatReference } from '../../review/case.js';
import { owe, type Effect } from '../../review/effects.js';
import { localDate } from '../../review/local-date.js';
import { requestsOwed } from '../../review/owed.js';
import { withRapidReview } from '../../review/rapid-review.js';
import { updateCase } from '../../review/update-case.js';
import { channelMention, PEOPLE, personalMessage, REFERRALS_CHANNEL } from '../support/activities.js';
import { cardOf, texts } from '../support/cards.js';
import { httpSuite } from '../support/http-suite.js';
import { NOW } from '../support/panel-harness.js';
import { caseRecord } from '../unit/fixtures.js';

/** Ten minutes before the suite's "now": long enough ago for any lease to have run out. */
const TEN_MINUTES_AGO = new Date(NOW.getTime() - 10 * 60_000).toISOString();

/**
 * The effects sweep finishes what an instance stored and then died before doing, or
 * died while doing: a channel post, a request to a lead. Exactly one of several sweeps
 * does each, and one runs at start-up.
 */
describe('effects left undone by a crash', () => {
  const { connector, panel, serviceUrl } = httpSuite();
  const deps = () => panel.panel.deps;

  /** A case stored with its channel post owed, by an instance that died (mid-post, with `lease`) straight after. */
  async function caseLeftBehind(submission: string, lease?: Effect['lease']): Promise<string> {
    const { record } = await panel.store.createCaseOnce(
      submission,
      2026,
      (n) => {
        const made = owe(caseRecord({ reference: formatReference(2026, n), sequence: n }), {
          key: 'channel-post',
          kind: 'channelPost',
          dueAt: TEN_MINUTES_AGO,
        });
        return lease ? { ...made, effects: { 'channel-post': { ...made.effects!['channel-post']!, lease } } } : made;
      },
      'x',
    );
    return record.reference;
  }
  const channelPosts = () =>
    connector.matching('POST', /^\/v3\/conversations$/).filter((c) => JSON.stringify(c.body).includes(REFERRALS_CHANNEL));

  it('a channel post whose runner died is posted once, however many sweeps run; one still held waits', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for referrals'));
    const reference = await caseLeftBehind('crash:1', { holder: 'dead:1', until: TEN_MINUTES_AGO });
    const held = await caseLeftBehind('crash:held', { holder: 'alive:1', until: new Date(NOW.getTime() + 60_000).toISOString() });

    const before = channelPosts().length;
    await Promise.all([deps().effects.sweep(), deps().effects.sweep(), deps().effects.sweep()]);
    expect(channelPosts().length - before).toBe(1);
    expect((await panel.store.getCase(reference))?.effects?.['channel-post']).toMatchObject({ status: 'sent' });
    expect((await panel.store.getCase(held))?.effects?.['channel-post']).toMatchObject({ status: 'pending', lease: { holder: 'alive:1' } });
    expect((await panel.store.listAudit(reference)).map((e) => e.action)).toEqual(['case.created', 'channel.posted']);
  });

  it('a request to a lead stored with the rapid review, then the process died: sent once, and recorded on the case', async () => {
    await panel.send(personalMessage(serviceUrl(), 'lee', 'help'));
    const reference = await caseLeftBehind('crash:2');
    await deps().effects.sweep();
    const partnership = deps().review.partnership;
    const target = { agencyId: 'la', aadObjectId: PEOPLE.lee.aadObjectId, attempt: 1 };
    await updateCase(panel.store, reference, (r) =>
      owe(
        withRapidReview(
          r,
          { agencies: ['la'], dueOn: localDate('2026-12-11'), by: PEOPLE.sam.aadObjectId, at: TEN_MINUTES_AGO },
          partnership,
        ),
        ...requestsOwed([target], { serviceUrl: serviceUrl() }, TEN_MINUTES_AGO),
      ),
    );

    const before = connector.calls.length;
    await Promise.all([deps().effects.sweep(), deps().effects.sweep()]);
    const toLee = connector.calls.slice(before).filter((c) => c.path === '/v3/conversations/a:personal-lee/activities');
    expect(toLee).toHaveLength(1);
    expect(texts(cardOf(toLee[0]!.body)).join('\n')).toContain(`Rapid review request: ${reference}`);
    const request = (await panel.store.getCase(reference))!.rapidReview!.requests[0]!;
    expect(Object.values(request.deliveries)).toMatchObject([{ status: 'sent' }]);
  });

  it('the sweep runs when Panel starts: what the last run left is done', async () => {
    const reference = await caseLeftBehind('crash:3');
    const before = channelPosts().length;
    await panel.restart();
    await panel.idle();
    expect(channelPosts().length - before).toBe(1);
    expect((await panel.store.getCase(reference))?.effects?.['channel-post']).toMatchObject({ status: 'sent' });
  });
});
