import type { Args, CommandContext } from './context.js';

/**
 * The operator's confirmation of a command on one case's records: `--confirm REF-…`
 * naming the same case, or the reference typed at the prompt on a terminal.
 */
export async function confirmed(context: CommandContext, args: Args, reference: string, what: string): Promise<boolean> {
  if (args.values.confirm !== undefined) return args.values.confirm === reference;
  const typed = await context.ask(`${what} ${reference}: type the reference to confirm: `);
  return typed?.trim().toUpperCase() === reference;
}
