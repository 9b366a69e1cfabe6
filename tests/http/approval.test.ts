import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { APPROVERS_ONLY } from '../../bot/handlers/approval.js';
import { DEMO_PARTNERSHIP_FILE } from '../../bot/config.js';
import { VERBS } from '../../cards/verbs.js';
import { chatKey } from '../../review/store.js';
import { cardAction, channelMention, PANEL_CHANNEL, PEOPLE, personalMessage, type PersonKey } from '../support/activities.js';
import { cardOf, errorUnder, texts, type Json } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { NO_RISK, validReferralForm } from '../support/referral-form.js';

/** The demo partnership, with Kim Lee approving the panel's decisions on child safeguarding practice reviews. */
function partnershipFile(): string {
  const data = parseYaml(readFileSync(DEMO_PARTNERSHIP_FILE, 'utf8')) as Record<string, unknown>;
  data.approvers = { lcspr: PEOPLE.kim.aadObjectId };
  const file = join(mkdtempSync(join(tmpdir(), 'panel-rules-')), 'partnership.yaml');
  writeFileSync(file, stringifyYaml(data));
  return file;
}

const REASON = 'The returns do not yet cover the health visiting service.';

/**
 * Who decides, per kind of review (issue 16, part 4): where the partnership file names an
 * approver for a kind (Cheshire East's panel recommends and the LSCB chair approves), the
 * closed vote is a recommendation. The approver has it one to one; the referrer hears
 * nothing until it is approved; sent back with a reason, the vote opens again; the
 * decision record keeps the recommendation, the approval and who gave each.
 */
