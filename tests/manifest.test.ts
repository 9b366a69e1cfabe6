import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { access, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { strFromU8, unzipSync } from 'fflate';

import { buildAppPackage } from '../scripts/package-app.js';

const BOT_ID = '6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e';
const manifestDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'manifest');

let tmp: string;
const realFetch = globalThis.fetch;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'panel-manifest-'));
  // Schema validation must use the schema bundled with @microsoft/app-manifest, never a download.
  globalThis.fetch = () => Promise.reject(new Error('tests must not reach the network'));
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await rm(tmp, { recursive: true, force: true });
});

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** A copy of manifest/ in the temp folder, with manifest.json changed by `edit`. */
async function manifestCopy(name: string, edit: (manifest: Record<string, unknown>) => void): Promise<string> {
  const dir = path.join(tmp, name);
  await cp(manifestDir, dir, { recursive: true });
  const file = path.join(dir, 'manifest.json');
  const manifest = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
  edit(manifest);
  await writeFile(file, JSON.stringify(manifest, null, 2));
  return dir;
}

describe('buildAppPackage', () => {
  it('writes a zip with exactly manifest.json and the two icons, bot id substituted', async () => {
    const outFile = path.join(tmp, 'out', 'panel-app.zip');

    const result = await buildAppPackage({ botId: BOT_ID, outFile });

    expect(result.outFile).toBe(outFile);
    const entries = unzipSync(new Uint8Array(await readFile(outFile)));
    expect(Object.keys(entries).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);

    const manifestText = strFromU8(entries['manifest.json']!);
    expect(manifestText).not.toContain('${{');
    const manifest = JSON.parse(manifestText) as {
      $schema: string;
      manifestVersion: string;
      id: string;
      bots: { botId: string; scopes: string[] }[];
    };
    expect(manifest.id).toBe(BOT_ID);
    expect(manifest.bots[0]?.botId).toBe(BOT_ID);
    expect([...(manifest.bots[0]?.scopes ?? [])].sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(result.manifest).toEqual(manifest);

    const [major = 0, minor = 0] = manifest.manifestVersion.split('.').map(Number);
    expect(major * 1000 + minor).toBeGreaterThanOrEqual(1017);
    expect(manifest.$schema).toContain(`/v${manifest.manifestVersion}/MicrosoftTeams.schema.json`);

    expect(Buffer.from(entries['color.png']!).equals(await readFile(path.join(manifestDir, 'color.png')))).toBe(true);
    expect(Buffer.from(entries['outline.png']!).equals(await readFile(path.join(manifestDir, 'outline.png')))).toBe(true);
  });

  it('produces the same bytes for the same inputs', async () => {
    const first = path.join(tmp, 'same-1.zip');
    const second = path.join(tmp, 'same-2.zip');
    await buildAppPackage({ botId: BOT_ID, outFile: first });
    await buildAppPackage({ botId: BOT_ID, outFile: second });
    expect((await readFile(first)).equals(await readFile(second))).toBe(true);
  });

  it('rejects a bot id that is not a GUID, and writes nothing', async () => {
    const outFile = path.join(tmp, 'bad-bot-id.zip');
    await expect(buildAppPackage({ botId: 'my-bot', outFile })).rejects.toThrow(
      /botId: "my-bot" is not a GUID; use the Azure Bot's Microsoft App ID/,
    );
    expect(await exists(outFile)).toBe(false);
  });

  it('rejects a manifest without name.short, naming the JSON path', async () => {
    const dir = await manifestCopy('no-short-name', (manifest) => {
      delete (manifest.name as Record<string, unknown>).short;
    });
    const outFile = path.join(tmp, 'no-short-name.zip');
    await expect(buildAppPackage({ botId: BOT_ID, outFile, manifestDir: dir })).rejects.toThrow(
      /\/name\/short: must have required property 'short'/,
    );
    expect(await exists(outFile)).toBe(false);
  });

  it('rejects an app version that is not MAJOR.MINOR.PATCH, naming the JSON path', async () => {
    const dir = await manifestCopy('bad-version', (manifest) => {
      manifest.version = 'not-a-version';
    });
    await expect(buildAppPackage({ botId: BOT_ID, outFile: path.join(tmp, 'bad-version.zip'), manifestDir: dir })).rejects.toThrow(
      /\/version: must be MAJOR\.MINOR\.PATCH such as 1\.0\.0, got "not-a-version"/,
    );
  });

  it('lists every problem, each with its path', async () => {
    const dir = await manifestCopy('several-problems', (manifest) => {
      manifest.accentColor = 'teal';
      manifest.unexpected = true;
    });
    const error = await buildAppPackage({
      botId: 'nope',
      outFile: path.join(tmp, 'several-problems.zip'),
      manifestDir: dir,
    }).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(Error);
    const message = (error as Error).message;
    expect(message).toContain('botId: "nope" is not a GUID');
    expect(message).toMatch(/\/accentColor: must match pattern/);
    expect(message).toMatch(/\/unexpected: must NOT have additional properties/);
  });

  it('rejects icons of the wrong size', async () => {
    const dir = await manifestCopy('big-outline', () => {});
    await cp(path.join(dir, 'color.png'), path.join(dir, 'outline.png'));
    await expect(buildAppPackage({ botId: BOT_ID, outFile: path.join(tmp, 'big-outline.zip'), manifestDir: dir })).rejects.toThrow(
      /\/icons\/outline: outline\.png must be 32×32 pixels, is 192×192/,
    );
  });
});
