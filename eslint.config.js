// ESLint flat config for Panel.
//
// TypeScript 7 note: the repo's `typescript` package is TypeScript 7 (the native
// compiler), whose main export is only `{ version }`, and typescript-eslint 8 needs
// the classic TypeScript API (it throws "typescript-eslint does not support TS 7.0").
// So TypeScript 6 is a devDependency under the alias `typescript6`, and the hook below
// makes `require('typescript')` from typescript-eslint's own packages load it.
// `tsc` (npm test) is still TS 7: node_modules/.bin/tsc is linked to `typescript`, which
// npm links before `typescript6` (an alias sorting before "typescript", such as
// @typescript/typescript6's `@typescript/old`, would take over `tsc`: don't use one).
// The package.json "overrides" entry only lets npm accept typescript-eslint's
// `typescript <6.1` peer range next to TS 7 (without it `npm ci` fails, ERESOLVE).
// The rules are syntactic (tseslint.configs.recommended, no type information).
import Module, { createRequire } from 'node:module';
import path from 'node:path';
import { defineConfig } from 'eslint/config';
import eslintConfigPrettier from 'eslint-config-prettier';

const require = createRequire(import.meta.url);
const classicTypeScript = require.resolve('typescript6');
const usesClassicTypeScript = new RegExp(
  `\\${path.sep}node_modules\\${path.sep}(?:@typescript-eslint|typescript-eslint|ts-api-utils)\\${path.sep}`,
);
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, parent, ...rest) {
  if (request === 'typescript' && parent?.filename && usesClassicTypeScript.test(parent.filename)) {
    return classicTypeScript;
  }
  return resolveFilename.call(this, request, parent, ...rest);
};
// Imported only after the hook is in place (a static import would be hoisted above it).
const { default: tseslint } = await import('typescript-eslint');

// ---- Import boundaries (built-in no-restricted-imports) ----
// Patterns are gitignore-style and matched against the import string, e.g. '../bot/deps.js'.
// Package patterns start with '/' (or contain a '/', as '@azure/cosmos' does) so that they
// match from the start of the import only: '/botbuilder-*' catches 'botbuilder-core' but
// not a local '../botbuilder-shim.js'. Folder patterns ('**/bot/**') match at any depth.
// Each folder block below replaces the rule's options (flat config does not merge them),
// so every folder block repeats the Teams SDK restriction.

const teamsSdk = {
  group: ['/botbuilder', '/botbuilder/**', '/botbuilder-*', '/botframework-*', '@microsoft/teams-ai', '@microsoft/teams-ai/**'],
  message:
    'The Bot Framework / Teams AI SDK belongs in bot/ only (tests/, bench/ and scripts/ may use it too). Pass what you need in from bot/ instead.',
};
const httpServer = {
  group: ['/restify', '/restify/**'],
  message: 'The HTTP server (restify) belongs in bot/.',
};
const dbDrivers = {
  group: ['@azure/cosmos', '@azure/cosmos/**', '/better-sqlite3', '/better-sqlite3/**'],
  message: 'Database drivers (@azure/cosmos, better-sqlite3) belong in storage/.',
};
const cron = {
  group: ['/node-cron', '/node-cron/**'],
  message: 'node-cron belongs in scheduler/.',
};
const relative = (dirs, message) => ({ group: dirs.flatMap((dir) => [`**/${dir}/*`, `**/${dir}/**`]), message });

const boundary = (files, patterns) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns }] },
});

export default defineConfig(
  {
    ignores: ['node_modules/', 'test-results/', 'dist/', '.m365agentsplayground*', 'devTools/', 'coverage/', '**/*.json'],
  },
  {
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommended],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },

  // Everywhere except bot/ (and tests/, bench/, scripts/): no Teams / Bot Framework SDK.
  {
    ...boundary(['**/*.ts'], [teamsSdk]),
    ignores: ['bot/**', 'tests/**', 'bench/**', 'scripts/**'],
  },

  // review/ is the domain core: no SDKs, servers, drivers or cron, and no outer layers.
  boundary(
    ['review/**/*.ts'],
    [
      teamsSdk,
      { ...httpServer, message: 'review/ is the domain core: no HTTP server (restify) here.' },
      { ...dbDrivers, message: 'review/ is the domain core: database drivers (@azure/cosmos, better-sqlite3) belong in storage/.' },
      { ...cron, message: 'review/ is the domain core: node-cron belongs in scheduler/.' },
      relative(
        ['bot', 'storage', 'scheduler', 'cards', 'reports'],
        'review/ must not import bot/, storage/, scheduler/, cards/ or reports/: those layers depend on review/, not the other way round.',
      ),
    ],
  ),

  // storage/ persists review/ data: it may use the database drivers, not the bot.
  boundary(
    ['storage/**/*.ts'],
    [
      teamsSdk,
      { ...httpServer, message: 'storage/ must not depend on the HTTP server (restify): that is bot/.' },
      relative(
        ['bot', 'scheduler', 'cards'],
        'storage/ must not import bot/, scheduler/ or cards/: pass configuration and callbacks in from bot/.',
      ),
    ],
  ),

  // cards/ builds Adaptive Card JSON from review/ data: pure, no I/O.
  boundary(
    ['cards/**/*.ts'],
    [
      teamsSdk,
      { ...httpServer, message: 'cards/ only builds card JSON: no HTTP server (restify).' },
      { ...dbDrivers, message: 'cards/ only builds card JSON: no database drivers (@azure/cosmos, better-sqlite3).' },
      relative(
        ['bot', 'storage', 'scheduler', 'reports'],
        'cards/ must not import bot/, storage/, scheduler/ or reports/: cards are built from review/ data only (a chart comes in as a data URI).',
      ),
    ],
  ),

  // reports/ writes the annual summary's files (CSV, xlsx, PNG) from review/ data: no Teams, no store.
  boundary(
    ['reports/**/*.ts'],
    [
      teamsSdk,
      { ...httpServer, message: 'reports/ only writes files: no HTTP server (restify).' },
      { ...dbDrivers, message: 'reports/ only writes files: it is given the report, never the database.' },
      { ...cron, message: 'reports/ only writes files: node-cron belongs in scheduler/.' },
      relative(
        ['bot', 'storage', 'scheduler', 'cards'],
        'reports/ must not import bot/, storage/, scheduler/ or cards/: it turns review/ data into files, for bot/ and scripts/.',
      ),
    ],
  ),

  // scheduler/ only wires cron jobs to functions it is given.
  boundary(
    ['scheduler/**/*.ts'],
    [
      teamsSdk,
      { ...httpServer, message: 'scheduler/ only wires cron jobs: no HTTP server (restify).' },
      { ...dbDrivers, message: 'scheduler/ only wires cron jobs: database drivers belong in storage/.' },
      relative(
        ['bot', 'storage', 'cards'],
        'scheduler/ must not import bot/, storage/ or cards/: it wires cron jobs to what it is given (the effects runner, the store port).',
      ),
    ],
  ),

  eslintConfigPrettier,
);
