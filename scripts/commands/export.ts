import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { actorOf } from '../../review/audit-trail.js';
import { parseReference } from '../../review/case.js';
import { exportCase, type CaseExport } from '../../review/erasure.js';
import type { Directory } from '../../review/partnership.js';
import { confirmed } from './confirm.js';
import { UsageError, type Command } from './context.js';

/** `likeThis` → "Like this". */
const words = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());

/** Any stored value as indented lines a person can read: every field, none left out. */
function readable(value: unknown, indent = ''): string[] {
  if (value === null || typeof value !== 'object') return [`${indent}${String(value)}`];
  const entries = Array.isArray(value) ? value.map((v, i) => [`${i + 1}`, v] as const) : Object.entries(value);
  return entries.flatMap(([key, v]) =>
    v !== null && typeof v === 'object'
      ? [`${indent}${words(key)}:`, ...readable(v, `${indent}  `)]
      : [`${indent}${words(key)}: ${String(v)}`],
  );
}

/** The export as a readable summary: the case, each item, and the audit trail with names. */
function summary(held: CaseExport, directory: Directory): string {
  return [
    `# Everything Panel holds about ${held.reference}`,
    '',
    `Exported ${held.exportedAt} for a subject access request. It holds personal data: keep it as the partnership's policy says.`,
    '',
    '## The case',
    '',
    ...readable(held.record),
    '',
    `## Items kept beside it (${held.items.length})`,
    ...held.items.flatMap((item) => ['', `### ${item.type} ${item.id} (${item.at})`, '', ...readable(item.doc)]),
    '',
    `## Audit trail (${held.audit.length} events)`,
    '',
    ...held.audit.map((e) => {
      const { who, role } = actorOf(directory, e.actor);
      return `${e.seq}. ${e.at}  ${who}${role ? ` (${role})` : ''}  ${e.action}${e.detail ? `  ${e.detail}` : ''}`;
    }),
    '',
  ].join('\n');
}

/**
 * `export REF-… --out DIR`: everything held about a case into DIR/<reference>/, as JSON
 * and a readable summary, for a subject access request. Files only the operator can read.
 */
export const exportCommand: Command = {
  usage: 'export REF-2026-0007 --out DIR [--confirm REF-2026-0007]',
  options: { out: { type: 'string' }, confirm: { type: 'string' } },
  check({ positionals, values }) {
    if (!parseReference(positionals[0] ?? '')) throw new UsageError('export takes the reference of one case');
    if (typeof values.out !== 'string') throw new UsageError('export needs --out DIR: where to write the files');
  },
  async run(context, args) {
    const reference = parseReference(args.positionals[0]!)!;
    const at = context.now();
    const held = await exportCase(context.store, reference, at);
    if (!held) {
      context.err(`${reference}: no such case on this store`);
      return 1;
    }
    const audit = { caseId: reference, at: at.toISOString(), actor: context.operator };
    if (!(await confirmed(context, args, reference, 'Export everything held about'))) {
      await context.store.appendAudit({ ...audit, action: 'records.refused', detail: 'export not confirmed' });
      context.err('Not confirmed: nothing was written. Give --confirm with the same reference, or type it at the prompt.');
      return 1;
    }
    const dir = join(String(args.values.out), reference);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(join(dir, 'case.json'), `${JSON.stringify(held, null, 2)}\n`, { mode: 0o600 });
    writeFileSync(join(dir, 'summary.md'), summary(held, context.directory), { mode: 0o600 });
    await context.store.appendAudit({
      ...audit,
      action: 'case.exported',
      detail: `items=${held.items.length} events=${held.audit.length}`,
    });
    context.out(`${reference}: written to ${dir} (case.json, summary.md): ${held.items.length} items, ${held.audit.length} audit events.`);
    return 0;
  },
};
