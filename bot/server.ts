import { meteredStore, observeBacklog, traced } from './observability.js';
import { TeamsAdapter } from '@microsoft/teams-ai';
import {
  ActivityTypes,
  ConfigurationBotFrameworkAuthentication,
  type ConfigurationBotFrameworkAuthenticationOptions,
  type TurnContext,
} from 'botbuilder';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import restify from 'restify';
import { z } from 'zod';
import { createWorkingCalendar } from '../review/calendar.js';
import { createDirectory } from '../review/partnership.js';
import { StoreBusyError, type CaseStore } from '../review/store.js';
import { scheduleEffects } from '../scheduler/effects.js';
import { scheduleRetention } from '../scheduler/retention.js';
import { openStore } from '../storage/open-store.js';
import { activityShape } from './activity-shape.js';
import { createApp } from './app.js';
import { readPartnership } from './partnership-file.js';
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
  /**
   * Stops: no new turns (answered 503, so the Bot Connector tries again, on another
   * instance) and no new effects; waits up to `graceMs` for the turns and effects under
   * way, then closes the store. An effect still under way after that keeps its lease,
   * and another instance (or this one, restarted) does it once the lease runs out.
   */
  close(graceMs?: number): Promise<void>;
}

/** How long a stop waits for work under way: within App Service's and Container Apps' grace before SIGKILL. */
export const SHUTDOWN_GRACE_MS = 10_000;

/** A card action's verb, for its turn's span. */
const verbShape = z.object({ value: z.object({ action: z.object({ verb: z.string().max(60) }) }) });

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

/** How long `/readyz` waits for the store: a probe must answer quickly. */
const READY_STORE_MS = 2000;

/** A promise that fails after `ms` if it has not settled. */
function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timed out')), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** Starts Panel's HTTP server: `POST /api/messages` for Teams, `GET /healthz` for probes. */
export async function startPanel(config: Config, options: PanelOptions = {}): Promise<RunningPanel> {
  const log = options.log ?? createLogger(config.logLevel);
  const partnership = readPartnership(config.partnershipFile);
  const opened = options.store ?? (await openStore(config.store, (message) => log.warn({ store: config.store.kind }, message)));
  const store = meteredStore(opened, config.store.kind);
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
    ...(config.tenantId && { tenants: [config.tenantId.toLowerCase(), ...config.allowedTenants] }),
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

  let closing = false;
  server.post('/api/messages', async (req, res) => {
    if (closing) {
      res.header('Retry-After', '5');
      res.send(503, { error: 'Panel is restarting; try again' });
      return;
    }
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
    // A turn's span: its activity type and card verb, never what it says.
    const verb = verbShape.safeParse(req.body).data?.value.action.verb;
    await traced('turn', { 'activity.type': shape.data.type, ...(verb && { 'card.verb': verb }) }, () =>
      adapter.process(req, res, async (context) => {
        await app.run(context);
      }),
    );
  });

  server.get('/healthz', async (_req, res) => {
    res.send(200, { status: 'ok', mode: config.localMode ? 'local' : 'teams' });
  });

  // Ready: the store answers, and the effects sweep has run lately (or this instance has
  // only just started). App Service and Container Apps take an instance out of rotation on 503.
  const started = deps.review.now();
  let lastSwept: () => Date | undefined = () => undefined;
  server.get('/readyz', async (_req, res) => {
    const problems: string[] = [];
    const answered = await withTimeout(store.getSetting('referralChannel'), READY_STORE_MS).then(
      () => true,
      () => false,
    );
    if (!answered) problems.push(`the store did not answer within ${READY_STORE_MS / 1000} s`);
    const stale = (partnership.reminders.sweepEveryMinutes * 2 + 5) * 60_000;
    const since = (lastSwept() ?? started).getTime();
    if (deps.review.now().getTime() - since > stale)
      problems.push(`no effects sweep has finished in ${Math.round(stale / 60_000)} minutes`);
    res.send(problems.length ? 503 : 200, problems.length ? { status: 'unready', problems } : { status: 'ready' });
  });

  observeBacklog(store, deps.review.now);
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
    now: deps.review.now,
  });
  lastSwept = sweep.lastSwept;
  deps.background.run('effects', () => sweep.started);

  return {
    port,
    deps,
    async close(graceMs = SHUTDOWN_GRACE_MS) {
      closing = true;
      deps.effects.stop();
      await retention.destroy();
      await sweep.task.destroy();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections with no request in flight would hold the close open.
      server.server.closeIdleConnections();
      let timer: NodeJS.Timeout | undefined;
      const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
      await Promise.race([Promise.all([stopped, deps.background.idle()]), grace]);
      clearTimeout(timer);
      await store.close();
    },
  };
}
