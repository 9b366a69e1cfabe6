import { PARTNERSHIP_AUDIT } from '../../review/audit.js';
import { verifyTrails } from '../../review/audit-trail.js';
import { parseReference } from '../../review/case.js';
import { UsageError, type Command } from './context.js';

/**
 * `audit verify [REF-…]`: checks the hash chain of every trail (or one case's) on the
 * configured store; names each broken trail by its reference and the first event that
 * fails, and exits 1 if any is. The check is recorded in the partnership's trail.
 */
export const audit: Command = {
  usage: 'audit verify [REF-2026-0007]',
  options: {},
  check({ positionals }) {
    if (positionals[0] !== 'verify' || positionals.length > 2) throw new UsageError('audit takes: verify, and a reference if one case');
    if (positionals[1] && !parseReference(positionals[1]))
      throw new UsageError(`${positionals[1]} is not a reference such as REF-2026-0007`);
  },
  async run(context, { positionals }) {
    const only = positionals[1] ? parseReference(positionals[1]) : undefined;
    if (only && !(await context.store.getCase(only)) && !(await context.store.getAuditHead(only))) {
      context.err(`${only}: no such case or trail on this store`);
      return 1;
    }
    const checks = await verifyTrails(context.store, only);
    const broken = checks.filter((c) => c.broken);
    for (const c of checks) {
      context.out(
        c.broken
          ? `${c.trail}: BROKEN at event ${c.broken.seq} (${c.broken.problem}); ${c.events} events read`
          : `${c.trail}: intact, ${c.events} events`,
      );
    }
    context.out(`${checks.length} trails checked, ${broken.length} broken.`);
    await context.store.appendAudit({
      caseId: only ?? PARTNERSHIP_AUDIT,
      at: context.now().toISOString(),
      actor: context.operator,
      action: 'audit.viewed',
      detail: `verify trails=${checks.length} broken=${broken.length}`,
    });
    return broken.length > 0 ? 1 : 0;
  },
};
