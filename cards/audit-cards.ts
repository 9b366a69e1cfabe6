/**
 * A case's audit trail, one to one, for the business unit: each event's number, when,
 * who (by name and role from the partnership file), what, newest first, a page at a
 * time; and whether the trail's hashes hold. The answer to a command or a button, which
 * Teams shows only to whoever asked.
 */
import type { TrailLine } from '../review/audit-trail.js';
import type { BrokenTrail } from '../review/audit-chain.js';
import type { AnonymousCase } from '../review/case.js';
import { formCard, type FormAction } from './form.js';
import type { AdaptiveCardJson } from './render.js';
import { VERBS } from './verbs.js';

export interface AuditTrailView {
  record: Pick<AnonymousCase, 'reference' | 'descriptor'>;
  lines: TrailLine[];
  page: number;
  pages: number;
  total: number;
  broken?: BrokenTrail;
}

export function auditTrailCard(view: AuditTrailView): AdaptiveCardJson {
  const { reference } = view.record;
  const turn = (title: string, page: number): FormAction => ({
    title,
    verb: VERBS.showAuditTrail,
    data: { reference, page: String(page) },
    inputs: 'none',
  });
  const first = view.lines.at(-1)?.seq;
  const last = view.lines[0]?.seq;
  return formCard({
    heading: `Audit trail: ${reference}`,
    subtitle: `${view.record.descriptor}. ${view.total} events${first && last ? `; ${first} to ${last} here, newest first` : ''}. Page ${view.page} of ${view.pages}.`,
    banner: view.broken
      ? {
          text: `The trail is BROKEN at event ${view.broken.seq} (${view.broken.problem}): it was changed outside Panel. Tell the partnership's IT; they can run: npm run panel -- audit verify ${reference}`,
          style: 'attention',
        }
      : { text: `Intact: each of the ${view.total} events is linked to the one before it by its hash.`, style: 'good' },
    facts: view.lines.map((l) => ({
      title: `${l.seq}. ${l.when}`,
      value: `${l.who}${l.role ? ` (${l.role})` : ''}: ${l.action}${l.detail ? `, ${l.detail}` : ''}`,
    })),
    sections: [],
    values: {},
    limits: {},
    actions: [...(view.page > 1 ? [turn('Newer', view.page - 1)] : []), ...(view.page < view.pages ? [turn('Older', view.page + 1)] : [])],
  });
}
