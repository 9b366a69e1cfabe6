import { describe, expect, it } from 'vitest';
import { BOT_TYPES, ConfigError, loadConfig } from '../../bot/config.js';

const BOT_ID = '6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';
const TENANT = '8f1c7a52-3f0e-4d7b-9a51-5a8f3c2e1d00';
const LOCAL = { LOCAL_MODE: 'true' };
const BOT = { BOT_ID, BOT_PASSWORD: 'client-secret', BOT_TENANT_ID: TENANT };

/** The ConfigError that `env` causes. */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected the configuration to be refused: ${JSON.stringify(env)}`);
}

/** Its problems, checked to be a non-empty list of strings. */
function problems(env: Record<string, string | undefined>): string[] {
  const err = configError(env);
  expect(Array.isArray(err.problems)).toBe(true);
  expect(err.problems.length).toBeGreaterThan(0);
  for (const p of err.problems) expect(p).toBeTypeOf('string');
  for (const p of err.problems) expect(err.message).toContain(p);
  return err.problems;
}

describe('loadConfig', () => {
  describe('defaults', () => {
    it('port 3978, SQLite at ./data/panel.db, the demo partnership, log level info', () => {
      const config = loadConfig(LOCAL);
      expect(config.port).toBe(3978);
      expect(config.store).toEqual({ kind: 'sqlite', path: './data/panel.db', synchronous: 'normal' });
      expect(config.partnershipFile.replace(/\\/g, '/')).toMatch(/\/partnership\/demo\.yaml$/);
      expect(config.logLevel).toBe('info');
    });

    it('blank values count as unset', () => {
      const config = loadConfig({
        ...LOCAL,
        SQLITE_PATH: '  ',
        SQLITE_SYNCHRONOUS: '',
        PARTNERSHIP_FILE: '',
        BOT_ID: '',
        BOT_PASSWORD: '',
      });
      expect(config.store).toEqual({ kind: 'sqlite', path: './data/panel.db', synchronous: 'normal' });
      expect(config.partnershipFile).toMatch(/partnership\/demo\.yaml$/);
      expect(config.bot).toBeUndefined();
    });

    it('reads the settings given', () => {
      const config = loadConfig({
        ...LOCAL,
        PORT: '8080',
        SQLITE_PATH: '/var/lib/panel/panel.db',
        SQLITE_SYNCHRONOUS: 'FULL',
        PARTNERSHIP_FILE: '/etc/panel/partnership.yaml',
        LOG_LEVEL: 'debug',
      });
      expect(config).toMatchObject({
        port: 8080,
        store: { kind: 'sqlite', path: '/var/lib/panel/panel.db', synchronous: 'full' },
        partnershipFile: '/etc/panel/partnership.yaml',
        logLevel: 'debug',
      });
    });
  });

  it('SQLITE_SYNCHRONOUS other than normal or full is refused, by name', () => {
    expect(() => loadConfig({ ...LOCAL, SQLITE_SYNCHRONOUS: 'off' })).toThrow(/SQLITE_SYNCHRONOUS must be normal or full/);
  });

  describe('local mode', () => {
    it('LOCAL_MODE=true works without BOT_ID, and has no bot credentials', () => {
      const config = loadConfig(LOCAL);
      expect(config.localMode).toBe(true);
      expect(config.bot).toBeUndefined();
    });

    it('LOCAL_MODE=1 means true as well', () => {
      expect(loadConfig({ LOCAL_MODE: '1' }).localMode).toBe(true);
    });

    it('LOCAL_MODE with NODE_ENV=production is refused, naming both', () => {
      const [problem, ...rest] = problems({ ...LOCAL, NODE_ENV: 'production' });
      expect(rest).toEqual([]);
      expect(problem).toContain('LOCAL_MODE');
      expect(problem).toContain('NODE_ENV');
    });

    it.each(['Production', 'PRODUCTION', ' production '])('NODE_ENV=%s counts as production', (env) => {
      expect(problems({ ...LOCAL, NODE_ENV: env })[0]).toMatch(/refused when NODE_ENV=production/);
    });

    it('LOCAL_MODE with a development NODE_ENV is fine', () => {
      expect(loadConfig({ ...LOCAL, NODE_ENV: 'development' }).localMode).toBe(true);
    });

    it('LOCAL_MODE and BOT_ID both set is refused', () => {
      const [problem, ...rest] = problems({ ...LOCAL, ...BOT });
      expect(rest).toEqual([]);
      expect(problem).toContain('LOCAL_MODE');
      expect(problem).toContain('BOT_ID');
    });

    it('a LOCAL_MODE that is not true or false names LOCAL_MODE', () => {
      const [problem] = problems({ LOCAL_MODE: 'yes' });
      expect(problem).toMatch(/^LOCAL_MODE .*true or false/);
    });
  });

  describe('bot credentials', () => {
    it('neither BOT_ID nor LOCAL_MODE is refused, naming both', () => {
      for (const env of [{}, { LOCAL_MODE: 'false' }, { LOCAL_MODE: '' }, { BOT_ID: '' }]) {
        const [problem, ...rest] = problems(env);
        expect(rest).toEqual([]);
        expect(problem).toContain('BOT_ID');
        expect(problem).toContain('LOCAL_MODE');
      }
    });

    it('a SingleTenant bot (the default type) needs BOT_ID, BOT_PASSWORD and BOT_TENANT_ID', () => {
      const config = loadConfig(BOT);
      expect(config.localMode).toBe(false);
      expect(config.bot).toEqual({ appId: BOT_ID, type: 'SingleTenant', password: 'client-secret', tenantId: TENANT });
      expect(config.tenantId).toBe(TENANT);
      expect(problems({ BOT_ID, BOT_PASSWORD: 'x' })).toEqual(['BOT_TENANT_ID is required when BOT_TYPE=SingleTenant']);
    });

    it("BOT_ALLOWED_TENANTS lists other tenants to serve, as GUIDs, beside the partnership's own", () => {
      const other = '0F0F0F0F-0000-4000-8000-000000000000';
      expect(loadConfig({ ...BOT, BOT_ALLOWED_TENANTS: ` ${other}, ` }).allowedTenants).toEqual([other.toLowerCase()]);
      expect(loadConfig(BOT).allowedTenants).toEqual([]);
      expect(problems({ ...BOT, BOT_ALLOWED_TENANTS: 'police' })).toEqual([
        'BOT_ALLOWED_TENANTS[0] must list Microsoft Entra tenant ids (GUIDs), separated by commas',
      ]);
      expect(problems({ BOT_ID, BOT_TYPE: 'MultiTenant', BOT_PASSWORD: 'x', BOT_ALLOWED_TENANTS: other })).toEqual([
        "BOT_ALLOWED_TENANTS needs BOT_TENANT_ID: the partnership's own tenant, which is always served",
      ]);
    });

    it('production needs a partnership file of its own: the demo one is fictional', () => {
      expect(problems({ ...BOT, NODE_ENV: 'production' })).toEqual([
        "PARTNERSHIP_FILE is required when NODE_ENV=production: the demo partnership's people are fictional",
      ]);
      expect(loadConfig({ ...BOT, NODE_ENV: 'production', PARTNERSHIP_FILE: '/etc/panel/partnership.yaml' }).partnershipFile).toBe(
        '/etc/panel/partnership.yaml',
      );
    });

    it('a user-assigned identity reading Cosmos DB with Entra ID needs AZURE_CLIENT_ID', () => {
      const msi = {
        BOT_ID,
        BOT_TYPE: 'UserAssignedMSI',
        BOT_TENANT_ID: TENANT,
        STORE: 'cosmos',
        COSMOS_ENDPOINT: 'https://panel.documents.azure.com:443/',
      };
      expect(problems(msi)).toEqual([expect.stringMatching(/^AZURE_CLIENT_ID is required with a user-assigned managed identity/)]);
      expect(loadConfig({ ...msi, AZURE_CLIENT_ID: BOT_ID }).store).toMatchObject({ kind: 'cosmos' });
    });

    it('a MultiTenant bot needs no tenant', () => {
      const config = loadConfig({ BOT_ID, BOT_PASSWORD: 'client-secret', BOT_TYPE: 'MultiTenant' });
      expect(config.bot).toEqual({ appId: BOT_ID, type: 'MultiTenant', password: 'client-secret' });
      expect(config.tenantId).toBeUndefined();
    });

    it('BOT_ID that is not a GUID names BOT_ID', () => {
      const [problem, ...rest] = problems({ ...BOT, BOT_ID: 'panel-bot' });
      expect(rest).toEqual([]);
      expect(problem).toMatch(/^BOT_ID /);
      expect(problem).toContain('GUID');
    });

    it('BOT_TYPE=Other names BOT_TYPE and lists the allowed values', () => {
      const [problem, ...rest] = problems({ ...BOT, BOT_TYPE: 'Other' });
      expect(rest).toEqual([]);
      expect(problem).toMatch(/^BOT_TYPE /);
      for (const type of BOT_TYPES) expect(problem).toContain(type);
    });

    it('SingleTenant without BOT_TENANT_ID is refused', () => {
      const [problem, ...rest] = problems({ ...BOT, BOT_TENANT_ID: '', BOT_TYPE: 'SingleTenant' });
      expect(rest).toEqual([]);
      expect(problem).toContain('BOT_TENANT_ID');
      expect(problem).toContain('SingleTenant');
    });

    it('SingleTenant with a tenant is fine', () => {
      const config = loadConfig({ ...BOT, BOT_TYPE: 'SingleTenant', BOT_TENANT_ID: TENANT });
      expect(config.bot).toEqual({ appId: BOT_ID, type: 'SingleTenant', password: 'client-secret', tenantId: TENANT });
    });

    it('MultiTenant without BOT_PASSWORD is refused', () => {
      const [problem, ...rest] = problems({ BOT_ID, BOT_TYPE: 'MultiTenant' });
      expect(rest).toEqual([]);
      expect(problem).toContain('BOT_PASSWORD');
      expect(problem).toContain('MultiTenant');
    });

    it('UserAssignedMSI without a password but with a tenant is fine', () => {
      const config = loadConfig({ BOT_ID, BOT_TYPE: 'UserAssignedMSI', BOT_TENANT_ID: TENANT });
      expect(config.bot).toEqual({ appId: BOT_ID, type: 'UserAssignedMSI', tenantId: TENANT });
    });

    it('UserAssignedMSI without a tenant is refused', () => {
      const [problem] = problems({ BOT_ID, BOT_TYPE: 'UserAssignedMSI' });
      expect(problem).toContain('BOT_TENANT_ID');
    });

    it('a BOT_TENANT_ID that is not a GUID names BOT_TENANT_ID', () => {
      const [problem] = problems({ ...BOT, BOT_TYPE: 'SingleTenant', BOT_TENANT_ID: 'contoso.onmicrosoft.com' });
      expect(problem).toMatch(/^BOT_TENANT_ID /);
    });
  });

  describe('other settings', () => {
    it('blank settings take their defaults', () => {
      const config = loadConfig({ ...LOCAL, PORT: '', BOT_TYPE: '', STORE: '', LOG_LEVEL: ' ' });
      expect(config).toMatchObject({ port: 3978, store: { kind: 'sqlite' }, logLevel: 'info' });
    });

    it.each(['0x50', '1e3', ' 80 x'])('PORT=%s is not a port number', (port) => {
      expect(problems({ ...LOCAL, PORT: port })[0]).toMatch(/^PORT must be a port number/);
    });

    it('PORT=abc names PORT', () => {
      const [problem, ...rest] = problems({ ...LOCAL, PORT: 'abc' });
      expect(rest).toEqual([]);
      expect(problem).toMatch(/^PORT /);
    });

    it.each(['3978.5', '70000', '-1'])('PORT=%s names PORT', (port) => {
      const [problem] = problems({ ...LOCAL, PORT: port });
      expect(problem).toMatch(/^PORT /);
    });

    it('an unknown STORE names STORE and the stores there are', () => {
      const [problem, ...rest] = problems({ ...LOCAL, STORE: 'postgres' });
      expect(rest).toEqual([]);
      expect(problem).toMatch(/^STORE must be sqlite or cosmos/);
    });

    it('STORE=cosmos needs COSMOS_ENDPOINT, and the database defaults to panel', () => {
      expect(problems({ ...LOCAL, STORE: 'cosmos' })).toEqual([
        "COSMOS_ENDPOINT is required when STORE=cosmos: the Cosmos DB account's URI",
      ]);
      expect(problems({ ...LOCAL, STORE: 'cosmos', COSMOS_ENDPOINT: 'not a url' })[0]).toMatch(/^COSMOS_ENDPOINT must be/);
      expect(loadConfig({ ...LOCAL, STORE: 'cosmos', COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/' }).store).toEqual({
        kind: 'cosmos',
        endpoint: 'https://acct.documents.azure.com:443/',
        database: 'panel',
      });
    });

    it('STORE=cosmos with a key keeps it; without, Panel signs in with Entra ID', () => {
      const store = loadConfig({
        ...LOCAL,
        STORE: 'cosmos',
        COSMOS_ENDPOINT: 'https://acct.documents.azure.com:443/',
        COSMOS_DATABASE: 'safeguarding',
        COSMOS_KEY: 'a2V5',
      }).store;
      expect(store).toEqual({ kind: 'cosmos', endpoint: 'https://acct.documents.azure.com:443/', database: 'safeguarding', key: 'a2V5' });
    });

    it('an unknown LOG_LEVEL names LOG_LEVEL', () => {
      const [problem] = problems({ ...LOCAL, LOG_LEVEL: 'verbose' });
      expect(problem).toMatch(/^LOG_LEVEL /);
    });

    it('reports every malformed setting at once', () => {
      const found = problems({ ...LOCAL, PORT: 'abc', STORE: 'mongo', BOT_TYPE: 'Other' });
      expect(found.map((p) => p.split(' ')[0]).sort()).toEqual(['BOT_TYPE', 'PORT', 'STORE']);
    });

    it('ignores variables it does not know', () => {
      expect(() => loadConfig({ ...LOCAL, PATH: '/usr/bin', HOME: '/root' })).not.toThrow();
    });
  });

  it('the error is a ConfigError with its problems as a list of strings', () => {
    const err = configError({});
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ConfigError');
    expect(err.message).toMatch(/^Panel cannot start:/);
  });
});
