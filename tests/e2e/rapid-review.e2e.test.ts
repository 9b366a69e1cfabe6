import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import type { StoredReturn } from '../../review/agency-return.js';
import { cardAction } from '../support/activities.js';
import { cardFiller, openPlayground, samChoosesChannel, SCREENSHOTS, type PlaygroundSession } from '../support/playground-session.js';
import { validReferralForm } from '../support/referral-form.js';

/**
 * A lead's side of the rapid review, in the Agents Playground with Alex Jones (the
 * police's safeguarding lead) at the keyboard. The referral and the business unit's
 * start come through Panel's endpoint as the other people; the request reaches Alex's
 * chat in the Playground, and Alex answers it there.
 */
describe('a lead answers a rapid review request in the Agents Playground', () => {
  let session: PlaygroundSession;
  let page: Page;
  let reference = '';

  beforeAll(async () => {
    session = await openPlayground({ as: 'Alex Jones' });
    page = session.page;
  }, 90_000);

  afterAll(async () => {
    await session?.stop();
  });

  const invoke = async (activity: Record<string, unknown>) => {
    const res = await session.post(activity);
    expect(res.status).toBe(200);
    return JSON.stringify(await res.json());
  };

  it('Alex opens Panel, a referral arrives, and the business unit starts the rapid review', async () => {
    await page.goto(session.dev.playground.url);
    await page.getByRole('treeitem', { name: 'Personal Chat' }).click();
    const compose = page.locator('div[role="textbox"][data-lexical-editor="true"]').first();
    await compose.click();
    await page.keyboard.type('help');
    await page.getByRole('button', { name: 'Send Message' }).click();
    await page
      .getByText(/rapid review/i)
      .first()
      .waitFor();

    expect((await samChoosesChannel(session)).status).toBe(200);
    const ack = await invoke(
      cardAction(session.serviceUrl, 'dana', VERBS.submitReferral, { ...validReferralForm(), submissionId: randomUUID() }),
    );
    reference = /REF-\d{4}-\d{4}/.exec(ack)![0];
    const started = await invoke(
      cardAction(
        session.serviceUrl,
        'sam',
        VERBS.confirmRapidReview,
        { reference, agencies: 'police,education', dueOn: '2026-12-11' },
        'channel',
      ),
    );
    expect(started).toMatch(/0 of 2 returns/);
  }, 60_000);

  it('the request reaches Alex one to one, and Alex answers it', async () => {
    const request = page.locator('.ac-adaptiveCard', { hasText: `Rapid review request: ${reference}` });
    await request.waitFor();
    await expect(request.textContent()).resolves.toMatch(/Charlie Brook/);
    await cardFiller(page, request).picture(request, 'lead-request.png');

    await request.getByRole('button', { name: 'Answer' }).click();
    const form = page.locator('.ac-adaptiveCard', { hasText: `Police's return: ${reference}` });
    await form.waitFor();
    const filler = cardFiller(page, form);
    await filler.radio(/Was your agency involved/, 'Yes');
    await filler.pickDate(/Involved from/, '2025-09-01');
    await filler.fill(
      form.getByRole('textbox', { name: /Brief overview/ }),
      'Two call-outs to the home in October; a DASH risk assessment was done.',
    );
    await filler.radio(/criteria for a review met/, 'The criteria for a review are met');
    await filler.fill(form.getByRole('textbox', { name: /^Why/ }), 'Police and the school both held information that was not shared.');
    await filler.picture(form, 'return-form.png');
    await form.getByRole('button', { name: 'Submit return' }).click();

    const received = page.locator('.ac-adaptiveCard', { hasText: "Police's return was received" });
    await received.waitFor();
    const stored = await session.dev.panel.deps.review.store.listCaseItems<StoredReturn>(reference, 'return');
    expect(stored.map((i) => i.doc)).toMatchObject([
      { agencyId: 'police', involved: true, involvedFrom: '2025-09-01', criteriaView: 'met' },
    ]);
  }, 60_000);

  it('the case card in the Referrals channel shows the progress, without the name', async () => {
    await session.dev.panel.deps.background.idle();
    await page.getByRole('treeitem', { name: 'Safeguarding Partnership - Referrals' }).click();
    const posted = page.locator('.ac-adaptiveCard', { hasText: reference }).last();
    await posted.getByText(/1 of 2 returns/).waitFor();
    const text = (await posted.textContent()) ?? '';
    expect(text).toMatch(/Police ✓/);
    expect(text).not.toMatch(/Charlie|Brook/);
    await posted.screenshot({ path: join(SCREENSHOTS, 'channel-progress.png') });
  }, 60_000);
});
