import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// m365agents.yml (the Microsoft 365 Agents Toolkit's project file) and env/.env.dev, checked
// offline: the toolkit's provision, deploy and publish need Microsoft 365 and Azure sign-in
// (/work/shared/PLATFORM.md). What is checked is what the toolkit would otherwise find out
// half-way through a provision: a missing file, a package never built, a ${{NAME}} empty.

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const exists = (file: string) => existsSync(path.join(ROOT, file));

interface Step {
  uses: string;
  name?: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}

interface Project {
  version: string;
  environmentFolderPath?: string;
  provision?: Step[];
  deploy?: Step[];
  publish?: Step[];
}

const projectText = read('m365agents.yml');
const project = parse(projectText) as Project;
const LIFECYCLES = ['provision', 'deploy', 'publish'] as const;

const steps = (lifecycle: (typeof LIFECYCLES)[number]): Step[] => project[lifecycle] ?? [];
const uses = (lifecycle: (typeof LIFECYCLES)[number]) => steps(lifecycle).map((s) => s.uses);
const stepsUsing = (action: string) => LIFECYCLES.flatMap((l) => steps(l)).filter((s) => s.uses === action);
const text = (value: unknown) => (typeof value === 'string' ? value : '');

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const placeholders = (value: string) => [...value.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');

/** An environment file as NAME → value, and the lines that are neither a comment, blank, nor NAME=value. */
function readEnvFile(file: string): { values: Map<string, string>; badLines: string[] } {
  const values = new Map<string, string>();
  const badLines: string[] = [];
  read(file)
    .split('\n')
    .forEach((line, i) => {
      const trimmed = line.trim();
      if (trimmed === '' || trimmed.startsWith('#')) return;
      const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(trimmed);
      if (match) values.set(match[1]!, match[2]!.trim().replace(/^(["'])(.*)\1$/, '$2'));
      else badLines.push(`${file}:${i + 1}: ${trimmed}`);
    });
  return { values, badLines };
}

const { values: envDev, badLines: envDevBadLines } = readEnvFile('env/.env.dev');

/** The ARM template's outputs, as arm/deploy writes them to the environment: the name in upper case. */
function armOutputs(template: string): string[] {
  const withoutComments = read(template)
    .split('\n')
    .map((line) => line.replace(/\/\/.*$/, ''))
    .join('\n');
  return [...withoutComments.matchAll(/^\s*output\s+([A-Za-z_][A-Za-z0-9_]*)\s/gm)].map((m) => (m[1] ?? '').toUpperCase());
}

interface ArmTemplate {
  path: string;
  parameters: string;
  deploymentName?: string;
}
const armTemplates = (step: Step) => (step.with?.templates ?? []) as ArmTemplate[];

/** Names the toolkit itself supplies or asks for when they are empty. */
const BUILT_IN = ['TEAMSFX_ENV', 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME'];

/** What a step reads from the environment: its own ${{NAME}}s and those of the files it fills in. */
function namesRead(step: Step): string[] {
  const names = placeholders(JSON.stringify(step.with ?? {}));
  const manifestPath = text(step.with?.manifestPath);
  if (manifestPath && exists(manifestPath)) names.push(...placeholders(read(manifestPath)));
  if (step.uses === 'arm/deploy') {
    for (const t of armTemplates(step)) if (exists(t.parameters)) names.push(...placeholders(read(t.parameters)));
  }
  return names;
}

/** What a step leaves in the environment for the steps after it. */
function namesWritten(step: Step): string[] {
  const names = Object.values(step.writeToEnvironmentFile ?? {});
  if (step.uses === 'arm/deploy') {
    for (const t of armTemplates(step)) if (exists(t.path)) names.push(...armOutputs(t.path));
  }
  return names;
}

describe('m365agents.yml (Microsoft 365 Agents Toolkit project)', () => {
  it('names one schema version, in its header and its version field', () => {
    expect(project.version).toMatch(/^v1\.\d+$/);
    const schema = /^# yaml-language-server: \$schema=(\S+)/m.exec(projectText)?.[1];
    expect(schema).toBe(`https://aka.ms/m365-agents-toolkits/${project.version}/yaml.schema.json`);
    expect(project.environmentFolderPath).toBe('./env');
  });

  it('has the provision, deploy and publish lifecycles, each with the actions Panel needs', () => {
    for (const lifecycle of LIFECYCLES) {
      expect(Array.isArray(project[lifecycle]), `${lifecycle} is missing`).toBe(true);
      for (const step of steps(lifecycle)) expect(typeof step.uses, `a ${lifecycle} step without "uses"`).toBe('string');
    }
    expect(uses('provision')).toEqual(
      expect.arrayContaining(['arm/deploy', 'teamsApp/create', 'teamsApp/validateManifest', 'teamsApp/zipAppPackage', 'teamsApp/update']),
    );
    expect(uses('deploy')).toEqual(expect.arrayContaining(['cli/runNpmCommand', 'azureAppService/zipDeploy']));
    expect(uses('publish')).toEqual(expect.arrayContaining(['teamsApp/zipAppPackage', 'teamsApp/publishAppPackage']));
  });

  it('deploys infra/main.bicep with infra/main.parameters.json, both in the repository', () => {
    const arm = stepsUsing('arm/deploy');
    expect(arm).toHaveLength(1);
    const templates = armTemplates(arm[0]!);
    expect(templates.map((t) => [t.path, t.parameters])).toEqual([['./infra/main.bicep', './infra/main.parameters.json']]);
    for (const t of templates) {
      expect(exists(t.path), `${t.path} is missing`).toBe(true);
      expect(exists(t.parameters), `${t.parameters} is missing`).toBe(true);
      expect(JSON.parse(read(t.parameters))).toHaveProperty('parameters');
      expect(t.deploymentName, 'arm/deploy needs a deploymentName per template').toBeTruthy();
    }
    expect(text(arm[0]!.with?.subscriptionId)).toBe('${{AZURE_SUBSCRIPTION_ID}}');
    expect(text(arm[0]!.with?.resourceGroupName)).toBe('${{AZURE_RESOURCE_GROUP_NAME}}');
  });

  it('packages manifest/manifest.json, which is in the repository with its icons', () => {
    const manifestPaths = LIFECYCLES.flatMap((l) => steps(l)).flatMap((s) => (s.with?.manifestPath ? [text(s.with.manifestPath)] : []));
    expect(manifestPaths.length).toBeGreaterThan(0);
    for (const manifestPath of manifestPaths) expect(manifestPath).toBe('./manifest/manifest.json');
    expect(exists('manifest/manifest.json')).toBe(true);
    const manifest = JSON.parse(read('manifest/manifest.json')) as { icons: { color: string; outline: string } };
    for (const icon of [manifest.icons.color, manifest.icons.outline]) expect(exists(path.join('manifest', icon)), icon).toBe(true);
  });

  it('validates, updates and publishes only an app package it zipped earlier in the same lifecycle', () => {
    for (const lifecycle of LIFECYCLES) {
      const zipped = new Set<string>();
      for (const step of steps(lifecycle)) {
        if (step.uses === 'teamsApp/zipAppPackage') {
          const out = text(step.with?.outputZipPath);
          expect(path.posix.dirname(out)).toBe(text(step.with?.outputFolder));
          zipped.add(out);
        }
        const appPackagePath = text(step.with?.appPackagePath);
        if (appPackagePath) expect(zipped, `${lifecycle}: ${step.uses} uses ${appPackagePath}`).toContain(appPackagePath);
      }
    }
  });

  it('deploys after a clean install and the production build, leaving node_modules and secrets out of the zip', () => {
    const deploy = steps('deploy');
    const npmArgs = deploy.filter((s) => s.uses === 'cli/runNpmCommand').map((s) => text(s.with?.args));
    const zipDeploy = deploy.findIndex((s) => s.uses === 'azureAppService/zipDeploy');
    const before = (args: RegExp) => deploy.findIndex((s) => s.uses === 'cli/runNpmCommand' && args.test(text(s.with?.args)));
    expect(
      npmArgs.some((a) => /^(ci|install)\b/.test(a)),
      'no npm install step',
    ).toBe(true);
    expect(before(/^(ci|install)\b/)).toBeLessThan(before(/^run build\b/));
    expect(before(/^run build\b/)).toBeGreaterThanOrEqual(0);
    expect(before(/^run build\b/)).toBeLessThan(zipDeploy);
    expect((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.build).toBeDefined();

    const { artifactFolder, ignoreFile, resourceId } = deploy[zipDeploy]!.with ?? {};
    expect(exists(text(artifactFolder)), `artifactFolder ${text(artifactFolder)}`).toBe(true);
    // Without an ignore file the toolkit zips everything: node_modules compiled for this machine, .env.
    expect(text(ignoreFile), 'zipDeploy has no ignoreFile').not.toBe('');
    const ignored = read(path.join(text(artifactFolder), text(ignoreFile)))
      .split('\n')
      .map((l) => l.trim());
    for (const pattern of ['node_modules', '.env', 'env']) expect(ignored, `${text(ignoreFile)} lacks ${pattern}`).toContain(pattern);
    expect(text(resourceId)).toMatch(PLACEHOLDER);
  });

  it('creates the Teams app with the id the manifest uses: the bot id, set by the deployment before it', () => {
    // Panel's Teams app id is its bot's id (as in `npm run package`). teamsApp/create creates the app
    // with the id already in the variable it writes to, or with a random one if that is empty: which
    // would then stand in the manifest as the bot's id too. So the deployment must have set it.
    const manifestId = placeholders(text((JSON.parse(read('manifest/manifest.json')) as { id: unknown }).id));
    expect(manifestId).toHaveLength(1);
    const provision = steps('provision');
    const create = provision.findIndex((s) => s.uses === 'teamsApp/create');
    const arm = provision.findIndex((s) => s.uses === 'arm/deploy');
    expect(provision[create]?.writeToEnvironmentFile?.teamsAppId).toBe(manifestId[0]);
    expect(arm, 'arm/deploy must come before teamsApp/create').toBeLessThan(create);
    expect(namesWritten(provision[arm]!), `infra/main.bicep has no output named ${manifestId[0]}`).toContain(manifestId[0]);
  });

  it('gives every ${{NAME}} it reads a value before the step that reads it', () => {
    const given = [...envDev].filter(([, value]) => value !== '').map(([name]) => name);
    const afterProvision = new Set([...BUILT_IN, ...given, ...steps('provision').flatMap(namesWritten)]);
    const missing: string[] = [];
    for (const lifecycle of LIFECYCLES) {
      const known = new Set(lifecycle === 'provision' ? [...BUILT_IN, ...given] : afterProvision);
      for (const step of steps(lifecycle)) {
        for (const name of namesRead(step)) if (!known.has(name)) missing.push(`${lifecycle}: ${step.uses} reads ${name}`);
        for (const name of namesWritten(step)) known.add(name);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('env/.env.dev', () => {
  it('is the dev environment, with the names the toolkit and m365agents.yml use', () => {
    // A line the toolkit cannot read could hide a value from the check below.
    expect(envDevBadLines).toEqual([]);
    expect(envDev.get('TEAMSFX_ENV')).toBe('dev');
    for (const name of ['APP_NAME_SUFFIX', 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME', 'RESOURCE_SUFFIX', 'BOT_ID']) {
      expect(envDev.has(name), name).toBe(true);
    }
  });

  it('holds no secret: every name with SECRET, PASSWORD or KEY in it is empty', () => {
    const withValues = [...envDev].filter(([name, value]) => /SECRET|PASSWORD|KEY/i.test(name) && value !== '').map(([name]) => name);
    expect(withValues).toEqual([]);
  });
});
