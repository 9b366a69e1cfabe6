import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERBS } from '../../cards/verbs.js';
import { cardAction } from '../support/activities.js';
import {
  cardFiller,
  openPlayground,
  PLAYGROUND,
  samChoosesChannel,
  SCREENSHOTS,
  type PlaygroundSession,
} from '../support/playground-session.js';

/** A picture of the part of the card around a problem: the field above it and the message. */
async function clipAround(element: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await element.boundingBox();
  if (!box) throw new Error('the problem is not on screen');
  return { x: Math.max(0, box.x - 24), y: Math.max(0, box.y - 140), width: 520, height: 180 };
}

/**
 * End to end, as a newcomer meets Panel with `npm run dev`: the real server in local
 * mode, the Agents Playground in front of it, driven in Debian's Chromium.
 */
describe('a practitioner refers through the Agents Playground', () => {
  let session: PlaygroundSession;
  let page: Page;

  beforeAll(async () => {
    session = await openPlayground();
    page = session.page;
  }, 90_000);

  afterAll(async () => {
    await session?.stop();
  });

  it('the business unit (Sam, a second user) chooses the Referrals channel', async () => {
    // Sam speaks through Panel's endpoint directly; the reply appears in the Playground.
    const res = await samChoosesChannel(session);
    expect(res.status).toBe(200);
    expect(await session.dev.panel.deps.review.store.getSetting('referralChannel')).toMatchObject({ channelId: PLAYGROUND.referrals });
  });

  it('types refer, fills the card by its labels, submits, and sees the reference', async () => {
    await page.goto(session.dev.playground.url);
    await page.getByRole('treeitem', { name: 'Personal Chat' }).click();
    const compose = page.locator('div[role="textbox"][data-lexical-editor="true"]').first();
    await compose.click();
    await page.keyboard.type('refer');
    await page.getByRole('button', { name: 'Send Message' }).click();

    const card = page.locator('.ac-adaptiveCard').last();
    await card.getByRole('radio', { name: 'Child Safeguarding Practice Review (LCSPR)' }).check();
    await card.getByRole('button', { name: 'Continue' }).click();

    await expect.poll(() => card.getByRole('textbox', { name: /Full name/ }).count()).toBe(1);
    await expect(card.getByRole('textbox', { name: /Your name/ }).inputValue()).resolves.toBe('Dana Evans');

    const { fill, pickDate, radio, picture } = cardFiller(page, card);

    // Rows are added with nothing required answered yet: Teams does not hold the button back.
    await card.getByRole('button', { name: /Show or hide: family members/ }).click();
    await fill(card.getByRole('textbox', { name: /Family member 1: name/ }), 'Morgan Brook');
    await card.getByRole('button', { name: 'Add family member' }).click();
    await expect.poll(() => card.getByRole('textbox', { name: /Family member 2: name/ }).count()).toBe(1);
    await expect(card.getByRole('textbox', { name: /Family member 1: name/ }).inputValue()).resolves.toBe('Morgan Brook');
    await fill(card.getByRole('textbox', { name: /Family member 1: relationship/ }), 'Mother');

    await card.getByRole('combobox', { name: /Your agency/ }).click();
    await page.getByRole('option', { name: 'Education' }).click();
    await fill(card.getByRole('textbox', { name: /Your work email/ }), 'dana.evans@school.example.org');
    await card.getByRole('checkbox', { name: /I have consulted my line manager/ }).check();
    await fill(card.getByRole('textbox', { name: /Full name/ }), 'Charlie Brook');
    await radio(/Age group/, 'Child or young person (2-17)');
    await pickDate(/Date of the incident/, '2026-11-20');
    // A mistake first: aware before the incident.
    await pickDate(/Date your agency became aware/, '2026-11-19');
    await radio(/What happened to them/, 'Seriously harmed');
    await radio(/Abuse or neglect/, 'Suspected');
    await radio(/concern about how agencies worked together/, 'Yes');
    await radio(/immediate risk now/, 'No');
    await radio(/National Panel/, 'Not known');
    await fill(card.getByRole('textbox', { name: /Summary of your agency/ }), 'Attendance fell from September; two welfare calls logged.');
    await fill(card.getByRole('textbox', { name: /Why you are asking/ }), 'Several agencies held concerns that were not shared.');
    await picture(card, 'referral-form.png');

    // The same card comes back from Panel, everything typed kept, the problem beside its field.
    await card.getByRole('button', { name: 'Submit referral' }).click();
    const problem = card.getByText('Your agency cannot have become aware before the incident');
    await problem.waitFor();
    await expect(card.getByRole('textbox', { name: /Full name/ }).inputValue()).resolves.toBe('Charlie Brook');
    await card.getByText('Nothing has been sent yet: 1 answer needs attention.').waitFor();
    await page.setViewportSize({ width: 1280, height: 3400 });
    await problem.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(SCREENSHOTS, 'referral-problem.png'), clip: await clipAround(problem) });
    await page.setViewportSize({ width: 1280, height: 900 });

    await pickDate(/Date your agency became aware/, '2026-11-23');
    await card.getByRole('button', { name: 'Submit referral' }).click();
    const acknowledged = page.locator('.ac-adaptiveCard', { hasText: 'Referral received: REF-2026-0001' });
    await acknowledged.waitFor();
    await expect(acknowledged.textContent()).resolves.toMatch(/Listed for panel.*Tue 29 Dec 2026/s);
    await acknowledged.screenshot({ path: join(SCREENSHOTS, 'acknowledgement.png') });

    const stored = await session.dev.panel.deps.review.store.getCase('REF-2026-0001');
    expect(stored?.referral.subject.name).toBe('Charlie Brook');
    expect(stored?.referral.referrer.agencyName).toBe('Education');
    expect(stored?.referral.family).toEqual([{ name: 'Morgan Brook', relationship: 'Mother' }]);
  }, 60_000);

  it('the Referrals channel shows the new referral, anonymised', async () => {
    await page.getByRole('treeitem', { name: 'Safeguarding Partnership - Referrals' }).click();
    const posted = page.locator('.ac-adaptiveCard', { hasText: 'New referral REF-2026-0001' });
    await posted.waitFor();
    const text = (await posted.textContent()) ?? '';
    expect(text).toMatch(/Young Person A/);
    expect(text).not.toMatch(/Charlie|Brook|Dana/);
    // A serious child incident: its statutory duty is on the card, with the way to record it done.
    expect(text).toMatch(/National Panel notification due.*Mon 30 Nov 2026/s);
    await posted.getByRole('button', { name: 'Record statutory duty' }).waitFor();
    await page.screenshot({ path: join(SCREENSHOTS, 'channel-card.png') });
  }, 60_000);

  it('Sam, a second user, records the notification as done: the card in the channel shows it, and says no more', async () => {
    const res = await session.post(
      cardAction(session.serviceUrl, 'sam', VERBS.recordDuty, {
        reference: 'REF-2026-0001',
        duty: 'nationalPanelNotification',
        notification: 'NP-2026-0114',
      }),
    );
    expect(res.status).toBe(200);
    await session.dev.panel.deps.background.idle();
    const posted = page.locator('.ac-adaptiveCard', { hasText: 'New referral REF-2026-0001' });
    await expect
      .poll(async () => (await posted.textContent()) ?? '', { timeout: 20_000 })
      .toMatch(/National Panel notification due.*Mon 30 Nov 2026, done Tue 1 Dec 2026/s);
    expect((await session.dev.panel.deps.review.store.getCase('REF-2026-0001'))?.duties?.nationalPanelNotification).toMatchObject({
      reference: 'NP-2026-0114',
      by: PLAYGROUND.sam.aadObjectId,
    });
  }, 60_000);
});
