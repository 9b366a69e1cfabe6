import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DEMO_PARTNERSHIP_FILE } from '../../bot/config.js';
import { VOTERS_ONLY } from '../../bot/handlers/decision.js';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, channelMention, PANEL_CHANNEL, PEOPLE, personalMessage, type PersonKey } from '../support/activities.js';
import { cardOf, texts, type Json } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { validForm } from '../support/referral-form.js';

const SAR_PANEL = 'Safeguarding Adults Review Panel';
const SAR_CHANNEL = '19:sar-panel@thread.tacv2';

/** The demo partnership, with a panel of its own for SARs: two members, a chair, a channel. */
function partnershipFile(): string {
  const data = parseYaml(readFileSync(DEMO_PARTNERSHIP_FILE, 'utf8')) as Record<string, unknown>;
  data.panels = {
    sar: {
      name: SAR_PANEL,
      members: [PEOPLE.ellis.aadObjectId, PEOPLE.rowan.aadObjectId],
      quorum: 2,
      chair: PEOPLE.sasha.aadObjectId,
      channel: SAR_CHANNEL,
    },
  };
  const file = join(mkdtempSync(join(tmpdir(), 'panel-rules-')), 'partnership.yaml');
  writeFileSync(file, stringifyYaml(data));
  return file;
}

/**
 * Who decides, per kind of review (issue 16, part 4; Suffolk delegates to a Safeguarding
 * Adults Review Panel and a Children's Case Review Panel): a kind's own panel votes on
 * its cases, to its own quorum, in its own channel, and its chair closes the vote.
 */
describe.each(STORES)("a kind's own panel, on $name", ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({ PARTNERSHIP_FILE: partnershipFile() }, store);
  const act = async (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'panel' | 'channel' = 'panel') =>
    (await panel.invoke(cardAction(serviceUrl(), who, verb, data, where))).value;
  let reference = '';

  it("a SAR's decision card is posted in the SAR panel's channel, naming that panel", async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
    const ack = await act('dana', VERBS.submitReferral, { ...validForm('sar'), submissionId: randomUUID() }, 'personal');
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack).join('\n'))![0];
    await act('sam', VERBS.listForPanel, { reference }, 'channel');
    await panel.send(personalMessage(serviceUrl(), 'sam', 'post agenda'));
    await panel.idle();
    const posted = connector.calls.find(
      (c) => c.path === '/v3/conversations' && JSON.stringify(c.body).includes(`Panel decision: ${reference}`),
    );
    expect((posted?.body.channelData as Json).channel).toEqual({ id: SAR_CHANNEL });
    expect(texts(cardOf(posted!.body.activity as Json)).join('\n')).toMatch(
      new RegExp(`The ${SAR_PANEL} decides\\. Voting is open: 0 of 2`),
    );
  });

  it("my tasks lists the vote for the SAR panel's members, not for the partnership panel's", async () => {
    const tasksOf = async (who: PersonKey) => {
      const before = connector.calls.length;
      await panel.send(personalMessage(serviceUrl(), who, 'my tasks'));
      return connector.calls
        .slice(before)
        .map((c) => String(c.body.text))
        .join('\n');
    };
    expect(await tasksOf('ellis')).toMatch(new RegExp(`Votes waiting for you[\\s\\S]*${reference}`));
    expect(await tasksOf('priya')).not.toContain(reference);
  });

  it('only its members vote, and only its chair closes', async () => {
    expect(await act('priya', VERBS.castVote, { reference, ballot: '1', choice: 'partnership' })).toBe(VOTERS_ONLY);
    await act('ellis', VERBS.castVote, { reference, ballot: '1', choice: 'partnership' });
    await act('rowan', VERBS.castVote, { reference, ballot: '1', choice: 'partnership' });
    const close = { reference, ballot: '1', rationale: 'Agencies could have shared more.', reviewer: 'local', notices: '' };
    expect(JSON.stringify(await act('jo', VERBS.closeVote, close))).toMatch(/Only the/);
    await act('sasha', VERBS.closeVote, close);
    const record = await panel.store.getCase(reference);
    expect(record?.panel?.decisions[0]).toMatchObject({
      outcome: 'partnership',
      quorum: 2,
      closedBy: PEOPLE.sasha.aadObjectId,
      closedAs: 'panelChair',
    });
  });
});
