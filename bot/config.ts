import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { formatPath } from '../review/issues.js';
import type { StoreConfig } from '../storage/open-store.js';

/** Panel's own folder (with its package.json), whether it runs from source or compiled into `dist/`. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

export const DEMO_PARTNERSHIP_FILE = join(packageRoot(), 'partnership', 'demo.yaml');

export const BOT_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;

const flag = z
  .enum(['true', 'false', '1', '0', ''], { message: 'must be true or false' })
  .optional()
  .transform((v) => v === 'true' || v === '1');
const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));
/** A blank setting is an unset one: it takes the default. */
const blankIsUnset = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

const envSchema = z.object({
  NODE_ENV: optionalText,
  PORT: z.preprocess(
    blankIsUnset,
    z
      .string()
      .regex(/^\d{1,5}$/, 'must be a port number, 0 to 65535 (0 for a free port)')
      .transform(Number)
      .refine((n) => n <= 65535, 'must be a port number, 0 to 65535 (0 for a free port)')
      .default('3978'),
  ),
  BOT_ID: optionalText.pipe(z.string().uuid("must be the Azure Bot's Microsoft App ID (a GUID)").optional()),
  BOT_PASSWORD: optionalText,
  BOT_TENANT_ID: optionalText.pipe(z.string().uuid('must be your Microsoft Entra tenant id (a GUID)').optional()),
  BOT_ALLOWED_TENANTS: optionalText.pipe(
    z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((t) => t.trim().toLowerCase())
          .filter(Boolean),
      )
      .pipe(z.array(z.string().uuid('must list Microsoft Entra tenant ids (GUIDs), separated by commas')))
      .optional(),
  ),
  AZURE_CLIENT_ID: optionalText.pipe(z.string().uuid("must be the user-assigned managed identity's client id (a GUID)").optional()),
  BOT_TYPE: z.preprocess(
    blankIsUnset,
    // Azure no longer creates multi-tenant bots; one partnership is one tenant.
    z.enum(BOT_TYPES, { message: `must be one of ${BOT_TYPES.join(', ')}` }).default('SingleTenant'),
  ),
  LOCAL_MODE: flag,
  STORE: z.preprocess(blankIsUnset, z.enum(['sqlite', 'cosmos'], { message: 'must be sqlite or cosmos' }).default('sqlite')),
  SQLITE_PATH: optionalText.transform((v) => v ?? './data/panel.db'),
  SQLITE_SYNCHRONOUS: z.preprocess(
    (v) => (typeof v === 'string' ? blankIsUnset(v.toLowerCase()) : v),
    z.enum(['normal', 'full'], { message: 'must be normal or full' }).default('normal'),
  ),
  COSMOS_ENDPOINT: optionalText.pipe(
    z.string().url("must be the account's URI, like https://<account>.documents.azure.com:443/").optional(),
  ),
  COSMOS_DATABASE: optionalText.transform((v) => v ?? 'panel'),
  COSMOS_KEY: optionalText,
  PARTNERSHIP_FILE: optionalText.transform((v) => v ?? DEMO_PARTNERSHIP_FILE),
  LOG_LEVEL: z.preprocess(
    blankIsUnset,
    z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        message: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
  ),
});

export type BotCredentials = {
  appId: string;
  password?: string;
  tenantId?: string;
  type: (typeof BOT_TYPES)[number];
};

