import { parseReference } from '../../review/case.js';
import { eraseCase } from '../../review/erasure.js';
import { confirmed } from './confirm.js';
import { UsageError, type Command } from './context.js';

/**
 * `erase REF-… --reason "…"`: removes the case's personal data, keeping its anonymous
 * decision record and audit trail (`review/erasure.ts`). The reason is recorded in the
 * case's audit trail: it must say why (e.g. the request's number), never name anyone.
 */
export const erase: Command = {
  usage: 'erase REF-2026-0007 --reason "…" [--confirm REF-2026-0007]',
  options: { reason: { type: 'string' }, confirm: { type: 'string' } },
  check({ positionals, values }) {
    if (!parseReference(positionals[0] ?? '')) throw new UsageError('erase takes the reference of one case');
    if (typeof values.reason !== 'string' || values.reason.trim() === '')
      throw new UsageError('erase needs --reason "…": why, for the audit trail');
  },
  async run(context, args) {
    const reference = parseReference(args.positionals[0]!)!;
    const at = context.now();
    if (!(await context.store.getCase(reference))) {
      context.err(`${reference}: no such case on this store`);
      return 1;
    }
    if (!(await confirmed(context, args, reference, 'Erase the personal data of'))) {
      await context.store.appendAudit({
        caseId: reference,
        at: at.toISOString(),
        actor: context.operator,
        action: 'records.refused',
        detail: 'erase not confirmed',
      });
      context.err('Not confirmed: nothing was erased. Give --confirm with the same reference, or type it at the prompt.');
      return 1;
    }
    const result = await eraseCase(context.store, { reference, actor: context.operator, reason: String(args.values.reason).trim(), at });
    if (result.status !== 'erased') return 1;
    context.out(
      `${reference}: personal data erased; ${result.itemsDeleted} items deleted, ${result.itemsKept} decisions kept without their rationale.`,
    );
    return 0;
  },
};
