import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

import { BOT_TYPES, loadConfig } from '../bot/config.js';
import { CASES_INDEXING } from '../storage/cosmos-containers.js';

// infra/main.bicep is checked as text: no Bicep compiler can be installed here
// (/work/shared/PLATFORM.md). Comments are stripped first, so a check is never met by one.

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');

/** The text without `//` comments (outside strings), line by line. */
function stripComments(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      let inString = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i];
        if (c === '\\' && inString) i++;
        else if (c === "'") inString = !inString;
        else if (!inString && c === '/' && line[i + 1] === '/') return line.slice(0, i).trimEnd();
      }
      return line;
    })
    .join('\n');
}

/** The text with string literals emptied (`'…'` → `''`), for counting delimiters and names. */
function withoutStrings(text: string): string {
  return text.replace(/'(?:\\.|[^'\\\n])*'/g, "''");
}

const bicep = stripComments(read('infra/main.bicep'));
const parametersFile = JSON.parse(read('infra/main.parameters.json')) as {
  $schema: string;
  parameters: Record<string, { value: unknown }>;
};

/** From the first `open` at or after `from`, the text up to its matching `close`. */
function delimited(text: string, from: number, open = '{', close = '}'): string {
  const start = text.indexOf(open, from);
  if (start < 0) throw new Error(`no ${open} after offset ${from}`);
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === open) depth++;
    else if (text[i] === close && --depth === 0) return text.slice(start, i + 1);
  }
  throw new Error(`unbalanced ${open} at offset ${start}`);
}

const braced = (text: string, from: number) => delimited(text, from);

interface BicepResource {
  type: string;
  /** The resource's body, `{ … }`. */
  body: string;
}

function resources(): Map<string, BicepResource> {
  const found = new Map<string, BicepResource>();
  for (const m of bicep.matchAll(/^resource (\w+) '([^'@]+)@([^']+)' = /gm)) {
    found.set(m[1] ?? '', { type: m[2] ?? '', body: braced(bicep, (m.index ?? 0) + m[0].length) });
  }
  return found;
}

function resource(symbol: string): BicepResource {
  const r = resources().get(symbol);
  if (!r) throw new Error(`main.bicep has no resource ${symbol}`);
  return r;
}

/** The line that declares a resource, up to its body: its type and condition. */
function resourceHead(symbol: string): string {
  const m = new RegExp(`^resource ${symbol} .*$`, 'm').exec(bicep);
  if (!m) throw new Error(`main.bicep has no resource ${symbol}`);
  return m[0];
}

function varExpression(name: string): string {
  const m = new RegExp(`^var ${name} = (.+)$`, 'm').exec(bicep);
  if (!m?.[1]) throw new Error(`main.bicep has no var ${name}`);
  return m[1].trim();
}

function varObject(name: string): string {
  const m = new RegExp(`^var ${name} = \\{`, 'm').exec(bicep);
  if (!m) throw new Error(`main.bicep has no object var ${name}`);
  return braced(bicep, m.index);
}

/** `key: value` pairs on their own lines in a block (single-line values). */
function entries(block: string): Map<string, string> {
  return new Map([...block.matchAll(/^\s*([A-Za-z_]\w*): (.+)$/gm)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]));
}

interface BicepParam {
  name: string;
  type: string;
  defaultValue?: string;
  decorators: string;
  allowed?: string[];
}

