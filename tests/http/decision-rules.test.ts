import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DEMO_PARTNERSHIP_FILE } from '../../bot/config.js';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, channelMention, PANEL_CHANNEL, PEOPLE, personalMessage, type PersonKey } from '../support/activities.js';
import { cardOf, texts, type Json } from '../support/cards.js';
import { httpSuite } from '../support/http-suite.js';
import { validReferralForm } from '../support/referral-form.js';

/** The demo partnership with votes shown while open, and the business unit allowed to close. */
function partnershipFile(): string {
  const data = parseYaml(readFileSync(DEMO_PARTNERSHIP_FILE, 'utf8')) as { panel: Record<string, unknown> };
  data.panel = { ...data.panel, hiddenVotes: false, businessUnitCloses: true };
  const file = join(mkdtempSync(join(tmpdir(), 'panel-rules-')), 'partnership.yaml');
  writeFileSync(file, stringifyYaml(data));
  return file;
}

/** The partnership file decides how the panel votes: open counts, and who may close. */
describe("the panel's vote as the partnership file sets it", () => {
  const { connector, panel, serviceUrl } = httpSuite({ PARTNERSHIP_FILE: partnershipFile() });
  let reference = '';
  const act = (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'channel' | 'panel' = 'panel') =>
    panel.invoke(cardAction(serviceUrl(), who, verb, data, where));
  const shared = () =>
    connector.calls
      .filter((c) => c.path.startsWith(`/v3/conversations/${PANEL_CHANNEL};messageid=`) && c.method === 'PUT')
      .map((c) => texts(cardOf(c.body)).join('\n'))
      .at(-1) ?? '';

  it('with votes not hidden, everyone sees the counts while the vote is open', async () => {
    // No roster here: Panel knows a person's Teams id from their own turns only.
    await panel.send(personalMessage(serviceUrl(), 'priya', 'help'));
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() }, 'personal');
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack.value).join('\n'))![0];
    await act('sam', VERBS.listForPanel, { reference }, 'channel');
    await panel.send(personalMessage(serviceUrl(), 'sam', 'post agenda'));
    const posted = connector.calls.find(
      (c) => c.path === '/v3/conversations' && JSON.stringify(c.body).includes(`Panel decision: ${reference}`),
    );
    const card = cardOf(posted!.body.activity as Json);
    expect(texts(card).join('\n')).toContain('Rapid review: None: listed by the business unit');
    // The business unit may close, so Teams shows them their own view too. Jo has not
    // been seen yet: she is left out until she is (Open my vote works for her meanwhile).
    expect([...(card.refresh as { userIds: string[] }).userIds].sort()).toEqual([PEOPLE.priya.id, PEOPLE.sam.id]);

    await act('priya', VERBS.castVote, { reference, ballot: '1', choice: 'noReview' });
    await act('noor', VERBS.castVote, { reference, ballot: '1', choice: 'noReview' });
    await panel.idle();
    expect(shared()).toMatch(/Votes so far: No LCSPR: the criteria are not met: 2/);
  });

  it('the business unit closes the vote; the record says so', async () => {
    const own = await act('sam', VERBS.showDecision, { reference });
    // Listed by hand, with no returns collated: the referral's own account is there to read.
    expect(((own.value as Json).actions as Json[]).map((a) => a.verb)).toEqual([VERBS.closeVoteForm, VERBS.viewCollation]);
    await act('sam', VERBS.closeVote, { reference, ballot: '1', rationale: 'Single-agency learning only.', notices: '' });
    const record = await panel.store.getCase(reference);
    expect(record?.panel?.decisions[0]).toMatchObject({ outcome: 'noReview', closedBy: PEOPLE.sam.aadObjectId, closedAs: 'businessUnit' });
    // No review ends the process: the case is closed with the decision, and its retention starts.
    expect(record).toMatchObject({ stage: 'closed', closedAt: '2026-12-01T10:00:00.000Z', expiresAt: '2033-12-01T10:00:00.000Z' });
    expect((await panel.store.listAudit(reference)).map((e) => e.action)).toEqual(
      expect.arrayContaining(['decision.recorded', 'case.closed']),
    );
    await panel.idle();
    expect(shared()).toMatch(/Closed: Tue 1 Dec 2026, by the business unit/);
  });
});
