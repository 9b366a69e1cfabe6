import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import type { DecisionRecord } from '../../review/decision.js';
import { cardAction, personalMessage, type PersonKey } from '../support/activities.js';
import { PERSONAL_VALUES, validReferralForm } from '../support/referral-form.js';
import {
  cardFiller,
  openPlayground,
  PLAYGROUND,
  samChoosesChannel,
  SCREENSHOTS,
  type PlaygroundSession,
} from '../support/playground-session.js';

/**
 * The panel decides in the Agents Playground's team channel, with Priya Shah (a panel
 * member) at the keyboard: she votes on the decision card and sees her vote; Jo Reed,
 * the independent chair, a second user, votes and closes the vote with a rationale
 * through Panel's endpoint; the result shows on Priya's card.
 */
describe('the panel votes in the Agents Playground', () => {
  let session: PlaygroundSession;
  let page: Page;
  let reference = '';

  beforeAll(async () => {
    session = await openPlayground({ as: 'Priya Shah' });
    page = session.page;
  }, 90_000);

  afterAll(async () => {
    await session?.stop();
  });

  const invoke = async (who: PersonKey, verb: string, data: Record<string, unknown>) => {
    const res = await session.post(cardAction(session.serviceUrl, who, verb, data, 'panel'));
    expect(res.status).toBe(200);
    return JSON.stringify(await res.json());
  };
  const decisionCard = () => page.locator('.ac-adaptiveCard', { hasText: `Panel decision: ${reference}` }).last();

  it('a case whose returns are collated is posted to the panel channel when the business unit posts the agenda', async () => {
    // The Playground shows what arrives while it is open.
    await page.goto(session.dev.playground.url);
    await page.getByRole('treeitem', { name: /^Personal Chat/ }).waitFor();
    expect((await samChoosesChannel(session, 'referrals')).status).toBe(200);
    expect((await samChoosesChannel(session, 'the panel')).status).toBe(200);
    const ack = await invoke('dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() });
    reference = /REF-\d{4}-\d{4}/.exec(ack)![0];
    await invoke('sam', VERBS.confirmRapidReview, { reference, agencies: 'police', dueOn: '2026-12-11' });
    await session.dev.panel.deps.background.idle();
    await invoke('alex', VERBS.nilReturn, { reference, agencyId: 'police', submissionId: randomUUID() });
    await session.post(personalMessage(session.serviceUrl, 'sam', 'post agenda'));
    await session.dev.panel.deps.background.idle();
    expect((await session.dev.panel.deps.review.store.getCase(reference))?.panel?.ballot?.card).toBeDefined();
  }, 60_000);

  it('Priya votes in the channel and sees her vote', async () => {
    await page.getByRole('treeitem', { name: /General/ }).click();
    const card = decisionCard();
    await card.waitFor();
    // Teams asks for her own view by itself (refresh); the Playground does not, so she asks.
    await card.getByRole('button', { name: 'Open my vote' }).click();
    await card
      .getByRole('radiogroup', { name: /Outcome/ })
      .getByRole('radio', { name: 'Partnership review', exact: true })
      .check();
    await card.getByRole('button', { name: 'Vote' }).click();
    // Everyone's card updates in place ("1 of 9 have voted"); Teams would then refresh hers.
    await session.dev.panel.deps.background.idle();
    await decisionCard().getByRole('button', { name: 'Open my vote' }).click();
    await decisionCard().getByText('Partnership review', { exact: true }).first().waitFor();
    expect(await decisionCard().textContent()).toMatch(/Your vote:?\s*Partnership review/);
    await cardFiller(page, decisionCard()).picture(decisionCard(), 'decision-vote.png');
    const ballot = (await session.dev.panel.deps.review.store.getCase(reference))?.panel?.ballot;
    expect(ballot?.votes.map((v) => v.choice)).toEqual(['partnership']);
  }, 60_000);

  it('the chair, a second user, closes the vote with a rationale, and the result shows', async () => {
    await invoke('jo', VERBS.castVote, { reference, ballot: '1', choice: 'partnership' });
    const closed = await invoke('jo', VERBS.closeVote, {
      reference,
      ballot: '1',
      rationale: 'Agencies did not share what they knew; a partnership review will draw out the learning.',
      reviewer: 'local',
      notices: 'nationalPanel',
    });
    expect(closed).toMatch(/Decided: Partnership review/);
    await session.dev.panel.deps.background.idle();
    await decisionCard()
      .getByText(/Decided: Partnership review/)
      .first()
      .waitFor();
    const text = (await decisionCard().textContent()) ?? '';
    for (const value of PERSONAL_VALUES) expect(text).not.toContain(value);
    await decisionCard().screenshot({ path: join(SCREENSHOTS, 'decision-result.png') });
    const decision = (await session.dev.panel.deps.review.store.getCaseItem<DecisionRecord>(reference, 'decision:1'))?.doc;
    expect(decision).toMatchObject({ outcome: 'partnership', closedAs: 'independentChair', reviewer: 'local' });
    expect(PLAYGROUND.team).toBe((await session.dev.panel.deps.review.store.getSetting('panelChannel'))?.channelId);
  }, 60_000);
});
