import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { Writable } from 'node:stream';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.js';
import { createLogger } from '../../bot/logger.js';
import { startPanel, type RunningPanel } from '../../bot/server.js';
import { SqliteStore } from '../../storage/sqlite-store.js';
import { VERBS } from '../../cards/verbs.js';
import { cardAction, personalMessage } from '../support/activities.js';
import { ConnectorStandIn } from '../support/connector-stand-in.js';
import { httpSuite } from '../support/http-suite.js';
import { NOW } from '../support/panel-harness.js';
import { validReferralForm } from '../support/referral-form.js';

/** Malformed activities get an error response, not a crash; the server keeps serving. */
describe('malformed input', () => {
  const { panel, serviceUrl } = httpSuite();

  it('invalid JSON gets 400', async () => {
    const res = await fetch(panel.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{bad' });
    expect(res.status).toBe(400);
  });

  it('an activity without a conversation gets 400 naming what is missing', async () => {
    const activity = personalMessage(serviceUrl(), 'dana', 'help');
    delete activity.conversation;
    const res = await panel.send(activity);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toMatch(/conversation/);
  });

  it('a card action with an unknown verb is answered, and nothing happens', async () => {
    const res = await panel.invoke(cardAction(serviceUrl(), 'dana', 'referral.deleteEverything', {}));
    expect(res.type).toBe('application/vnd.microsoft.activity.message');
    expect(String(res.value)).toMatch(/out of date/);
  });

  it('a submit without a submission id is answered as a stale card, and nothing is stored', async () => {
    const res = await panel.invoke(cardAction(serviceUrl(), 'dana', VERBS.submitReferral, validReferralForm()));
    expect(String(res.value)).toMatch(/out of date/);
    expect(await panel.store.getCase('REF-2026-0001')).toBeUndefined();
  });

  it('a submit whose fields are not text comes back with the problems, not a crash', async () => {
    const res = await panel.invoke(
      cardAction(serviceUrl(), 'dana', VERBS.submitReferral, {
        ...validReferralForm(),
        subjectName: { nested: true },
        summary: 42,
        submissionId: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
      }),
    );
    expect(res.type).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(res.value)).toMatch(/Must be text/);
    expect(await panel.store.getCase('REF-2026-0001')).toBeUndefined();
  });

  it('a user with no Entra identity is told so, and nothing is stored', async () => {
    const activity = cardAction(serviceUrl(), 'dana', VERBS.submitReferral, {
      ...validReferralForm(),
      submissionId: '7f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
    });
    activity.from = { id: '29:anonymous', name: 'Someone' };
    const res = await panel.invoke(activity);
    expect(String(res.value)).toMatch(/could not tell who you are/);
    expect(await panel.store.getCase('REF-2026-0001')).toBeUndefined();
  });

  it('still answers after all that', async () => {
    const res = await fetch(`http://127.0.0.1:${panel.panel.port}/healthz`);
    expect(await res.json()).toEqual({ status: 'ok', mode: 'local' });
  });
});

/** A fault inside a turn: the user hears something generic; nothing of the fault leaks. */
describe('an error inside a turn', () => {
  class FailingStore extends SqliteStore {
    override async getCase(): Promise<undefined> {
      throw new Error('boom Charlie Brook');
    }
  }
  const connector = new ConnectorStandIn();
  const dir = mkdtempSync(join(tmpdir(), 'panel-fault-'));
  const logged: string[] = [];
  let panel: RunningPanel;

  beforeAll(async () => {
    await connector.start();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged.push(chunk.toString());
        done();
      },
    });
    const log = createLogger('info', sink);
    panel = await startPanel(loadConfig({ LOCAL_MODE: 'true', PORT: '0', LOG_LEVEL: 'info' }), {
      store: new FailingStore(join(dir, 'panel.db')),
      log,
      now: () => NOW,
    });
  });
  afterAll(async () => {
    await panel.close();
    await connector.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a card action gets a generic answer, not the error, and the log has no personal data', async () => {
    const res = await fetch(`http://127.0.0.1:${panel.port}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(cardAction(connector.url, 'sam', VERBS.viewCaseDetails, { reference: 'REF-2026-0001' }, 'channel')),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/something went wrong on Panel's side/);
    expect(text).not.toContain('Charlie');
    expect(logged.some((l) => l.includes('turn failed'))).toBe(true);
    expect(logged.join('')).not.toContain('Charlie');
  });
});
