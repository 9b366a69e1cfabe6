import { existsSync } from 'node:fs';
import { access, mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { AppManifestUtils, type TeamsManifest } from '@microsoft/app-manifest';
import { zipSync, type Zippable } from 'fflate';

/** Options for {@link buildAppPackage}. */
export interface BuildAppPackageOptions {
  /** The Azure Bot's Microsoft App ID (a GUID); it becomes both the Teams app id and `bots[0].botId`. */
  botId: string;
  /** Where to write the zip; missing parent folders are created. */
  outFile: string;
  /** Folder holding manifest.json and its icons; defaults to the project's `manifest/` folder. */
  manifestDir?: string;
}

/** What {@link buildAppPackage} produced. */
export interface AppPackage {
  /** Absolute path of the zip that was written. */
  outFile: string;
  /** The manifest as written into the zip, with the bot id substituted. */
  manifest: TeamsManifest;
}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const BOT_ID_PLACEHOLDER = '${{BOT_ID}}';
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
// Teams expects MAJOR.MINOR.PATCH (this is the schema's own `definitions.semver`), but the schema never
// applies that pattern to `version`, so without this check a bad version would only surface at upload.
const APP_VERSION = /^([0-9]|[1-9]+[0-9]*)\.([0-9]|[1-9]+[0-9]*)\.([0-9]|[1-9]+[0-9]*)$/;
const PLACEHOLDER = /\$\{\{[^}]*\}\}/;
const TEAMS_SCHEMA_URL =
  /^https:\/\/developer\.microsoft\.com\/(?:[a-z]{2}(?:-[a-z]{2})?\/)?json-schemas\/teams\/(v[0-9.]+|vDevPreview)\/MicrosoftTeams\.schema\.json$/i;
