import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// The Dockerfile and .dockerignore are checked as text: there is no Docker daemon on the
// project's machines. The parser below knows just enough of the Dockerfile syntax for that:
// comments, line continuations, ARG defaults before the first FROM, stages and their parents.

const read = (file: string) => readFileSync(new URL(`../${file}`, import.meta.url), 'utf8');
const exists = (file: string) => existsSync(new URL(`../${file}`, import.meta.url));

interface Instruction {
  keyword: string;
  args: string;
}

interface Stage {
  name: string | undefined;
  /** The FROM image, with the ARG defaults substituted. */
  from: string;
  instructions: Instruction[];
}

/** The instructions, one per logical line (continuations joined, comments dropped). */
function instructions(text: string): Instruction[] {
  const logical: string[] = [];
  let current = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && current === '')) continue;
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(current + line);
    current = '';
  }
  if (current.trim()) logical.push(current);
  return logical
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

function parseDockerfile(text: string): Stage[] {
  const globalArgs = new Map<string, string>();
  const stages: Stage[] = [];
  for (const instruction of instructions(text)) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const image = (words[0] ?? '').replace(/\$\{?(\w+)\}?/g, (_, name: string) => globalArgs.get(name) ?? '');
      const asIndex = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ name: asIndex >= 0 ? words[asIndex + 1] : undefined, from: image, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [name = '', value = ''] = instruction.args.split('=');
        globalArgs.set(name.trim(), value.trim());
      }
    } else {
      stages.at(-1)?.instructions.push(instruction);
    }
  }
  return stages;
}

const stages = parseDockerfile(read('Dockerfile'));
const finalStage = stages.at(-1);

function stageNamed(name: string): Stage | undefined {
  return stages.find((s) => s.name === name);
}

/** The stage and the stages it is built FROM, nearest first. */
function lineage(stage: Stage): Stage[] {
  const chain = [stage];
  for (let parent = stageNamed(stage.from); parent && !chain.includes(parent); parent = stageNamed(parent.from)) {
    chain.push(parent);
  }
  return chain;
}

/** The image a stage ultimately starts from. */
const baseImage = (stage: Stage) => lineage(stage).at(-1)?.from;

/** Every instruction that shapes a stage's file system and settings, its parents' first. */
const effective = (stage: Stage) =>
  lineage(stage)
    .reverse()
    .flatMap((s) => s.instructions);