/** Panel's settings, parsed once at start-up from the environment. */
export interface Config {
  port: number;
  /** Absent only in local mode, where requests are not authenticated. */
  bot?: BotCredentials;
  localMode: boolean;
  /** The partnership's Entra tenant: activities from any other tenant are refused. */
  tenantId?: string;
  /**
   * Other tenants whose activities are served (BOT_ALLOWED_TENANTS): agencies (police, NHS
   * trusts) in shared channels of the partnership's team. Their people still need a role
   * in the partnership file for anything but a referral.
   */
  allowedTenants: string[];
  store: StoreConfig;
  partnershipFile: string;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Panel cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Reads Panel's configuration from an environment (`process.env` in production; any
 * record in tests). Fails closed: without bot credentials Panel runs only when
 * LOCAL_MODE=true says so, and never when NODE_ENV=production.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${formatPath(i.path)} ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const production = e.NODE_ENV?.toLowerCase() === 'production';
  if (e.LOCAL_MODE && production) {
    problems.push(
      'LOCAL_MODE=true turns authentication off and is refused when NODE_ENV=production: set BOT_ID and its credentials instead',
    );
  }
  if (e.LOCAL_MODE && e.BOT_ID) {
    problems.push('LOCAL_MODE=true and BOT_ID are both set: unset LOCAL_MODE to run as the bot, or BOT_ID to run locally');
  }
  if (!e.LOCAL_MODE && !e.BOT_ID) {
    problems.push(
      'no bot credentials: set BOT_ID (with BOT_PASSWORD, BOT_TENANT_ID, BOT_TYPE) to serve Teams, or LOCAL_MODE=true to run locally without authentication',
    );
  }
  if (e.BOT_ID && e.BOT_TYPE !== 'UserAssignedMSI' && !e.BOT_PASSWORD) {
    problems.push(`BOT_PASSWORD is required when BOT_TYPE=${e.BOT_TYPE}: the client secret of the bot's app registration`);
  }
  if (e.BOT_ID && e.BOT_TYPE !== 'MultiTenant' && !e.BOT_TENANT_ID) {
    problems.push(`BOT_TENANT_ID is required when BOT_TYPE=${e.BOT_TYPE}`);
  }
  if (production && !e.LOCAL_MODE && !env.PARTNERSHIP_FILE?.trim()) {
    problems.push("PARTNERSHIP_FILE is required when NODE_ENV=production: the demo partnership's people are fictional");
  }
  if (e.BOT_ALLOWED_TENANTS?.length && !e.BOT_TENANT_ID) {
    problems.push("BOT_ALLOWED_TENANTS needs BOT_TENANT_ID: the partnership's own tenant, which is always served");
  }
  if (e.BOT_TYPE === 'UserAssignedMSI' && e.BOT_ID && e.STORE === 'cosmos' && !e.COSMOS_KEY && !e.AZURE_CLIENT_ID) {
    problems.push(
      'AZURE_CLIENT_ID is required with a user-assigned managed identity and STORE=cosmos without COSMOS_KEY: DefaultAzureCredential signs in to Cosmos DB as the identity it names (its client id)',
    );
  }
  if (e.STORE === 'cosmos' && !e.COSMOS_ENDPOINT) {
    problems.push("COSMOS_ENDPOINT is required when STORE=cosmos: the Cosmos DB account's URI");
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const store: StoreConfig =
    e.STORE === 'cosmos'
      ? {
          kind: 'cosmos',
          endpoint: e.COSMOS_ENDPOINT ?? '',
          database: e.COSMOS_DATABASE,
          ...(e.COSMOS_KEY && { key: e.COSMOS_KEY }),
        }
      : { kind: 'sqlite', path: e.SQLITE_PATH, synchronous: e.SQLITE_SYNCHRONOUS };

  return {
    port: e.PORT,
    ...(e.BOT_ID && {
      bot: {
        appId: e.BOT_ID,
        type: e.BOT_TYPE,
        ...(e.BOT_PASSWORD && { password: e.BOT_PASSWORD }),
        ...(e.BOT_TENANT_ID && { tenantId: e.BOT_TENANT_ID }),
      },
    }),
    localMode: e.LOCAL_MODE,
    ...(e.BOT_TENANT_ID && { tenantId: e.BOT_TENANT_ID }),
    allowedTenants: e.BOT_ALLOWED_TENANTS ?? [],
    store,
    partnershipFile: e.PARTNERSHIP_FILE,
    logLevel: e.LOG_LEVEL,
  };
}