const ICON_SIZES = { color: 192, outline: 32 } as const;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// A fixed timestamp keeps the zip byte-for-byte reproducible for the same inputs.
const ZIP_MTIME = new Date(2026, 0, 1);

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Builds the Teams app package (a zip of manifest.json and its two icons at the zip's root).
 *
 * Reads `manifest.json` from `manifestDir`, replaces every `${{BOT_ID}}` with `botId`, validates the
 * result offline against the JSON schema named by its `$schema` (the copy bundled with
 * `@microsoft/app-manifest`), checks that the app version is MAJOR.MINOR.PATCH and that the icons are
 * 192×192 and 32×32 PNGs, then writes the zip to `outFile`.
 *
 * @throws Error listing every problem found, each with its JSON path, including a `botId` that is not
 *   a GUID; nothing is written in that case.
 */
export async function buildAppPackage(options: BuildAppPackageOptions): Promise<AppPackage> {
  const manifestDir = path.resolve(options.manifestDir ?? path.join(projectRoot, 'manifest'));
  const manifestFile = path.join(manifestDir, 'manifest.json');
  const problems: string[] = [];

  const botIdValid = GUID.test(options.botId);
  if (!botIdValid) {
    problems.push(
      `botId: ${JSON.stringify(options.botId)} is not a GUID; use the Azure Bot's Microsoft App ID ` +
        '(e.g. 00000000-0000-0000-0000-000000000000)',
    );
  }

  const raw = parseJson(await readFile(manifestFile, 'utf8'), manifestFile);
  // With a bad botId, validate using a well-formed stand-in so the list shows only the manifest's own problems.
  const manifestJson = substitute(raw, botIdValid ? options.botId : '00000000-0000-0000-0000-000000000000');
  if (!isObject(manifestJson)) {
    throw new Error(`${manifestFile} must contain a JSON object`);
  }

  findPlaceholders(manifestJson, '', problems);
  problems.push(...(await validateAgainstBundledSchema(manifestJson)));
  if (typeof manifestJson.version === 'string' && !APP_VERSION.test(manifestJson.version)) {
    problems.push(`/version: must be MAJOR.MINOR.PATCH such as 1.0.0, got ${JSON.stringify(manifestJson.version)}`);
  }
  const icons = await readIcons(manifestJson, manifestDir, problems);

  if (problems.length > 0) {
    throw new Error(`Cannot build the Teams app package from ${manifestFile}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }

  const files: Zippable = {
    'manifest.json': new TextEncoder().encode(`${JSON.stringify(manifestJson, null, 2)}\n`),
  };
  for (const icon of icons) {
    files[icon.entryName] = icon.bytes;
  }
  const outFile = path.resolve(options.outFile);
  await mkdir(path.dirname(outFile), { recursive: true });
  await writeFile(outFile, zipSync(files, { level: 9, mtime: ZIP_MTIME }));

  // Safe: the manifest has just passed validation against the schema of its own manifestVersion.
  return { outFile, manifest: manifestJson as unknown as TeamsManifest };
}

function parseJson(text: string, file: string): Json {
  try {
    // A UTF-8 BOM is legal in files saved by some editors but not in JSON.parse.
    return JSON.parse(text.replace(/^\uFEFF/, '')) as Json;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function substitute(value: Json, botId: string): Json {
  if (typeof value === 'string') return value.split(BOT_ID_PLACEHOLDER).join(botId);
  if (Array.isArray(value)) return value.map((item) => substitute(item, botId));
  if (isObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substitute(item, botId)]));
  }
  return value;
}

function findPlaceholders(value: Json, pointer: string, problems: string[]): void {
  if (typeof value === 'string') {
    const match = PLACEHOLDER.exec(value);
    if (match) problems.push(`${pointer || '/'}: unknown placeholder ${match[0]}`);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => findPlaceholders(item, `${pointer}/${index}`, problems));
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      findPlaceholders(item, `${pointer}/${escapePointer(key)}`, problems);
    }
  }
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

async function validateAgainstBundledSchema(manifest: { [key: string]: Json }): Promise<string[]> {
  const schemaUrl = manifest.$schema;
  if (typeof schemaUrl !== 'string') {
    return [
      '/$schema: must be a Teams manifest schema URL, ' +
        'e.g. https://developer.microsoft.com/json-schemas/teams/v1.30/MicrosoftTeams.schema.json',
    ];
  }
  const version = TEAMS_SCHEMA_URL.exec(schemaUrl)?.[1];
  if (version === undefined) {
    return [`/$schema: ${schemaUrl} is not a Teams manifest schema URL on developer.microsoft.com`];
  }
  // AppManifestUtils.fetchSchema reads this bundled file when it exists and downloads the schema
  // otherwise; checking first keeps packaging (and CI) offline.
  const bundledSchema = path.join(appManifestBuildDir(), 'json-schemas', 'teams', version, 'MicrosoftTeams.schema.json');
  try {
    await access(bundledSchema);
  } catch {
    return [`/$schema: schema ${version} is not bundled with @microsoft/app-manifest, so it cannot be checked offline`];
  }
  const schema = await AppManifestUtils.fetchSchema(schemaUrl);
  const messages = await AppManifestUtils.validateAgainstSchema(manifest as unknown as TeamsManifest, schema);
  return messages.map(formatSchemaError);
}

function appManifestBuildDir(): string {
  return path.dirname(createRequire(import.meta.url).resolve('@microsoft/app-manifest'));
}

/**
 * AppManifestUtils returns ajv errors flattened to `${instancePath} ${message}. Details: ${params}`;
 * this turns them back into `path: message`, pointing at the missing or extra property itself.
 */
function formatSchemaError(message: string): string {
  const match = /^(\S*) (.*?)\. Details: (.*)$/s.exec(message);
  if (!match) return message;
  const [, instancePath = '', text = '', details = ''] = match;
  let pointer = instancePath;
  try {
    const params = JSON.parse(details) as Record<string, unknown>;
    const property = params.missingProperty ?? params.additionalProperty;
    if (typeof property === 'string') pointer = `${instancePath}/${escapePointer(property)}`;
    if (Array.isArray(params.allowedValues)) {
      const allowed = (params.allowedValues as unknown[]).map((value) => JSON.stringify(value));
      return `${pointer || '/'}: ${text}: ${allowed.join(', ')}`;
    }
  } catch {
    // Details were not JSON; the message alone still names the path.
  }
  return `${pointer || '/'}: ${text}`;
}

interface Icon {
  entryName: string;
  bytes: Uint8Array;
}

async function readIcons(manifest: { [key: string]: Json }, manifestDir: string, problems: string[]): Promise<Icon[]> {
  const icons: Icon[] = [];
  const declared = manifest.icons;
  if (!isObject(declared)) return icons;
  for (const [kind, size] of Object.entries(ICON_SIZES)) {
    const pointer = `/icons/${kind}`;
    const relative = declared[kind];
    if (typeof relative !== 'string') continue;
    const entryName = relative.replace(/\\/g, '/');
    const file = path.resolve(manifestDir, entryName);
    if (path.isAbsolute(entryName) || !file.startsWith(manifestDir + path.sep)) {
      problems.push(`${pointer}: ${JSON.stringify(relative)} must be a path inside the manifest folder`);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch {
      problems.push(`${pointer}: ${file} does not exist`);
      continue;
    }
    const dimensions = pngDimensions(bytes);
    if (!dimensions) {
      problems.push(`${pointer}: ${entryName} is not a PNG file`);
    } else if (dimensions.width !== size || dimensions.height !== size) {
      problems.push(`${pointer}: ${entryName} must be ${size}×${size} pixels, is ${dimensions.width}×${dimensions.height}`);
    } else {
      icons.push({ entryName, bytes });
    }
  }
  return icons;
}

/** Width and height from the IHDR chunk, which the PNG format requires to come first. */
function pngDimensions(bytes: Buffer): { width: number; height: number } | undefined {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return undefined;
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return undefined;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

async function main(): Promise<void> {
  // The same .env file `npm start` reads, so BOT_ID is set in one place.
  if (existsSync('.env')) process.loadEnvFile('.env');
  const botId = process.env.BOT_ID?.trim();
  if (!botId) {
    console.error(
      "BOT_ID is not set. Set BOT_ID to the Azure Bot's Microsoft App ID (a GUID), " +
        'e.g. BOT_ID=00000000-0000-0000-0000-000000000000 npm run package',
    );
    process.exitCode = 1;
    return;
  }
  try {
    const { outFile } = await buildAppPackage({ botId, outFile: path.join(projectRoot, 'build', 'panel-app.zip') });
    console.log(path.relative(process.cwd(), outFile) || outFile);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}

async function isEntryPoint(): Promise<boolean> {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return pathToFileURL(await realpath(script)).href === import.meta.url;
  } catch {
    return false;
  }
}

if (await isEntryPoint()) {
  await main();
}