/** `ENV A=1 B=2` and the legacy `ENV A 1`, as a map. */
function envOf(instructionList: Instruction[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const { keyword, args } of instructionList) {
    if (keyword !== 'ENV') continue;
    if (!args.includes('=') || /^\S+\s+[^=]*$/.test(args)) {
      const [name = '', ...value] = args.split(/\s+/);
      env.set(name, value.join(' '));
      continue;
    }
    for (const match of args.matchAll(/(\w+)=("[^"]*"|'[^']*'|\S*)/g)) {
      env.set(match[1] ?? '', (match[2] ?? '').replace(/^["']|["']$/g, ''));
    }
  }
  return env;
}

/** The npm installs a list of instructions runs (`npm ci`, `npm install`/`npm i` with no package named). */
const npmInstalls = (instructionList: Instruction[]) =>
  instructionList
    .filter((i) => i.keyword === 'RUN')
    .flatMap((i) => i.args.split(/&&|;|\|\|/))
    .map((command) => command.trim())
    .filter((command) => /^npm\s+(ci|install|i)(\s|$)/.test(command) && !/\s-g(\s|$)|--global/.test(command));

const omitsDev = (command: string) => /--omit[= ]dev\b|--production\b|--only[= ]prod/.test(command);

/** `COPY`'s options, sources and destination. */
function copyParts(args: string) {
  const words = args.split(/\s+/);
  const options = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  return {
    from: options.find((o) => o.startsWith('--from='))?.slice('--from='.length),
    sources: paths.slice(0, -1),
    destination: paths.at(-1) ?? '',
  };
}

/** Does the final stage's working directory hold this path (`./node_modules`, `/app/node_modules`)? */
const isAppPath = (destination: string, name: string) => new RegExp(`^(\\./|/app/)?${name}/?$`).test(destination);

// ---- .dockerignore, with Docker's rules: the last matching pattern wins, `!` re-includes,
// and a path is excluded when it or any folder above it matches.

const ignorePatterns = read('.dockerignore')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line && !line.startsWith('#'))
  .map((line) => {
    const negated = line.startsWith('!');
    const pattern = (negated ? line.slice(1) : line).replace(/^\/+|\/+$/g, '');
    const source = pattern
      .split(/(\*\*\/?|\*|\?)/)
      .map((part) => {
        if (part === '**/') return '(?:.*/)?';
        if (part === '**') return '.*';
        if (part === '*') return '[^/]*';
        if (part === '?') return '[^/]';
        return part.replace(/[.+^${}()|[\]\\]/g, '\\$&');
      })
      .join('');
    return { negated, regex: new RegExp(`^${source}$`) };
  });

function dockerIgnores(file: string): boolean {
  const parts = file.split('/');
  const pathAndParents = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const { negated, regex } of ignorePatterns) {
    if (pathAndParents.some((p) => regex.test(p))) excluded = !negated;
  }
  return excluded;
}

describe('the container image (Dockerfile)', () => {
  it('is built in stages, so that compilers and devDependencies stay out of the image', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(finalStage).toBeDefined();
    // The final stage starts afresh from an image, not from a stage that built or installed things.
    expect(stageNamed(finalStage!.from), `the final stage is built FROM the stage "${finalStage!.from}"`).toBeUndefined();
  });

  it('runs on Node 22 or later (Node 20 is past its end of life)', () => {
    const image = baseImage(finalStage!) ?? '';
    const major = Number(/^(?:docker\.io\/)?(?:library\/)?node:(\d+)/.exec(image)?.[1]);
    expect(major, `the final image is "${image}"`).toBeGreaterThanOrEqual(22);
  });

  it('runs as a user other than root in the final stage', () => {
    const users = finalStage!.instructions.filter((i) => i.keyword === 'USER');
    expect(users.length, 'the final stage has no USER, so it runs as root').toBeGreaterThan(0);
    const user = users.at(-1)!.args.split(':')[0]?.trim();
    expect(['root', '0', '']).not.toContain(user);
    // Every instruction after the last USER runs as that user: CMD must come after it.
    const cmdIndex = finalStage!.instructions.findIndex((i) => i.keyword === 'CMD');
    expect(cmdIndex).toBeGreaterThan(finalStage!.instructions.indexOf(users.at(-1)!));
  });

  it('holds production dependencies only, compiled in an image with the same libc as the final one', () => {
    // Either the final stage installs them itself, or it copies node_modules from a stage that did.
    const ownInstalls = npmInstalls(effective(finalStage!));
    const copied = finalStage!.instructions
      .filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')
      .map((i) => copyParts(i.args))
      .filter((c) => c.from && (isAppPath(c.destination, 'node_modules') || c.sources.some((s) => /node_modules\/?$/.test(s))));
    const sources = copied.map((c) => stageNamed(c.from!));
    expect(sources).not.toContain(undefined);

    const installs = [...ownInstalls, ...sources.flatMap((s) => npmInstalls(effective(s!)))];
    expect(installs.length, 'the final stage neither installs node_modules nor copies them from a stage').toBeGreaterThan(0);
    for (const command of installs) expect(command, 'an install that keeps the devDependencies').toSatisfy(omitsDev);

    // better-sqlite3 is a native module: compiled against one libc and Node, it loads only on the same.
    for (const source of sources) expect(baseImage(source!)).toBe(baseImage(finalStage!));
  });

  it('starts the compiled server with node, as npm start does, and has no tsx', () => {
    const cmd = finalStage!.instructions.filter((i) => i.keyword === 'CMD').at(-1);
    expect(cmd, 'the final stage has no CMD').toBeDefined();
    // The exec form (a JSON array): node is PID 1 and receives SIGTERM for Panel's graceful stop.
    expect(cmd!.args, 'CMD in the shell form runs node under /bin/sh, which does not pass SIGTERM on').toMatch(/^\[/);
    const argv = JSON.parse(cmd!.args) as string[];
    expect(argv[0]).toBe('node');
    expect(argv).toContain('dist/bot/main.js');
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    expect(argv.join(' ')).toBe(start);
    expect(finalStage!.instructions.some((i) => i.keyword === 'ENTRYPOINT')).toBe(false);

    for (const instruction of effective(finalStage!)) expect(`${instruction.keyword} ${instruction.args}`).not.toMatch(/\btsx\b/);
  });

  it('copies the compiled dist/ from the stage that runs npm run build', () => {
    const dist = finalStage!.instructions
      .filter((i) => i.keyword === 'COPY')
      .map((i) => copyParts(i.args))
      .find((c) => isAppPath(c.destination, 'dist'));
    expect(dist?.from, 'the final stage does not copy dist/ from a build stage').toBeDefined();
    const build = stageNamed(dist!.from!);
    expect(effective(build!).some((i) => i.keyword === 'RUN' && /npm run build/.test(i.args))).toBe(true);
  });

  it('sets NODE_ENV=production in the final stage', () => {
    expect(envOf(effective(finalStage!)).get('NODE_ENV')).toBe('production');
  });

  it("exposes Panel's port", () => {
    const exposed = finalStage!.instructions.filter((i) => i.keyword === 'EXPOSE').flatMap((i) => i.args.split(/\s+/));
    expect(exposed).toContain('3978');
  });

  it('copies from the build context only files that exist and that .dockerignore lets through', () => {
    for (const stage of stages) {
      for (const instruction of stage.instructions.filter((i) => i.keyword === 'COPY' || i.keyword === 'ADD')) {
        const { from, sources } = copyParts(instruction.args);
        if (from) continue;
        for (const source of sources.filter((s) => s !== '.')) {
          expect(exists(source), `COPY ${source}: no such file`).toBe(true);
          expect(dockerIgnores(source), `COPY ${source}: excluded by .dockerignore`).toBe(false);
        }
      }
    }
  });
});

describe('.dockerignore', () => {
  it('keeps secrets and local settings out of the build context', () => {
    for (const file of ['.env', 'env/.env.dev.user', 'bot/.env', '.env.local']) expect(dockerIgnores(file), file).toBe(true);
  });

  it('keeps installed and generated files out, so the image compiles its own', () => {
    for (const file of [
      'node_modules',
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'dist/bot/main.js',
      'data/panel.db',
    ]) {
      expect(dockerIgnores(file), file).toBe(true);
    }
  });

  it('lets through what the image is built from', () => {
    const needed = [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'bot/main.ts',
      'cards/form.ts',
      'partnership/demo.yaml',
    ];
    for (const file of needed) {
      expect(exists(file), `${file} is missing from the repository`).toBe(true);
      expect(dockerIgnores(file), file).toBe(false);
    }
  });
});
