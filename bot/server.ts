import { TeamsAdapter } from '@microsoft/teams-ai';
import {
  ActivityTypes,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { z } from 'zod';
import { createWorkingCalendar } from '../review/calendar.js';
import { createDirectory, parsePartnership, PartnershipFileError, type Partnership } from '../review/partnership.js';
import { StoreBusyError, type CaseStore } from '../review/store.js';
import { scheduleEffects } from '../scheduler/effects.js';
import { scheduleRetention } from '../scheduler/retention.js';
import { openStore } from '../storage/open-store.js';
import { createApp } from './app.js';
import { BackgroundWork } from './background.js';
import { PersonalChats } from './personal-chats.js';
import { TeamsUsers } from './teams-users.js';
import { ProactiveConnector } from './proactive-connector.js';
import { TeamsSender } from './teams-sender.js';
import { createEffectRunner } from './effects/performers.js';
import type { Config } from './config.js';
import type { PanelDeps } from './deps.js';
import { createLogger, loggableError, type Logger } from './logger.js';

export interface PanelOptions {
  /** Defaults to the store the configuration names. */
  store?: CaseStore;
  log?: Logger;
  now?: () => Date;
  newId?: () => string;
}

export interface RunningPanel {
  port: number;
  deps: PanelDeps;
  close(): Promise<void>;
}

/**
 * The least an activity needs for Panel to act on it. Anything less is answered 400
 * before it reaches the adapter, instead of failing deep inside a turn.
 */
const activityShape = z.object({
  type: z.string().min(1),
  serviceUrl: z.string().url(),
  channelId: z.string().min(1),
  conversation: z.object({ id: z.string().min(1) }).passthrough(),
  from: z.object({ id: z.string().min(1) }).passthrough(),
  recipient: z.object({ id: z.string().min(1) }).passthrough(),
});

/** The partnership file, checked; a clear error naming it when it cannot be read. */
export function readPartnership(path: string): Partnership {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new PartnershipFileError(path, [`cannot be read (${code}): set PARTNERSHIP_FILE to the partnership file's path`]);
  }
  return parsePartnership(text, path);
}

/** The bot's credentials as botbuilder takes them; none in local mode. */
function authOptions(config: Config): ConfigurationBotFrameworkAuthenticationOptions {
  if (!config.bot) return {};
  return {
    MicrosoftAppId: config.bot.appId,
    MicrosoftAppType: config.bot.type,
    ...(config.bot.password && { MicrosoftAppPassword: config.bot.password }),
    ...(config.bot.tenantId && { MicrosoftAppTenantId: config.bot.tenantId }),
  };
}

/** Starts Panel's HTTP server: `POST /api/messages` for Teams, `GET /healthz` for probes. */
export async function startPanel(config: Config, options: PanelOptions = {}): Promise<RunningPanel> {
  const log = options.log ?? createLogger(config.logLevel);
  const partnership = readPartnership(config.partnershipFile);
  const store = options.store ?? (await openStore(config.store, (message) => log.warn({ store: config.store.kind }, message)));
  const adapter = new TeamsAdapter(authOptions(config));
  const botAppId = config.bot?.appId ?? '';
  const review = {
    store,
    partnership,
    directory: createDirectory(partnership),
    calendar: createWorkingCalendar(partnership.nation),
    now: options.now ?? (() => new Date()),
  };
  const deps: PanelDeps = {
    review,
    log,
    adapter,
    botAppId,
    ...(config.tenantId && { tenantId: config.tenantId }),
    newId: options.newId ?? randomUUID,
    background: new BackgroundWork(log),
    sender: new TeamsSender(new ProactiveConnector(new ConfigurationBotFrameworkAuthentication(authOptions(config)), botAppId), botAppId),
    effects: createEffectRunner(() => deps, review, log),
    chats: new PersonalChats(),
    users: new TeamsUsers(),
  };
  const app = createApp(deps);

  adapter.onTurnError = async (context: TurnContext, error: Error) => {
    const busy = error instanceof StoreBusyError;
    // Never the activity: it may hold what someone typed.
    log[busy ? 'warn' : 'error']({ err: loggableError(error), type: context.activity.type }, 'turn failed');
    const text = busy
      ? 'Panel is very busy just now and nothing was changed. Please try again in a minute.'
      : "Sorry, something went wrong on Panel's side. Please try again; if it keeps happening, tell the business unit.";
    if (context.activity.type !== ActivityTypes.Invoke) {
      await context.sendActivity(text);
      return;
    }
    // Answer the card action in Teams' own way, a message shown beside the card. Not
    // rethrown: the adapter would answer 500 with the error's message as the body.
    await context.sendActivity({
      type: ActivityTypes.InvokeResponse,
      value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: text } },
    });
  };

  const server = restify.createServer({ name: 'panel', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ mapParams: false, maxBodySize: 256 * 1024 }));

  server.post('/api/messages', async (req, res) => {
    const shape = activityShape.safeParse(req.body);
    if (!shape.success) {
      log.warn({ problems: shape.error.issues.map((i) => i.path.join('.')) }, 'malformed activity refused');
      // Checked before authentication, so the details go only to a local developer.
      res.send(
        400,
        config.localMode
          ? { error: 'malformed activity', problems: shape.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) }
          : { error: 'malformed activity' },
      );
      return;
    }
    await adapter.process(req, res, async (context) => {
      await app.run(context);
    });
  });

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok', mode: config.localMode ? 'local' : 'teams' });
  });

  const retention = scheduleRetention({ store, timezone: partnership.timezone, now: deps.review.now, log });

  // Without authentication, only this machine may talk to Panel.
  const host = config.localMode ? '127.0.0.1' : '0.0.0.0';
  await new Promise<void>((resolve) => server.listen(config.port, host, resolve));
  const port = (server.address() as AddressInfo).port;
  log.info({ port, mode: config.localMode ? 'local' : 'teams', store: config.store.kind }, 'Panel is listening');
  // Does what cases owe that a previous run left, now and every sweepEveryMinutes.
  const sweep = scheduleEffects(deps.effects, {
    timezone: partnership.timezone,
    everyMinutes: partnership.reminders.sweepEveryMinutes,
    log,
  });
  deps.background.run('effects', () => sweep.started);

  return {
    port,
    deps,
    async close() {
      await retention.destroy();
      await sweep.task.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.background.idle();
      await store.close();
    },
  };
}
