import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../bot/config.js';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, personalMessage, TENANT } from '../support/activities.js';
import { httpSuite } from '../support/http-suite.js';

const BOT_ID = '0b9a7c1e-58d4-4f0b-9b3e-6c2d1a7e4f10';

/** A token-shaped string signed by nobody, naming an issuer Teams never uses. */
function forgedToken(): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return [
    part({ alg: 'RS256', typ: 'JWT', kid: 'forged' }),
    part({ iss: 'https://forger.example', aud: BOT_ID, exp: Math.floor(Date.now() / 1000) + 3600 }),
    'c2lnbmF0dXJl',
  ].join('.');
}

describe('fail closed', () => {
  it('without LOCAL_MODE or BOT_ID the server refuses to start, saying which to set', () => {
    expect(() => loadConfig({})).toThrow(ConfigError);
    expect(() => loadConfig({})).toThrow(/BOT_ID.*LOCAL_MODE=true/);
  });

  it('LOCAL_MODE is refused in production', () => {
    expect(() => loadConfig({ LOCAL_MODE: 'true', NODE_ENV: 'production' })).toThrow(/refused when NODE_ENV=production/);
  });

  describe('with BOT_ID set', () => {
    const { connector, panel, serviceUrl } = httpSuite({
      LOCAL_MODE: '',
      BOT_ID,
      BOT_PASSWORD: 'not-a-real-secret',
      BOT_TYPE: 'MultiTenant',
    });

    it('a request with no Authorization header gets 401 and no reply', async () => {
      const res = await panel.send(personalMessage(serviceUrl(), 'dana', 'help'));
      expect(res.status).toBe(401);
      expect(connector.calls).toHaveLength(0);
    });

    it('a forged token gets 401 and no reply', async () => {
      const res = await panel.send(personalMessage(serviceUrl(), 'dana', 'help'), {
        authorization: `Bearer ${forgedToken()}`,
      });
      expect(res.status).toBe(401);
      const garbage = await panel.send(personalMessage(serviceUrl(), 'dana', 'help'), { authorization: 'Bearer nonsense' });
      expect(garbage.status).toBe(401);
      expect(connector.calls).toHaveLength(0);
    });
  });
});

/** One partnership, one tenant: activities from any other tenant are not served. */
describe('with BOT_TENANT_ID set', () => {
  const { connector, panel, serviceUrl } = httpSuite({ BOT_TENANT_ID: TENANT });
  const elsewhere = (activity: Record<string, unknown>) => ({
    ...activity,
    conversation: { ...(activity.conversation as object), tenantId: '0f0f0f0f-0000-4000-8000-000000000000' },
    channelData: { tenant: { id: '0f0f0f0f-0000-4000-8000-000000000000' } },
  });

  it("the partnership's own tenant is served", async () => {
    await panel.send(personalMessage(serviceUrl(), 'dana', 'help'));
    expect(connector.calls).toHaveLength(1);
  });

  it('a message from another tenant gets no answer', async () => {
    const before = connector.calls.length;
    const res = await panel.send(elsewhere(personalMessage(serviceUrl(), 'dana', 'help')));
    expect(res.status).toBe(200);
    expect(connector.calls.length).toBe(before);
  });

  it('a card action from another tenant is refused with 403', async () => {
    const res = await panel.send(
      elsewhere(
        cardAction(serviceUrl(), 'dana', VERBS.chooseReferralKind, { submissionId: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b', kind: 'sar' }),
      ),
    );
    expect(res.status).toBe(403);
  });
});

/** Agencies in other tenants (police, NHS trusts) in the partnership team's shared channels: BOT_ALLOWED_TENANTS. */
describe('with BOT_ALLOWED_TENANTS set', () => {
  const POLICE_TENANT = '0f0f0f0f-0000-4000-8000-000000000000';
  const { connector, panel, serviceUrl } = httpSuite({ BOT_TENANT_ID: TENANT, BOT_ALLOWED_TENANTS: POLICE_TENANT.toUpperCase() });
  const from = (tenant: string, activity: Record<string, unknown>) => ({
    ...activity,
    conversation: { ...(activity.conversation as object), tenantId: tenant },
    channelData: { tenant: { id: tenant } },
  });

  it('an allowed tenant is served, as the partnership\u2019s own is', async () => {
    await panel.send(from(POLICE_TENANT, personalMessage(serviceUrl(), 'alex', 'help')));
    expect(connector.calls).toHaveLength(1);
  });

  it('any other tenant is still refused', async () => {
    const res = await panel.send(
      from(
        '1e1e1e1e-0000-4000-8000-000000000000',
        cardAction(serviceUrl(), 'dana', VERBS.chooseReferralKind, { submissionId: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b', kind: 'sar' }),
      ),
    );
    expect(res.status).toBe(403);
  });
});
