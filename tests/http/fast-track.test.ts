import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { DEMO_PARTNERSHIP_FILE } from '../../bot/config.js';
import { BUSINESS_UNIT_ONLY } from '../../bot/handlers/rapid-review.js';
import { VOTERS_ONLY } from '../../bot/handlers/decision.js';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, channelMention, PANEL_CHANNEL, PEOPLE, personalMessage, type PersonKey } from '../support/activities.js';
import { actions, cardOf, texts, type Json } from '../support/cards.js';
import { httpSuite, STORES } from '../support/http-suite.js';
import { NO_RISK, validReferralForm } from '../support/referral-form.js';

const SUBGROUP = 'Rapid review subgroup';

/** The demo partnership, with a fast-track subgroup of two panel members. */
function partnershipFile(): string {
  const data = parseYaml(readFileSync(DEMO_PARTNERSHIP_FILE, 'utf8')) as Record<string, unknown>;
  data.fastTrack = { name: SUBGROUP, members: [PEOPLE.priya.aadObjectId, PEOPLE.noor.aadObjectId], quorum: 2 };
  const file = join(mkdtempSync(join(tmpdir(), 'panel-rules-')), 'partnership.yaml');
  writeFileSync(file, stringifyYaml(data));
  return file;
}

/**
 * Fast track (issue 16, part 4; Suffolk: National Panel notifications "will be triaged by
 * a subgroup … Decisions made by this group will then be noted at the next meeting"):
 * the business unit sends a serious child incident to the subgroup before its rapid
 * review date; only the subgroup votes; the decision is recorded like any other and the
 * next panel's agenda lists it for noting. A decision that ends the process closes the
 * case once noted.
 */
describe.each(STORES)('fast track, on $name', ({ store }) => {
  const { connector, panel, serviceUrl } = httpSuite({ PARTNERSHIP_FILE: partnershipFile() }, store);
  const act = async (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'panel' | 'channel' = 'personal') =>
    (await panel.invoke(cardAction(serviceUrl(), who, verb, data, where))).value;
  const ref: Record<'learning' | 'none', string> = { learning: '', none: '' };

  const refer = async () => {
    const ack = await act('dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() });
    return /REF-\d{4}-\d{4}/.exec(texts(ack).join('\n'))![0];
  };
  const decideByFastTrack = async (reference: string, choice: string) => {
    await act('sam', VERBS.fastTrack, { reference }, 'channel');
    await panel.idle();
    await act('priya', VERBS.castVote, { reference, ballot: '1', choice }, 'panel');
    await act('noor', VERBS.castVote, { reference, ballot: '1', choice }, 'panel');
    return act(
      'jo',
      VERBS.closeVote,
      { reference, ballot: '1', rationale: 'Triage of a National Panel notification.', notices: '' },
      'panel',
    );
  };

  it('the business unit sends a case to the subgroup before its rapid review date; nobody else may', async () => {
    await panel.send(channelMention(serviceUrl(), 'sam', 'use this channel for the panel', PANEL_CHANNEL));
    ref.learning = await refer();
    const details = await act('sam', VERBS.viewCaseDetails, { reference: ref.learning }, 'channel');
    expect(actions(details).map((a) => a.title)).toContain(`Fast track to the ${SUBGROUP}`);
    expect(await act('dana', VERBS.fastTrack, { reference: ref.learning })).toBe(BUSINESS_UNIT_ONLY);

    await act('sam', VERBS.fastTrack, { reference: ref.learning }, 'channel');
    await panel.idle();
    const record = await panel.store.getCase(ref.learning);
    expect(record?.panel?.ballot).toMatchObject({ number: 1, fastTrack: true });
    const posted = connector.calls.find(
      (c) => c.path === '/v3/conversations' && JSON.stringify(c.body).includes(`Panel decision: ${ref.learning}`),
    );
    expect(texts(cardOf(posted!.body.activity as Json)).join('\n')).toMatch(
      new RegExp(`Fast track: the ${SUBGROUP} decides[\\s\\S]*0 of 2 have voted`),
    );
    expect((await panel.store.listAudit(ref.learning)).map((e) => e.action)).toContain('vote.fastTracked');
  });

  it('only the subgroup votes; its decision is recorded before the 15-working-day date', async () => {
    expect(await act('ellis', VERBS.castVote, { reference: ref.learning, ballot: '1', choice: 'actionLearning' }, 'panel')).toBe(
      VOTERS_ONLY,
    );
    await act('priya', VERBS.castVote, { reference: ref.learning, ballot: '1', choice: 'actionLearning' }, 'panel');
    await act('noor', VERBS.castVote, { reference: ref.learning, ballot: '1', choice: 'actionLearning' }, 'panel');
    await act(
      'jo',
      VERBS.closeVote,
      { reference: ref.learning, ballot: '1', rationale: 'Triage of a National Panel notification.', notices: '' },
      'panel',
    );
    const record = await panel.store.getCase(ref.learning);
    const decision = record?.panel?.decisions[0];
    expect(decision).toMatchObject({ outcome: 'actionLearning', fastTrack: true, closedBy: PEOPLE.jo.aadObjectId });
    expect(decision!.closedAt.slice(0, 10) < record!.clocks.rapidReviewDue!).toBe(true);
  });

  it('a fast-track "no review" keeps the case open until the panel notes it', async () => {
    ref.none = await refer();
    await decideByFastTrack(ref.none, 'noReview');
    const record = await panel.store.getCase(ref.none);
    expect(record?.stage).toBe('decided');
    expect(record?.closedAt).toBeUndefined();
  });

  it("the next panel's agenda lists both for noting, once; then the 'no review' case closes", async () => {
    const before = connector.calls.length;
    await panel.send(personalMessage(serviceUrl(), 'sam', 'post agenda'));
    await panel.idle();
    const agenda = connector.calls
      .slice(before)
      .map((c) => JSON.stringify(c.body))
      .find((b) => b.includes('Agenda for the panel'));
    expect(agenda).toMatch(new RegExp(`For noting: decided by the ${SUBGROUP}`));
    expect(agenda).toContain(`${ref.learning} (`);
    expect(agenda).toContain(`${ref.none} (`);
    expect((await panel.store.getCase(ref.learning))?.panel?.noted).toMatchObject([{ decision: 1, panelDate: '2026-12-29' }]);
    expect(await panel.store.getCase(ref.none)).toMatchObject({ stage: 'closed', closedAt: '2026-12-01T10:00:00.000Z' });
    expect((await panel.store.listAudit(ref.none)).map((e) => e.action)).toEqual(expect.arrayContaining(['decision.noted', 'case.closed']));

    const again = connector.calls.length;
    await panel.send({ ...personalMessage(serviceUrl(), 'sam', 'post agenda'), id: `again-${randomUUID()}` });
    await panel.idle();
    const second = connector.calls
      .slice(again)
      .map((c) => JSON.stringify(c.body))
      .find((b) => b.includes('Agenda for the panel'));
    expect(second).not.toContain('For noting');
  });
});
