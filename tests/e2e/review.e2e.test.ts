import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { date } from '../../cards/labels.js';
import { localDateOf } from '../../review/local-date.js';
import { STEPS } from '../../review/plan.js';
import { cardAction, type PersonKey } from '../support/activities.js';
import { NOW } from '../support/panel-harness.js';
import { NO_RISK, PERSONAL_VALUES, validReferralForm } from '../support/referral-form.js';
import {
  cardFiller,
  openPlayground,
  PLAYGROUND,
  samChoosesChannel,
  watchForCard,
  type PlaygroundSession,
} from '../support/playground-session.js';

/**
 * A review after the panel's decision (issue 17), in the Agents Playground with Sam Patel
 * (the business unit) at the keyboard: the Playground has one current user, and only the
 * business unit may see and change a review's plan. The referral, the votes and the
 * chair's close come through Panel's endpoint as the other people. The review's card is
 * a reply in the case's thread in the Referrals channel; Sam opens its plan there, marks
 * a step done, and the card shows it.
 */
describe('the business unit keeps a review plan in the Agents Playground', () => {
  let session: PlaygroundSession;
  let page: Page;
  let reference = '';

  beforeAll(async () => {
    session = await openPlayground({ as: 'Sam Patel' });
    page = session.page;
  }, 90_000);

  afterAll(async () => {
    await session?.stop();
  });

  const invoke = async (who: PersonKey, verb: string, data: Record<string, unknown>, where: 'personal' | 'panel' | 'channel') => {
    const res = await session.post(cardAction(session.serviceUrl, who, verb, data, where));
    expect(res.status).toBe(200);
    return JSON.stringify(await res.json());
  };
  const reviewCard = () => page.locator('.ac-adaptiveCard', { hasText: `Review: ${reference}` });
  const planCard = () => page.locator('.ac-adaptiveCard', { hasText: `Review plan: ${reference}` });
  const getCase = () => session.dev.panel.deps.review.store.getCase(reference);
  /** A step's line on the review's card: its name, then its state. */
  const stepLine = (kind: keyof typeof STEPS, state: string) =>
    new RegExp(`${STEPS[kind].name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*${state}`);
  /** The bot's clock in these tests is fixed (NOW): its day in the partnership's time zone. */
  const today = () => localDateOf(NOW, session.dev.panel.deps.review.partnership.timezone);

  it("the panel decides on a partnership review: its card is a reply in the case's thread in the Referrals channel", async () => {
    await page.goto(session.dev.playground.url);
    await page.getByRole('treeitem', { name: /^Personal Chat/ }).waitFor();
    expect((await samChoosesChannel(session, 'referrals')).status).toBe(200);
    expect((await samChoosesChannel(session, 'the panel')).status).toBe(200);
    const ack = await invoke('dana', VERBS.submitReferral, { ...validReferralForm(NO_RISK), submissionId: randomUUID() }, 'personal');
    reference = /REF-\d{4}-\d{4}/.exec(ack)![0];
    await invoke('sam', VERBS.listForPanel, { reference }, 'channel');

    // Sam posts the agenda from Panel's chat; the panel votes and the chair closes the vote.
    await page.getByRole('treeitem', { name: /^Personal Chat/ }).click();
    await page.locator('div[role="textbox"][data-lexical-editor="true"]').first().click();
    await page.keyboard.type('post agenda');
    await page.getByRole('button', { name: 'Send Message' }).click();
    await page.locator('p', { hasText: /The agenda is posted/ }).waitFor();
    await session.dev.panel.deps.background.idle();
    expect((await getCase())?.panel?.ballot?.card).toBeDefined();
    await invoke('priya', VERBS.castVote, { reference, ballot: '1', choice: 'partnership' }, 'panel');
    await invoke('noor', VERBS.castVote, { reference, ballot: '1', choice: 'partnership' }, 'panel');
    const closed = await invoke(
      'jo',
      VERBS.closeVote,
      { reference, ballot: '1', rationale: 'Learning across agencies.', reviewer: 'local', notices: '' },
      'panel',
    );
    expect(closed).toMatch(/Decided: Partnership review/);
    await session.dev.panel.deps.background.idle();

    // Posted as a reply to the case's own card: in its thread, not as a new post.
    const record = await getCase();
    const casePost = record?.effects?.['channel-post'];
    expect(record?.effects?.['review-post']).toMatchObject({
      status: 'sent',
      conversationId: `${PLAYGROUND.referrals};messageid=${casePost?.activityId}`,
    });

    await page.getByRole('treeitem', { name: 'Safeguarding Partnership - Referrals' }).click();
    await reviewCard().waitFor();
    const caseCard = page.locator('.ac-adaptiveCard', { hasText: `New referral ${reference}` });
    // The Playground shows a post with its replies under it: one post holds both cards.
    const thread = page
      .locator('div')
      .filter({ has: caseCard })
      .filter({ has: reviewCard() })
      .filter({ hasNotText: 'New referrals will be posted in this channel' });
    expect(await thread.count()).toBeGreaterThan(0);
    const text = (await reviewCard().textContent()) ?? '';
    expect(text).toMatch(new RegExp(`Review: ${reference} \\(Young Person A\\)`));
    expect(text).toMatch(/Partnership review, due \w{3} \d{1,2} \w{3} \d{4}\. This card is kept up to date\./);
    expect(record?.plan?.steps.length).toBeGreaterThan(0);
    for (const step of record?.plan?.steps ?? []) expect(text).toMatch(stepLine(step.kind, `due ${date(step.dueOn)}`));
    for (const value of PERSONAL_VALUES) expect(text).not.toContain(value);
    await reviewCard().getByRole('button', { name: 'Review plan' }).waitFor();
  }, 90_000);

  it('Sam opens the plan from the card, marks its first open step done, and the card in the thread shows it done', async () => {
    const first = (await getCase())!.plan!.steps.find((s) => !s.doneOn)!;
    const name = STEPS[first.kind].name;
    await reviewCard().getByRole('button', { name: 'Review plan' }).click();
    // Action.Execute: the plan, shown to Sam only, takes the card's place.
    await planCard().waitFor();
    expect(await planCard().textContent()).toMatch(/Shown to you only, because you are in the business unit/);

    // The section's own fields and button, and nothing of the sections after it.
    const section = planCard()
      .locator('.ac-container', { hasText: 'Update a step' })
      .filter({ has: page.getByRole('button', { name: 'Update the plan' }) })
      .last();
    expect(await section.textContent()).not.toMatch(/Arrange a meeting|Publication/);
    await section.getByRole('combobox', { name: 'Step', exact: true }).click();
    await page.getByRole('option', { name: `${name} (` }).click();
    await section
      .getByRole('radiogroup', { name: /Change/ })
      .getByRole('radio', { name: 'It is done', exact: true })
      .check();

    // Panel answers with the plan card, then updates the review's card, the same message,
    // in place: the answer is on screen only until the update arrives.
    const answered = await watchForCard(page, [`Review plan: ${reference}`, 'The step is marked done.']);
    await section.getByRole('button', { name: 'Update the plan' }).click();
    await expect.poll(answered, { timeout: 20_000 }).toBe(true);
    // Should the update reach the Playground first (a loaded machine), the answer stays on
    // screen: its Back returns to the review's card, as it now is.
    if ((await planCard().count()) > 0) {
      await planCard()
        .getByRole('button', { name: 'Back' })
        .click({ timeout: 5_000 })
        .catch(() => undefined);
    }
    await expect
      .poll(async () => (await reviewCard().textContent()) ?? '', { timeout: 20_000 })
      .toMatch(stepLine(first.kind, `done ${date(today())}`));
    expect(await planCard().count()).toBe(0);

    const record = await getCase();
    const step = record?.plan?.steps.find((s) => s.kind === first.kind);
    expect(step).toMatchObject({ doneOn: today(), doneBy: PLAYGROUND.sam.aadObjectId });
    expect(record?.effects?.['card:review']).toMatchObject({ status: 'sent' });
    // The other steps are still due.
    const text = (await reviewCard().textContent()) ?? '';
    for (const s of record?.plan?.steps.filter((s) => !s.doneOn) ?? []) expect(text).toMatch(stepLine(s.kind, `due ${date(s.dueOn)}`));
    await cardFiller(page, reviewCard()).picture(reviewCard(), 'review-card.png');
  }, 90_000);
});