describe.each(STORES)("an approver for a kind's decisions, on $name", ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({ PARTNERSHIP_FILE: partnershipFile() }, store);
  const act = async (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'panel' | 'channel' = 'personal') =>
    (await panel.invoke(cardAction(serviceUrl(), who, verb, data, where))).value;
  let reference = '';

  /** What Panel sent into someone's chat with it. */
  const sentTo = async (who: PersonKey) => {
    const chat = (await panel.store.getSetting(chatKey(PEOPLE[who].aadObjectId)))?.conversationId;
    return connector.calls.filter((c) => c.method === 'POST' && chat !== undefined && c.path === `/v3/conversations/${chat}/activities`);
  };
  const approvalCardFor = async (who: PersonKey) =>
    (await sentTo(who)).map((c) => cardOf(c.body)).find((card) => texts(card).some((t) => t.startsWith('For your approval')));
  const voteAndClose = async (ballot: string) => {
    await act('priya', VERBS.castVote, { reference, ballot, choice: 'actionLearning' }, 'panel');
    await act('noor', VERBS.castVote, { reference, ballot, choice: 'actionLearning' }, 'panel');
    return act(
      'jo',
      VERBS.closeVote,
      { reference, ballot, rationale: 'Learning can be drawn from the rapid review itself.', notices: '' },
      'panel',
    );
  };

  it('the closed vote is a recommendation: the approver has it, the referrer hears nothing', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() });
    reference = /REF-\d{4}-\d{4}/.exec(texts(ack).join('\n'))![0];
    await act('sam', VERBS.listForPanel, { reference }, 'channel');
    await panel.send(personalMessage(serviceUrl(), 'sam', 'post agenda'));
    await panel.idle();

    const closed = await voteAndClose('1');
    expect(texts(closed).join('\n')).toMatch(/sent for approval/);
    await panel.idle();
    const record = await panel.store.getCase(reference);
    expect(record?.panel?.decisions).toEqual([]);
    expect(record?.panel?.recommendation).toMatchObject({ number: 1, outcome: 'actionLearning', closedBy: PEOPLE.jo.aadObjectId });
    expect(record?.stage).not.toBe('decided');

    const card = await approvalCardFor('kim');
    expect(texts(card).join('\n')).toMatch(/Recommendation: Action learning[\s\S]*Learning can be drawn from the rapid review itself\./);
    expect(JSON.stringify(await sentTo('dana'))).not.toContain('Panel decision on your referral');
    const shared = connector.calls
      .filter((c) => c.path.startsWith(`/v3/conversations/${PANEL_CHANNEL};messageid=`) && c.method === 'PUT')
      .at(-1);
    expect(texts(cardOf(shared!.body)).join('\n')).toMatch(/Recommended: Action learning.*Awaiting approval/);
  });

  it('nobody but the approver may answer it', async () => {
    for (const who of ['jo', 'sam', 'priya'] as const) {
      expect(await act(who, VERBS.approveDecision, { reference, ballot: '1' }), who).toBe(APPROVERS_ONLY);
    }
    expect((await panel.store.listAudit(reference)).map((e) => e.action)).toContain('decision.approval.refused');
  });

  it('sent back, with a reason, the vote opens again and the chair is told why; the channel is not', async () => {
    const again = await act('kim', VERBS.sendBackDecision, { reference, ballot: '1', reason: '' });
    expect(errorUnder(again, 'reason')).toMatch(/Say why/);

    const sent = await act('kim', VERBS.sendBackDecision, { reference, ballot: '1', reason: REASON });
    expect(texts(sent).join('\n')).toMatch(/You sent it back/);
    await panel.idle();
    const record = await panel.store.getCase(reference);
    expect(record?.panel?.sentBack).toMatchObject([{ recommendation: { number: 1 }, by: PEOPLE.kim.aadObjectId, reason: REASON }]);
    expect(record?.panel?.ballot).toMatchObject({ number: 2, votes: [] });
    expect(record?.panel?.recommendation).toBeUndefined();
    expect(JSON.stringify((await sentTo('jo')).map((c) => c.body))).toContain(REASON);
    const inChannel = connector.calls.filter((c) => c.path.includes(PANEL_CHANNEL));
    expect(JSON.stringify(inChannel.map((c) => c.body))).not.toContain(REASON);
    expect(JSON.stringify(await sentTo('dana'))).not.toContain('Panel decision on your referral');
  });

  it('approved, it is the decision: the referrer is told, and the record keeps recommendation, approval and who', async () => {
    await voteAndClose('2');
    await panel.idle();
    // Pressed twice at once (a double click, or Teams delivering it again): one approval.
    const answers = await Promise.all([
      act('kim', VERBS.approveDecision, { reference, ballot: '2' }),
      act('kim', VERBS.approveDecision, { reference, ballot: '2' }),
    ]);
    const said = answers.map((a) => texts(a).join('\n'));
    expect(said.filter((t) => /You approved the decision/.test(t))).toHaveLength(1);
    expect(said.filter((t) => /answered already/.test(t))).toHaveLength(1);
    await panel.idle();

    const record = await panel.store.getCase(reference);
    expect(record?.stage).toBe('decided');
    expect(record?.panel?.decisions).toMatchObject([
      {
        number: 2,
        outcome: 'actionLearning',
        closedBy: PEOPLE.jo.aadObjectId,
        closedAs: 'independentChair',
        approvedBy: PEOPLE.kim.aadObjectId,
        approvedAt: '2026-12-01T10:00:00.000Z',
        // A month from the approval; 1 January is a bank holiday.
        reviewDue: '2026-12-31',
      },
    ]);
    const feedback = (await sentTo('dana')).map((c) => JSON.stringify(c.body)).filter((b) => b.includes('Panel decision on your referral'));
    expect(feedback).toHaveLength(1);
    const actions = (await panel.store.listAudit(reference)).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['decision.recommended', 'decision.sentBack', 'decision.approved', 'decision.recorded']),
    );

    // Pressed again, it changes nothing.
    expect(texts(await act('kim', VERBS.approveDecision, { reference, ballot: '2' })).join('\n')).toMatch(/answered already/);
    expect((await panel.store.getCase(reference))?.panel?.decisions).toHaveLength(1);
  });
});

/** The partnership file names approvers by a listed person's Entra id, and says where it is wrong. */
describe('approvers in the partnership file', () => {
  it('refuses an approver who is not listed, or a kind that does not exist, naming the path', async () => {
    const { parsePartnership, PartnershipFileError } = await import('../../review/partnership.js');
    const demo = parseYaml(readFileSync(DEMO_PARTNERSHIP_FILE, 'utf8')) as Json;
    const bad = (approvers: Json) => {
      try {
        parsePartnership(stringifyYaml({ ...demo, approvers }), 'partnership.yaml');
      } catch (err) {
        if (err instanceof PartnershipFileError) return err.problems.join('\n');
        throw err;
      }
      return '';
    };
    expect(bad({ dhr: '00000000-0000-4000-8000-000000000000' })).toMatch(/approvers\.dhr.*one of the people listed/);
    expect(bad({ lsspr: PEOPLE.kim.aadObjectId })).toMatch(/approvers.*lsspr/);
    expect(bad({ sar: 'Kim Lee' })).toMatch(/approvers\.sar.*Entra object id/);
    expect(bad({ lcspr: PEOPLE.kim.aadObjectId })).toBe('');
  });
});
