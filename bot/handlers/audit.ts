import type { TurnContext } from 'botbuilder';
import { z } from 'zod';
import { auditTrailCard } from '../../cards/audit-cards.js';
import type { AdaptiveCardJson } from '../../cards/render.js';
import { showAuditTrail } from '../../review/audit-trail.js';
import type { PanelDeps } from '../deps.js';
import { caseAction, caseCardCommand, NOT_FOUND } from './card-data.js';

export const AUDIT_ONLY = "Only the business unit can read a case's audit trail.";

const paging = z.object({ page: z.coerce.number().int().min(1).max(100_000).optional() });

/** `audit.show`: a page of a case's audit trail, to the business unit only; the view is audited. */
export async function showAudit(context: TurnContext, deps: PanelDeps, data: Record<string, unknown>): Promise<AdaptiveCardJson | string> {
  const action = caseAction(context, data, NOT_FOUND);
  if (typeof action === 'string') return action;
  const parsed = paging.safeParse(data);
  const page = parsed.success ? parsed.data.page : undefined;
  const result = await showAuditTrail(deps.review, { ...action, ...(page && { page }) });
  deps.log.info({ verb: 'audit.show', reference: action.reference, outcome: result.status }, 'audit trail');
  if (result.status !== 'shown') return result.status === 'refused' ? AUDIT_ONLY : NOT_FOUND;
  return auditTrailCard(result);
}

/** `audit REF-…` in a personal chat: the first page of the trail. */
export const auditCommand = (context: TurnContext, deps: PanelDeps) =>
  caseCardCommand(context, 'audit', (data) => showAudit(context, deps, data));