function params(): Map<string, BicepParam> {
  const found = new Map<string, BicepParam>();
  let decorators: string[] = [];
  let inAllowed = false;
  for (const line of bicep.split('\n')) {
    if (inAllowed || line.startsWith('@')) {
      decorators.push(line);
      if (line.startsWith('@allowed([')) inAllowed = !line.includes('])');
      else if (inAllowed && line.startsWith('])')) inAllowed = false;
      continue;
    }
    const m = /^param (\w+) (\w+)(?: = (.+))?$/.exec(line);
    if (m) {
      const text = decorators.join('\n');
      const allowed = /@allowed\(\[([\s\S]*?)\]\)/.exec(text);
      found.set(m[1] ?? '', {
        name: m[1] ?? '',
        type: m[2] ?? '',
        ...(m[3] !== undefined && { defaultValue: m[3].trim() }),
        decorators: text,
        ...(allowed && { allowed: [...(allowed[1] ?? '').matchAll(/'([^']*)'/g)].map((a) => a[1] ?? '') }),
      });
    }
    decorators = [];
  }
  return found;
}

const literal = (expr: string): string | undefined => /^'((?:\\.|[^'\\$])*)'$/.exec(expr)?.[1];

// ---- App settings ----

/** The app settings as the template writes them: name → Bicep expression. */
function appSettings(): Map<string, string> {
  return new Map([
    ...entries(varObject('appSettingsBase')),
    ...conditionalSetting('appSettingsBotPassword').setting,
    ...conditionalSetting('appSettingsBuild').setting,
  ]);
}

/** A var `<condition> ? { NAME: <expression> } : {}`: one setting, written only when the condition holds. */
function conditionalSetting(name: string): { condition: string; setting: Map<string, string> } {
  const m = /^(\w+) \? \{ ([A-Z][A-Z0-9_]*): (.+) \} : \{\}$/.exec(varExpression(name));
  if (!m) throw new Error(`${name} is not \`<condition> ? { NAME: <expression> } : {}\``);
  return { condition: m[1] ?? '', setting: new Map([[m[2] ?? '', m[3] ?? '']]) };
}

/** Panel's settings: the keys of bot/config.ts's envSchema, where Panel reads the environment. */
function configKeys(): string[] {
  const source = read('bot/config.ts');
  const start = source.indexOf('const envSchema = z.object({');
  const end = source.indexOf('\n});', start);
  return [...source.slice(start, end).matchAll(/^ {2}([A-Z][A-Z0-9_]*):/gm)].map((m) => m[1] ?? '');
}

const envSampleKeys = (): string[] => [...read('env.sample').matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1] ?? '');

/** Settings Panel reads (bot/config.ts, env.sample) that the Azure deployment deliberately leaves unset. */
const LEFT_OUT: Record<string, string> = {
  PORT: 'App Service sets PORT in the Node.js container and forwards requests to it; Panel listens on it',
  LOCAL_MODE: 'unset means false; true turns authentication off and is refused with NODE_ENV=production',
  SQLITE_PATH: 'STORE=cosmos',
  SQLITE_SYNCHRONOUS: 'STORE=cosmos',
  COSMOS_KEY: 'the account has disableLocalAuth: true; Panel signs in as the managed identity (DefaultAzureCredential)',
};

/** Settings the template writes that bot/config.ts does not read: what reads them, and where. */
const NOT_PANELS: Record<string, { readBy: string; file?: string }> = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: { readBy: 'the telemetry preload (npm start), outside loadConfig', file: 'bot/telemetry.ts' },
  SCM_DO_BUILD_DURING_DEPLOYMENT: { readBy: 'App Service: npm install and npm run build on zip deploy' },
  NPM_CONFIG_INCLUDE: { readBy: 'npm, during that build: devDependencies despite NODE_ENV=production' },
};

/** Stand-ins for values only Azure knows, by the Bicep expression that gives them. */
const AZURE_VALUES: Record<string, string> = {
  botMsaAppId: '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  tenantId: '9e8d7c6b-5a49-4382-9170-6f5e4d3c2b1a',
  'panelIdentity.properties.clientId': '3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b',
  'cosmos.properties.documentEndpoint': 'https://panel-cosmos-abc123.documents.azure.com:443/',
  'insights.properties.ConnectionString': 'InstrumentationKey=00000000-0000-0000-0000-000000000000',
  botPasswordReference: 'the client secret, resolved from Key Vault',
  "buildOnServer ? 'true' : 'false'": 'true',
};

