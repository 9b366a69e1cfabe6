import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { createLogger } from '../../bot/logger.js';
import { startDevSetup, type DevSetup } from '../../scripts/dev.js';
import { REPO_ROOT } from '../../scripts/playground.js';
import { NOW } from './panel-harness.js';

/**
 * The README's pictures are refreshed with `UPDATE_SCREENSHOTS=1 npm test`; other runs
 * keep theirs in test-results/, so a test run leaves the working tree as it was.
 */
export const SCREENSHOTS = join(
  import.meta.dirname,
  process.env.UPDATE_SCREENSHOTS ? '../../docs/screenshots' : '../../test-results/screenshots',
);

/** The ids of .m365agentsplayground.yml. */
export const PLAYGROUND = {
  bot: { id: '00000000-0000-0000-0000-00000000b07a', name: 'Panel' },
  tenant: '8f1c7a52-3f0e-4d7b-9a51-5a8f3c2e1d00',
  team: 'team-safeguarding-partnership',
  referrals: 'channel-referrals',
  sam: { id: 'user-sam-patel', name: 'Sam Patel', aadObjectId: '22222222-2222-4222-8222-222222222222' },
};

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface PlaygroundUser {
  id: string;
  name: string;
  aadObjectId: string;
}

/**
 * A copy of the repository's Playground set-up with someone else as the person at the
 * keyboard (the Playground has one current user), in `dir`.
 */
function playgroundAs(name: string, dir: string): void {
  const config = parseYaml(readFileSync(join(REPO_ROOT, '.m365agentsplayground.yml'), 'utf8')) as {
    currentUser: PlaygroundUser;
    users: PlaygroundUser[];
    personalChat: { id: string };
  };
  const user = config.users.find((u) => u.name === name);
  if (!user) throw new Error(`${name} is not a Playground user`);
  config.users = [...config.users.filter((u) => u !== user), config.currentUser];
  config.currentUser = user;
  config.personalChat = { id: `personal-chat-panel-${user.id}` };
  writeFileSync(join(dir, '.m365agentsplayground.yml'), stringifyYaml(config));
}

export interface PlaygroundSession {
  dev: DevSetup;
  page: Page;
  /** Sends an activity straight to Panel's endpoint, as someone other than the current user. */
  post(activity: Record<string, unknown>): Promise<Response>;
  /** The Playground's Bot Connector: the serviceUrl of activities sent with `post`. */
  serviceUrl: string;
  stop(): Promise<void>;
}

/**
 * End to end, as a newcomer meets Panel with `npm run dev`: the real server in local
 * mode on a temporary store and a fixed date, the Agents Playground in front of it,
 * driven in Debian's Chromium. `as` makes someone other than Dana the current user.
 */
export async function openPlayground(options: { as?: string } = {}): Promise<PlaygroundSession> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'panel-e2e-'));
  let playgroundDir: string | undefined;
  if (options.as) {
    playgroundDir = join(dir, 'playground');
    mkdirSync(playgroundDir);
    playgroundAs(options.as, playgroundDir);
  }
  const dev = await startDevSetup(
    { PORT: '0', SQLITE_PATH: join(dir, 'panel.db') },
    { playgroundPort: await freePort(), now: () => NOW, log: createLogger('silent'), ...(playgroundDir && { playgroundDir }) },
  );
  let browser: BrowserContext | undefined;
  try {
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
    const page = await browser.newPage();
    // Nothing leaves the machine: fonts and telemetry from the internet are refused.
    await page.route('**/*', (route) => {
      const host = new URL(route.request().url()).hostname;
      return host === '127.0.0.1' || host === 'localhost' ? route.continue() : route.abort();
    });
    const opened = browser;
    return {
      dev,
      page,
      serviceUrl: `${dev.playground.url}/_connector`,
      post: (activity) =>
        fetch(`http://127.0.0.1:${dev.panel.port}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(activity),
        }),
      async stop() {
        await opened.close();
        await dev.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await browser?.close();
    await dev.stop();
    throw err;
  }
}

/**
 * Sam, of the business unit, says "@Panel use this channel for referrals" in the Referrals
 * channel, or "… for the panel" in the team's General channel (whose id is the team's).
 */
export function samChoosesChannel(session: PlaygroundSession, purpose: 'referrals' | 'the panel' = 'referrals'): Promise<Response> {
  const channel = purpose === 'referrals' ? PLAYGROUND.referrals : PLAYGROUND.team;
  return session.post({
    type: 'message',
    id: `sam-${purpose}`,
    channelId: 'msteams',
    serviceUrl: session.serviceUrl,
    from: PLAYGROUND.sam,
    recipient: PLAYGROUND.bot,
    conversation: {
      // A new post in the channel, as the Playground addresses one.
      id: channel,
      conversationType: 'channel',
      isGroup: true,
      tenantId: PLAYGROUND.tenant,
    },
    text: `<at>Panel</at> use this channel for ${purpose}`,
    entities: [{ type: 'mention', text: '<at>Panel</at>', mentioned: PLAYGROUND.bot }],
    channelData: {
      tenant: { id: PLAYGROUND.tenant },
      team: { id: PLAYGROUND.team },
      channel: { id: channel },
    },
  });
}

/** Helpers for filling a card in the Playground, learnt the hard way. */
export function cardFiller(page: Page, card: Locator) {
  return {
    /** Text boxes on a card that arrived proactively drop typed text unless clicked first. */
    async fill(box: Locator, value: string) {
      await box.click();
      await box.fill(value);
    },
    /** Dates are typed, then Tab: Enter, or a click first, leaves the calendar open over the card. */
    async pickDate(label: RegExp, value: string) {
      const box = card.getByRole('combobox', { name: label });
      await box.fill(value);
      await box.press('Tab');
    },
    radio: (group: RegExp, choice: string) =>
      card.getByRole('radiogroup', { name: group }).getByRole('radio', { name: choice, exact: true }).check(),
    /** A picture of a whole card, however tall: the chat pane scrolls, so the page is made tall enough. */
    async picture(target: Locator, file: string) {
      await page.setViewportSize({ width: 1280, height: 3400 });
      await target.scrollIntoViewIfNeeded();
      await target.screenshot({ path: join(SCREENSHOTS, file) });
      await page.setViewportSize({ width: 1280, height: 900 });
    },
  };
}

/**
 * Watches the page from now on for a card showing every one of `texts`; the answer says
 * whether one was ever shown. A card that the Playground replaces a moment later (the
 * same message updated in place) can be gone before a locator looks for it.
 */
export async function watchForCard(page: Page, texts: readonly string[]): Promise<() => Promise<boolean>> {
  const flag = `panelCardSeen${Date.now()}`;
  // A string, run in the page: the tests are not compiled with the DOM's types.
  await page.evaluate(`(() => {
    const texts = ${JSON.stringify(texts)};
    const shown = () => [...document.querySelectorAll('.ac-adaptiveCard')].some((card) =>
      texts.every((text) => (card.textContent || '').includes(text)));
    const observer = new MutationObserver(() => {
      if (shown()) { window[${JSON.stringify(flag)}] = true; observer.disconnect(); }
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
  })()`);
  return async () => (await page.evaluate(`window[${JSON.stringify(flag)}] === true`)) === true;
}
