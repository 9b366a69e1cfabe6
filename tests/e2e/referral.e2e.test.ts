import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger.js';
import { startDevSetup, type DevSetup } from '../../scripts/dev.js';
import { NOW } from '../support/panel-harness.js';

/**
 * The README's pictures are refreshed with `UPDATE_SCREENSHOTS=1 npm test`; other runs
 * keep theirs in test-results/, so a test run leaves the working tree as it was.
 */
const SCREENSHOTS = join(
  import.meta.dirname,
  process.env.UPDATE_SCREENSHOTS ? '../../docs/screenshots' : '../../test-results/screenshots',
);

/** The ids of .m365agentsplayground.yml. */
const PLAYGROUND = {
  bot: { id: '00000000-0000-0000-0000-00000000b07a', name: 'Panel' },
  tenant: '8f1c7a52-3f0e-4d7b-9a51-5a8f3c2e1d00',
  team: 'team-safeguarding-partnership',
  referrals: 'channel-referrals',
  sam: { id: 'user-sam-patel', name: 'Sam Patel', aadObjectId: '22222222-2222-4222-8222-222222222222' },
};

/** A picture of the part of the card around a problem: the field above it and the message. */
async function clipAround(element: Locator): Promise<{ x: number; y: number; width: number; height: number }> {
  const box = await element.boundingBox();
  if (!box) throw new Error('the problem is not on screen');
  return { x: Math.max(0, box.x - 24), y: Math.max(0, box.y - 140), width: 520, height: 180 };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * End to end, as a newcomer meets Panel with `npm run dev`: the real server in local
 * mode, the Agents Playground in front of it, driven in Debian's Chromium.
 */
describe('a practitioner refers through the Agents Playground', () => {
  const dir = mkdtempSync(join(tmpdir(), 'panel-e2e-'));
  let dev: DevSetup;
  let browser: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // What `npm run dev` starts, on free ports, a temporary store and a fixed date.
    dev = await startDevSetup(
      { PORT: '0', SQLITE_PATH: join(dir, 'panel.db') },
      { playgroundPort: await freePort(), now: () => NOW, log: createLogger('silent') },
    );
    browser = await chromium.launchPersistentContext(join(dir, 'chromium'), {
      executablePath: '/usr/bin/chromium',
      viewport: { width: 1280, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await browser.newPage();
    // Nothing leaves the machine: fonts and telemetry from the internet are refused.
    await page.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await dev?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the business unit (Sam, a second user) chooses the Referrals channel', async () => {
    // Sam speaks through Panel's endpoint directly; the reply appears in the Playground.
    const res = await fetch(`http://127.0.0.1:${dev.panel.port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id: 'sam-1',
        channelId: 'msteams',
        serviceUrl: `${dev.playground.url}/_connector`,
        from: PLAYGROUND.sam,
        recipient: PLAYGROUND.bot,
        conversation: {
          // A new post in the channel, as the Playground addresses one.
          id: PLAYGROUND.referrals,
          conversationType: 'channel',
          isGroup: true,
          tenantId: PLAYGROUND.tenant,
        },
        text: '<at>Panel</at> use this channel for referrals',
        entities: [{ type: 'mention', text: '<at>Panel</at>', mentioned: PLAYGROUND.bot }],
        channelData: {
          tenant: { id: PLAYGROUND.tenant },
          team: { id: PLAYGROUND.team },
          channel: { id: PLAYGROUND.referrals },
        },
      }),
    });
    expect(res.status).toBe(200);
    expect(await dev.panel.deps.review.store.getSetting('referralChannel')).toMatchObject({ channelId: PLAYGROUND.referrals });
  });

  it('types refer, fills the card by its labels, submits, and sees the reference', async () => {
    await page.goto(dev.playground.url);
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

    const fill = async (box: Locator, value: string) => {
      await box.click();
      await box.fill(value);
    };
    // Dates are typed, then Tab: Enter, or a click first, leaves the calendar open over the card.
    const pickDate = async (label: RegExp, value: string) => {
      const box = card.getByRole('combobox', { name: label });
      await box.fill(value);
      await box.press('Tab');
    };
    const radio = (group: RegExp, choice: string) =>
      card.getByRole('radiogroup', { name: group }).getByRole('radio', { name: choice, exact: true }).check();

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
    // The chat pane scrolls: make the page tall enough to hold the whole card for its picture.
    await page.setViewportSize({ width: 1280, height: 3400 });
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: join(SCREENSHOTS, 'referral-form.png') });
    await page.setViewportSize({ width: 1280, height: 900 });

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

    const stored = await dev.panel.deps.review.store.getCase('REF-2026-0001');
    expect(stored?.referral.subject.name).toBe('Charlie Brook');
    expect(stored?.referral.referrer.agencyName).toBe('Education');
  }, 60_000);

  it('the Referrals channel shows the new referral, anonymised', async () => {
    await page.getByRole('treeitem', { name: 'Safeguarding Partnership - Referrals' }).click();
    const posted = page.locator('.ac-adaptiveCard', { hasText: 'New referral REF-2026-0001' });
    await posted.waitFor();
    const text = (await posted.textContent()) ?? '';
    expect(text).toMatch(/Young Person A/);
    expect(text).not.toMatch(/Charlie|Brook|Dana/);
    await page.screenshot({ path: join(SCREENSHOTS, 'channel-card.png') });
  }, 60_000);
});