/** The environment Panel would see, for one choice of the template's parameters. */
function environmentFor(choice: Record<string, string>): Record<string, string> {
  const declared = params();
  const passwordCondition = conditionalSetting('appSettingsBotPassword').condition;
  const [, conditionParam, conditionValue] = /^(\w+) == '([^']+)'$/.exec(varExpression(passwordCondition)) ?? [];
  const env: Record<string, string> = {};
  for (const [name, expr] of appSettings()) {
    if (name === 'BOT_PASSWORD' && choice[conditionParam ?? ''] !== conditionValue) continue;
    const param = declared.get(expr);
    const fromParam = param
      ? (choice[expr] ?? (parametersFile.parameters[expr]?.value as string | undefined) ?? literal(param.defaultValue ?? ''))
      : undefined;
    const value = literal(expr) ?? fromParam ?? AZURE_VALUES[expr];
    if (value === undefined) throw new Error(`${name}: no stand-in for ${expr}; add one to AZURE_VALUES`);
    env[name] = value;
  }
  return env;
}

describe('infra/main.bicep: resources', () => {
  it('is one deployment at resource-group scope', () => {
    expect(bicep).toMatch(/^targetScope = 'resourceGroup'$/m);
  });

  it('declares every resource Panel needs, each by its type and an API version', () => {
    const types = [...resources().values()].map((r) => r.type);
    for (const type of [
      'Microsoft.ManagedIdentity/userAssignedIdentities',
      'Microsoft.Web/serverfarms',
      'Microsoft.Web/sites',
      'Microsoft.Web/sites/config',
      'Microsoft.BotService/botServices',
      'Microsoft.BotService/botServices/channels',
      'Microsoft.DocumentDB/databaseAccounts',
      'Microsoft.DocumentDB/databaseAccounts/sqlDatabases',
      'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers',
      'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments',
      'Microsoft.KeyVault/vaults',
      'Microsoft.KeyVault/vaults/secrets',
      'Microsoft.Authorization/roleAssignments',
      'Microsoft.OperationalInsights/workspaces',
      'Microsoft.Insights/components',
      'Microsoft.Insights/diagnosticSettings',
    ]) {
      expect(types, type).toContain(type);
    }
    for (const m of bicep.matchAll(/^resource \w+ '[^'@]+@([^']+)'/gm)) {
      expect(m[1]).toMatch(/^\d{4}-\d{2}-\d{2}(-preview)?$/);
    }
  });

  it('balances its brackets, and refers only to what it declares', () => {
    const code = withoutStrings(bicep);
    for (const [open, close] of ['{}', '[]', '()']) {
      expect(code.split(open ?? '').length, `${open}${close}`).toBe(code.split(close ?? '').length);
    }
    const declared = new Set([...params().keys(), ...resources().keys(), ...[...bicep.matchAll(/^var (\w+) =/gm)].map((m) => m[1])]);
    const referenced = [
      ...[...code.matchAll(/\b(?:parent|scope): (\w+)$/gm)].map((m) => m[1]),
      ...[...bicep.matchAll(/\$\{(\w+)[.}]/g)].map((m) => m[1]),
      ...[...code.matchAll(/\b([a-z]\w*)\.(?:id|name|properties)\b/g)].map((m) => m[1]),
    ];
    for (const name of referenced) expect(declared, `${name} is used but not declared`).toContain(name);
    // Bicep warns of an unused parameter or variable; here it would mean a setting that does nothing.
    for (const name of declared) {
      const uses =
        [...code.matchAll(new RegExp(`\\b${name}\\b`, 'g'))].length + [...bicep.matchAll(new RegExp(`\\$\\{${name}[.}]`, 'g'))].length;
      if (!resources().has(name ?? '')) expect(uses, `${name} is declared but never used`).toBeGreaterThan(1);
    }
  });
});

describe('infra/main.bicep: app settings', () => {
  it('writes the settings it builds', () => {
    expect(resource('appSettings').type).toBe('Microsoft.Web/sites/config');
    expect(entries(resource('appSettings').body).get('name')).toBe("'appsettings'");
    expect(entries(resource('appSettings').body).get('properties')).toBe(
      'union(appSettingsBase, appSettingsBotPassword, appSettingsBuild)',
    );
  });

  it('sets, or deliberately leaves out, every setting Panel reads and every variable in env.sample', () => {
    const keys = configKeys();
    expect(keys.length).toBeGreaterThanOrEqual(10);
    expect(keys).toContain('BOT_ID');
    const settings = appSettings();
    for (const key of new Set([...keys, ...envSampleKeys()])) {
      expect(settings.has(key) || key in LEFT_OUT, `${key} is neither set in main.bicep nor listed in LEFT_OUT`).toBe(true);
    }
    for (const key of Object.keys(LEFT_OUT)) {
      expect(settings.has(key), `${key} is listed as left out but main.bicep sets it`).toBe(false);
      expect([...keys, ...envSampleKeys()], `${key} is listed as left out but Panel does not read it`).toContain(key);
    }
  });

  it('sets nothing Panel does not read, except the settings listed for the platform', () => {
    const keys = new Set(configKeys());
    for (const name of appSettings().keys()) {
      expect(keys.has(name) || name in NOT_PANELS, `${name}: not a setting of bot/config.ts (a typo?) nor listed in NOT_PANELS`).toBe(true);
    }
    for (const [name, { file }] of Object.entries(NOT_PANELS)) {
      expect(appSettings().has(name), `${name} is listed in NOT_PANELS but not set`).toBe(true);
      expect(keys.has(name), `${name} is read by bot/config.ts now: drop it from NOT_PANELS`).toBe(false);
      if (file) expect(read(file), `${file} reads ${name}`).toContain(name);
    }
  });

  it('gives Panel a production configuration on Cosmos DB, for each bot type and each allowed value', () => {
    const botType = params().get('botType');
    expect(botType?.allowed?.length).toBeGreaterThan(0);
    for (const type of botType?.allowed ?? []) {
      expect(BOT_TYPES).toContain(type);
      const env = environmentFor({ botType: type });
      const config = loadConfig(env);
      expect(config.localMode).toBe(false);
      expect(config.store).toEqual({ kind: 'cosmos', endpoint: AZURE_VALUES['cosmos.properties.documentEndpoint'], database: 'panel' });
      expect(config.bot?.appId).toBe(AZURE_VALUES.botMsaAppId);
      expect(config.bot?.type).toBe(type);
      expect(config.tenantId).toBe(AZURE_VALUES.tenantId);
      expect(config.bot?.password !== undefined, `BOT_PASSWORD with ${type}`).toBe(type === 'SingleTenant');
      expect(config.partnershipFile).toBe(parametersFile.parameters.partnershipFile?.value);
      expect(config.allowedTenants).toEqual([]);
    }
    // Every value a parameter allows for a setting is one Panel accepts.
    for (const [name, expr] of appSettings()) {
      for (const value of params().get(expr)?.allowed ?? []) {
        expect(() => loadConfig(environmentFor({ botType: 'UserAssignedMSI', [expr]: value })), `${name}=${value}`).not.toThrow();
      }
    }
  });

  it('sets the values Azure needs', () => {
    const settings = appSettings();
    expect(settings.get('NODE_ENV')).toBe("'production'");
    expect(settings.get('STORE')).toBe("'cosmos'");
    expect(settings.get('BOT_TYPE')).toBe('botType');
    expect(settings.get('BOT_ID')).toBe('botMsaAppId');
    expect(varExpression('botMsaAppId')).toBe('isMsi ? panelIdentity.properties.clientId : botAppId');
    expect(varExpression('isMsi')).toBe("botType == 'UserAssignedMSI'");
    expect(settings.get('AZURE_CLIENT_ID')).toBe('panelIdentity.properties.clientId');
    expect(settings.get('COSMOS_ENDPOINT')).toBe('cosmos.properties.documentEndpoint');
    expect(settings.get('COSMOS_DATABASE')).toBe(entries(resource('database').body).get('name'));
    expect(settings.get('APPLICATIONINSIGHTS_CONNECTION_STRING')).toBe('insights.properties.ConnectionString');
    expect(settings.get('SCM_DO_BUILD_DURING_DEPLOYMENT')).toBe("buildOnServer ? 'true' : 'false'");
    expect(varExpression('appSettingsBuild')).toBe("buildOnServer ? { NPM_CONFIG_INCLUDE: 'dev' } : {}");
    expect(params().get('cosmosDatabaseName')?.defaultValue).toBe("'panel'");
  });

  it('takes BOT_PASSWORD from Key Vault, for SingleTenant only, and the secret goes nowhere else', () => {
    expect(varExpression('appSettingsBotPassword')).toBe('isSingleTenant ? { BOT_PASSWORD: botPasswordReference } : {}');
    expect(varExpression('isSingleTenant')).toBe("botType == 'SingleTenant'");
    expect(varExpression('botPasswordReference')).toBe(
      "'@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${botPasswordSecretName})'",
    );
    const secret = resource('botPasswordSecret');
    expect(secret.type).toBe('Microsoft.KeyVault/vaults/secrets');
    expect(resourceHead('botPasswordSecret')).toContain('if (isSingleTenant && !empty(botPassword))');
    expect(entries(secret.body).get('name')).toBe('botPasswordSecretName');
    expect(entries(secret.body).get('value')).toBe('botPassword');
    // The app reads the reference as its own identity, which may read the vault's secrets.
    const app = entries(resource('app').body);
    expect(app.get('keyVaultReferenceIdentity')).toBe('panelIdentity.id');
    expect(app.get('type')).toBe("'UserAssigned'");
    expect(resource('app').body).toContain("'${panelIdentity.id}': {}");
    // botPassword appears in its declaration and the secret only: never a setting, a tag or an output.
    const elsewhere = withoutStrings(bicep.replace(secret.body, '').replace(/^resource botPasswordSecret .*$/m, ''));
    expect([...elsewhere.matchAll(/\bbotPassword\b/g)].length).toBe(1);
  });
});

describe('infra/main.bicep: the web app', () => {
  it('runs Panel on Linux, over HTTPS only, with the health probe and start command Panel has', () => {
    const plan = resource('plan').body;
    expect(entries(plan).get('kind')).toBe("'linux'");
    expect(plan).toMatch(/^\s*reserved: true$/m);
    const app = resource('app').body;
    for (const line of [
      'httpsOnly: true',
      'linuxFxVersion: nodeVersion',
      'alwaysOn: true',
      "minTlsVersion: '1.2'",
      "ftpsState: 'Disabled'",
      "healthCheckPath: '/healthz'",
      "appCommandLine: 'npm start'",
    ]) {
      expect(app, line).toMatch(new RegExp(`^\\s*${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    }
    expect(entries(app).get('serverFarmId')).toBe('plan.id');
    expect(read('bot/server.ts')).toContain("server.get('/healthz'");
    expect((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start).toBeTruthy();
    expect(params().get('nodeVersion')?.defaultValue).toBe("'NODE|22-lts'");
  });
});

describe('infra/main.bicep: the Azure Bot', () => {
  it('is the same bot Panel is configured as, pointed at the app', () => {
    const bot = resource('bot');
    expect(bot.type).toBe('Microsoft.BotService/botServices');
    expect(entries(bot.body).get('kind')).toBe("'azurebot'");
    expect(entries(bot.body).get('properties')).toBe('union(botPropertiesBase, botPropertiesMsi)');
    const properties = entries(varObject('botPropertiesBase'));
    const settings = appSettings();
    expect(properties.get('msaAppId')).toBe(settings.get('BOT_ID'));
    expect(properties.get('msaAppTenantId')).toBe(settings.get('BOT_TENANT_ID'));
    expect(properties.get('msaAppType')).toBe(settings.get('BOT_TYPE'));
    expect(properties.get('endpoint')).toBe("'https://${app.properties.defaultHostName}/api/messages'");
    expect(read('bot/server.ts')).toContain("server.post('/api/messages'");
    expect(varExpression('botPropertiesMsi')).toBe('isMsi ? { msaAppMSIResourceId: panelIdentity.id } : {}');
    expect(params().get('botType')?.defaultValue).toBe("'UserAssignedMSI'");
    expect(params().get('botLocation')?.defaultValue).toBe("'global'");
    expect(params().get('botSku')?.allowed).toEqual(['F0', 'S1']);
    expect(params().get('tenantId')?.defaultValue).toBe('tenant().tenantId');
  });

  it('has its Teams channel', () => {
    const channel = resource('teamsChannel');
    expect(channel.type).toBe('Microsoft.BotService/botServices/channels');
    expect(entries(channel.body).get('parent')).toBe('bot');
    expect(entries(channel.body).get('name')).toBe("'MsTeamsChannel'");
    expect(entries(channel.body).get('channelName')).toBe("'MsTeamsChannel'");
    expect(entries(channel.body).get('location')).toBe(entries(resource('bot').body).get('location'));
  });
});

describe('infra/main.bicep: Cosmos DB', () => {
  const storage = read('storage/cosmos-containers.ts');
  const containers = () =>
    [...resources()]
      .filter(([, r]) => r.type === 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers')
      .map(([symbol, r]) => ({ symbol, ...r }));

  it("makes exactly storage/'s containers, with the same partition keys", () => {
    const expected = [...storage.matchAll(/^\s*\w+: \{ id: '(\w+)', partitionKey: '([^']+)' \}/gm)].map((m) => [m[1], m[2]]);
    expect(expected).toEqual([
      ['cases', '/caseId'],
      ['meta', '/pk'],
    ]);
    const made = containers().map((c) => [literal(entries(c.body).get('name') ?? ''), /paths: \['([^']+)'\]/.exec(c.body)?.[1]]);
    expect(made.sort()).toEqual(expected.sort());
    for (const c of containers()) {
      expect(entries(c.body).get('parent')).toBe('database');
      expect(entries(c.body).get('id')).toBe(entries(c.body).get('name'));
    }
  });

  it("indexes cases exactly as storage/'s CASES_INDEXING, so Panel never finds the policy out of date", () => {
    const cases = resource('casesContainer').body;
    const policy = braced(cases, cases.indexOf('indexingPolicy:'));
    const paths = (key: string) =>
      [...delimited(policy, policy.indexOf(`${key}: [`), '[', ']').matchAll(/path: '([^']*)'/g)].map((m) => m[1]);
    const excluded = paths('excludedPaths');
    expect(excluded).toEqual((CASES_INDEXING.excludedPaths ?? []).map((p) => p.path));
    expect(paths('includedPaths')).toEqual((CASES_INDEXING.includedPaths ?? []).map((p) => p.path));
    expect(entries(policy).get('indexingMode')).toBe(`'${CASES_INDEXING.indexingMode}'`);
    expect(entries(policy).get('automatic')).toBe(String(CASES_INDEXING.automatic));
  });

  it('sets the time to live as storage/ does: on for cases with no default, not for meta', () => {
    const storageTtl = [...storage.matchAll(/defaultTtl: (-?\d+)/g)].map((m) => m[1]);
    expect(storageTtl).toEqual(['-1']);
    expect(storage.slice(storage.indexOf('id: CONTAINERS.cases.id'), storage.indexOf('id: CONTAINERS.meta.id'))).toContain(
      'defaultTtl: -1',
    );
    expect(entries(resource('casesContainer').body).get('defaultTtl')).toBe('-1');
    expect(resource('metaContainer').body).not.toContain('defaultTtl');
  });

  it('allows Microsoft Entra ID only, over TLS 1.2, serverless or autoscale', () => {
    const account = resource('cosmos').body;
    expect(account).toMatch(/^\s*disableLocalAuth: true$/m);
    expect(account).toMatch(/^\s*minimalTlsVersion: 'Tls12'$/m);
    expect(account).toMatch(/^\s*defaultConsistencyLevel: 'Session'$/m);
    expect(entries(account).get('capabilities')).toBe("isServerless ? [{ name: 'EnableServerless' }] : []");
    expect(varExpression('isServerless')).toBe("cosmosCapacityMode == 'serverless'");
    expect(params().get('cosmosCapacityMode')?.allowed).toEqual(['serverless', 'autoscale']);
    expect(params().get('cosmosCapacityMode')?.defaultValue).toBe("'serverless'");
    expect(entries(resource('database').body).get('options')).toBe(
      'isServerless ? {} : { autoscaleSettings: { maxThroughput: cosmosAutoscaleMaxThroughput } }',
    );
  });

  it("gives Panel's identity the built-in data contributor role on the account", () => {
    const assignment = resource('cosmosDataContributor');
    expect(assignment.type).toBe('Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments');
    expect(varExpression('cosmosDataContributorRoleId')).toBe("'00000000-0000-0000-0000-000000000002'");
    const props = entries(assignment.body);
    expect(props.get('parent')).toBe('cosmos');
    expect(props.get('roleDefinitionId')).toBe("'${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'");
    expect(props.get('principalId')).toBe('panelIdentity.properties.principalId');
    expect(props.get('scope')).toBe('cosmos.id');
  });
});

describe('infra/main.bicep: Key Vault', () => {
  it('uses Azure RBAC, soft delete and purge protection', () => {
    const vault = resource('vault').body;
    for (const line of ['enableRbacAuthorization: true', 'enableSoftDelete: true', 'enablePurgeProtection: true']) {
      expect(vault, line).toMatch(new RegExp(`^\\s*${line}$`, 'm'));
    }
  });

  it("lets Panel's identity read its secrets", () => {
    const assignment = resource('vaultSecretsUser');
    expect(assignment.type).toBe('Microsoft.Authorization/roleAssignments');
    expect(varExpression('keyVaultSecretsUserRoleId')).toBe("'4633458b-17de-408a-b874-0445c86b69e6'");
    const props = entries(assignment.body);
    expect(props.get('scope')).toBe('vault');
    expect(props.get('roleDefinitionId')).toBe(
      "subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)",
    );
    expect(props.get('principalId')).toBe('panelIdentity.properties.principalId');
    expect(props.get('principalType')).toBe("'ServicePrincipal'");
  });
});

describe('infra/main.bicep: monitoring', () => {
  it('sends Application Insights and the diagnostic logs of the app, Cosmos DB and Key Vault to one workspace', () => {
    const insights = entries(resource('insights').body);
    expect(insights.get('kind')).toBe("'web'");
    expect(insights.get('WorkspaceResourceId')).toBe('workspace.id');
    const diagnostics = [...resources().values()].filter((r) => r.type === 'Microsoft.Insights/diagnosticSettings');
    const byScope = new Map(diagnostics.map((d) => [entries(d.body).get('scope'), d.body]));
    expect([...byScope.keys()].sort()).toEqual(['app', 'cosmos', 'vault']);
    for (const body of byScope.values()) expect(entries(body).get('workspaceId')).toBe('workspace.id');
    const appLogs = [...(byScope.get('app') ?? '').matchAll(/category: '(\w+)', enabled: true/g)].map((m) => m[1]);
    expect(appLogs).toEqual(expect.arrayContaining(['AppServiceHTTPLogs', 'AppServiceConsoleLogs', 'AppServiceAppLogs']));
    expect(byScope.get('vault')).toContain("category: 'AuditEvent', enabled: true");
    expect(byScope.get('cosmos')).toContain("category: 'DataPlaneRequests', enabled: true");
  });
});

describe('infra/main.bicep: parameters, secrets and outputs', () => {
  it('gives no @secure() parameter a non-empty default, and outputs none', () => {
    const secure = [...params().values()].filter((p) => p.decorators.includes('@secure()'));
    expect(secure.map((p) => p.name)).toEqual(['botPassword']);
    for (const p of secure) {
      expect(p.defaultValue === undefined || p.defaultValue === "''", `${p.name} = ${p.defaultValue}`).toBe(true);
      expect(bicep).not.toMatch(new RegExp(`^output .*\\b${p.name}\\b`, 'm'));
    }
  });

  it('has a parameters file whose names are all declared, with values of the declared type and allowed values', () => {
    expect(parametersFile.$schema).toBe('https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#');
    const declared = params();
    const jsonType: Record<string, string> = { string: 'string', bool: 'boolean', int: 'number', object: 'object', array: 'object' };
    for (const [name, { value }] of Object.entries(parametersFile.parameters)) {
      const param = declared.get(name);
      expect(param, `${name} is not a param in main.bicep`).toBeDefined();
      expect(typeof value, name).toBe(jsonType[param?.type ?? '']);
      if (param?.allowed) expect(param.allowed, name).toContain(value);
    }
    // Every parameter without a default is given, so the file deploys as it is.
    for (const p of declared.values()) {
      if (p.defaultValue === undefined && !p.decorators.includes('@secure()'))
        expect(Object.keys(parametersFile.parameters)).toContain(p.name);
    }
  });

  it('keeps secrets out of the parameters file', () => {
    const secureNames = [...params().values()].filter((p) => p.decorators.includes('@secure()')).map((p) => p.name);
    for (const [name, { value }] of Object.entries(parametersFile.parameters)) {
      const empty = value === '' || value === null;
      expect(empty || !/pass(word)?|secret|key|token|credential|connectionString/i.test(name), `${name} looks secret`).toBe(true);
      expect(empty || !secureNames.includes(name), `${name} is @secure()`).toBe(true);
      if (typeof value === 'string') {
        // An Entra client secret (about 40 characters with a ~) or an account key (base64, 88 characters).
        expect(value, name).not.toMatch(/^(?=.*~)[\w.~-]{34,}$/);
        expect(value, name).not.toMatch(/^[A-Za-z0-9+/]{40,}={0,2}$/);
      }
    }
    expect(JSON.stringify(parametersFile)).not.toMatch(/reference|keyVault/i);
  });

  it('outputs the app URL, the bot id, the identity client id and the Cosmos DB endpoint, under the names m365agents.yml reads', () => {
    const outputs = new Map([...bicep.matchAll(/^output (\w+) string = (.+)$/gm)].map((m) => [m[1], m[2]]));
    expect(outputs.get('APP_URL')).toBe("'https://${app.properties.defaultHostName}'");
    expect(outputs.get('BOT_ID')).toBe(entries(varObject('botPropertiesBase')).get('msaAppId'));
    expect(outputs.get('IDENTITY_CLIENT_ID')).toBe('panelIdentity.properties.clientId');
    expect(outputs.get('COSMOS_ENDPOINT')).toBe(appSettings().get('COSMOS_ENDPOINT'));
    expect(outputs.get('AZURE_APP_SERVICE_RESOURCE_ID')).toBe('app.id');
    // The toolkit names an output's variable by upper-casing it: only upper snake case keeps the names.
    for (const name of outputs.keys()) expect(name).toMatch(/^[A-Z][A-Z0-9_]*$/);
  });
});
