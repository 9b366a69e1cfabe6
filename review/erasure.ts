/**
 * Subject access and erasure, for the operator's `export` and `erase` commands. Export
 * gathers everything held about a case: its record, every item beside it, its audit
 * trail. Erasure removes the case's personal data (names, dates of birth, addresses,
 * contact details, and every free-text answer that may hold them) and keeps what the
 * partnership must still account for: the reference and anonymous descriptor, kinds,
 * outcomes, dates, who on the staff did what (by Entra id), and the audit trail.
 */
import type { ChainedAuditEvent } from './audit-chain.js';
import type { CaseRecord } from './case.js';
import type { DecisionRecord } from './decision.js';
import type { Referral } from './referral-model.js';
import type { CaseItem, CaseItemType, CaseStore } from './store.js';
import { updateCase } from './update-case.js';

/** What an erased answer reads as. */
export const ERASED = '[erased]';

/** Every kind of item a case keeps beside its record. */
const ITEM_TYPES: readonly CaseItemType[] = ['return', 'draft', 'decision', 'report', 'agenda'];

/** Everything held about a case, as exported for a subject access request. */
export interface CaseExport {
  reference: string;
  exportedAt: string;
  record: CaseRecord;
  items: CaseItem[];
  audit: ChainedAuditEvent[];
}

export async function exportCase(store: CaseStore, reference: string, at: Date): Promise<CaseExport | undefined> {
  const record = await store.getCase(reference);
  if (!record) return undefined;
  const items = (await Promise.all(ITEM_TYPES.map((type) => store.listCaseItems(reference, type)))).flat();
  return { reference, exportedAt: at.toISOString(), record, items, audit: await store.listAudit(reference) };
}

/** The referral with nobody's name, date of birth, address or contact details, and no free text. */
function erasedReferral(referral: Referral): Referral {
  const { immediateSafetyDetails: _details, ...incident } = referral.incident;
  const { perpetrator: _p, relationshipToPerpetrator: _r, reflectiveLearning: _l, ...specific } = referral.specific;
  const { detail: _d, ...source } = referral.source ?? { from: 'practitioner', enteredByBusinessUnit: false };
  return {
    ...referral,
    ...(referral.source && { source }),
    referrer: {
      name: ERASED,
      agencyId: referral.referrer.agencyId,
      agencyName: referral.referrer.agencyName,
      email: ERASED,
      managerConsulted: referral.referrer.managerConsulted,
    },
    subject: { name: ERASED, ageGroup: referral.subject.ageGroup },
    incident,
    specific,
    summary: ERASED,
    reasons: ERASED,
    family: [],
    professionals: [],
  };
}

const erasedDecision = (d: DecisionRecord): DecisionRecord => ({ ...d, rationale: ERASED });

/** The case with its personal data removed, and when and by whom that was done. */
export function erased(record: CaseRecord, by: { at: string; actor: string }): CaseRecord {
  const { family: _family, ...rest } = record;
  const panel = record.panel;
  return {
    ...rest,
    referral: erasedReferral(record.referral),
    ...(record.hold && { hold: { ...record.hold, reason: ERASED } }),
    ...(record.safety && {
      safety: record.safety.map((c) => (c.acknowledged ? { ...c, acknowledged: { ...c.acknowledged, action: ERASED } } : c)),
    }),
    ...(panel && {
      panel: {
        ...panel,
        decisions: panel.decisions.map(erasedDecision),
        ...(panel.recommendation && { recommendation: erasedDecision(panel.recommendation) }),
        ...(panel.sentBack && {
          sentBack: panel.sentBack.map((s) => ({ ...s, reason: ERASED, recommendation: erasedDecision(s.recommendation) })),
        }),
      },
    }),
    ...(record.plan && {
      plan: {
        ...record.plan,
        steps: record.plan.steps.map((s) => (s.moves ? { ...s, moves: s.moves.map((m) => ({ ...m, reason: ERASED })) } : s)),
      },
    }),
    ...(record.meetings && {
      meetings: record.meetings.map((m) => ({
        ...m,
        place: ERASED,
        asked: ERASED,
        ...(m.outcome && { outcome: { ...m.outcome, text: ERASED } }),
      })),
    }),
    ...(record.recommendations && {
      recommendations: record.recommendations.map((r) => ({
        ...r,
        text: ERASED,
        actions: r.actions.map((a) => ({ ...a, text: ERASED, measure: ERASED, ...(a.evidence && { evidence: ERASED }) })),
      })),
    }),
    ...(record.notPublished && { notPublished: { ...record.notPublished, reasons: ERASED } }),
    // Teams' answer to a failed call may echo what Panel sent.
    ...(record.effects && {
      effects: Object.fromEntries(Object.entries(record.effects).map(([k, e]) => [k, e.error ? { ...e, error: ERASED } : e])),
    }),
    erased: { at: by.at, by: by.actor },
  };
}

export type EraseResult = { status: 'notFound' } | { status: 'erased'; record: CaseRecord; itemsDeleted: number; itemsKept: number };

/**
 * Erases a case's personal data: the record (with the erasure audited in the same
 * write), then the items beside it: agency returns, drafts and reports deleted (what
 * counts of them is in the record), decisions kept without their rationale. Run again,
 * it finishes what a stopped run left.
 */
export async function eraseCase(
  store: CaseStore,
  input: { reference: string; actor: string; reason: string; at: Date },
): Promise<EraseResult> {
  if (!(await store.getCase(input.reference))) return { status: 'notFound' };
  const at = input.at.toISOString();
  const record = await updateCase(store, input.reference, (r) => ({
    record: erased(r, { at, actor: input.actor }),
    audit: [{ caseId: input.reference, at, actor: input.actor, action: 'case.erased', detail: `reason=${input.reason.slice(0, 200)}` }],
  }));
  let itemsDeleted = 0;
  let itemsKept = 0;
  for (const type of ITEM_TYPES) {
    for (const item of await store.listCaseItems<DecisionRecord>(input.reference, type)) {
      if (type === 'decision') {
        await store.putCaseItem({ ...item, doc: erasedDecision(item.doc) });
        itemsKept++;
      } else {
        await store.deleteCaseItem(input.reference, item.id);
        itemsDeleted++;
      }
    }
  }
  return { status: 'erased', record, itemsDeleted, itemsKept };
}
