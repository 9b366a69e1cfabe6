/**
 * Effects sent to leads one to one: each agency's rapid review request, and the
 * reminders of the returns they owe (one digest per person, sent by the sweep).
 */
import { CardFactory } from 'botbuilder';
import { requestCard } from '../../cards/rapid-review-cards.js';
import { dueWords } from '../../cards/labels.js';
import type { CaseRecord } from '../../review/case.js';
import { CASE_CARD, owe, refreshCard, type Effect } from '../../review/effects.js';
import { localDateOf } from '../../review/local-date.js';
import { remindersOwed, stillWanted } from '../../review/owed.js';
import { withDelivery } from '../../review/rapid-review.js';
import { isLeadOf } from '../../review/rapid-review-actions.js';
import { digestKey, type DigestPerformer, type Performed, type Performer } from '../../review/run-effects.js';
import { chatKey } from '../../review/store.js';
import type { PanelDeps } from '../deps.js';
import { sendToPerson } from '../personal-chats.js';

const agencyName = (deps: PanelDeps, id: string) => deps.review.partnership.agencies.find((a) => a.id === id)?.name ?? id;
const today = (deps: PanelDeps) => localDateOf(deps.review.now(), deps.review.partnership.timezone);

/** Whom a request or reminder goes to, and through which Teams service, from its payload. */
function targetOf(effect: Effect) {
  const p = effect.payload ?? {};
  return {
    agencyId: p.agencyId ?? '',
    aadObjectId: p.aadObjectId ?? '',
    attempt: Number(p.attempt ?? 1),
    serviceUrl: p.serviceUrl ?? '',
    ...(p.tenantId && { tenantId: p.tenantId }),
  };
}

/**
 * One agency's request to one addressee. Delivered, it is recorded on the rapid review
 * and its reminders are planned; undelivered for good, the business unit is told in the
 * case's thread with the reason, and can resend once they have opened Panel.
 */
export const leadRequest = (deps: PanelDeps): Performer => ({
  async perform(effect, record) {
    const target = targetOf(effect);
    const review = record.rapidReview;
    if (!review) return { status: 'skipped', error: 'the rapid review is not stored' };
    const card = requestCard({
      record,
      agencyId: target.agencyId,
      agencyName: agencyName(deps, target.agencyId),
      dueOn: review.dueOn,
      status: { kind: 'open' },
      submissionId: deps.newId(),
      canHandOn: isLeadOf(deps.review, { aadObjectId: target.aadObjectId, displayName: '' }, target.agencyId),
    });
    const activityId = await sendToPerson(deps, target, {
      attachments: [CardFactory.adaptiveCard(card)],
      summary: `Rapid review request ${record.reference}`,
    });
    const at = deps.review.now().toISOString();
    const plan = { ...deps.review.partnership, calendar: deps.review.calendar };
    return {
      status: 'sent',
      ...(activityId && { activityId }),
      audit: [{ action: 'rapidReview.requestSent', detail: `agency=${target.agencyId} to=${target.aadObjectId}` }],
      change: (r) => {
        const delivered = withDelivery(r, target.agencyId, target.aadObjectId, { status: 'sent', at, attempt: target.attempt });
        return refreshCard(owe(delivered, ...remindersOwed(delivered, target, today(deps), plan)), CASE_CARD, at);
      },
    };
  },
  failed(effect, record, error) {
    const target = targetOf(effect);
    const at = deps.review.now().toISOString();
    return {
      audit: [{ action: 'rapidReview.requestUndelivered', detail: `agency=${target.agencyId} to=${target.aadObjectId} reason=${error}` }],
      change: (r) =>
        refreshCard(
          withDelivery(r, target.agencyId, target.aadObjectId, { status: 'unreachable', reason: error, at, attempt: target.attempt }),
          CASE_CARD,
          at,
        ),
      notice:
        `${record.reference}: Panel could not deliver the rapid review request to a safeguarding lead of ${agencyName(deps, target.agencyId)}: ${error}. ` +
        "The request is kept on the case. Ask them to open Panel in Teams, then press Resend undelivered requests on the case's card.",
    };
  },
});

/** After a reminder (sent or not), the next one to the same person is planned from today. */
const planNext = (deps: PanelDeps, effect: Effect) => (r: CaseRecord) =>
  owe(r, ...remindersOwed(r, targetOf(effect), today(deps), { ...deps.review.partnership, calendar: deps.review.calendar }));

/**
 * The reminders the sweep has taken for one person, as one digest: every request they
 * owe that has a reminder due, by reference and agency only. A reminder Panel missed
 * while it was down goes once, marked late. Each is recorded, and the next one planned.
 */
export const reminderDigest = (deps: PanelDeps): DigestPerformer => ({
  async send(person, items) {
    const outcomes = new Map<string, Performed>();
    const wanted = items.filter(({ effect, record }) => {
      if (stillWanted(record, effect)) return true;
      outcomes.set(digestKey(record.reference, effect.key), {
        status: 'skipped',
        error: 'no longer needed',
        audit: [{ action: 'reminder.skipped', detail: `agency=${effect.payload?.agencyId ?? ''}` }],
      });
      return false;
    });
    if (wanted.length === 0) return outcomes;
    const now = today(deps);
    const late = (effect: Effect) => (effect.payload?.on ?? now) < now;
    const lines = wanted.map(({ effect, record }) => {
      const note = late(effect) ? ' (sent late: Panel was unavailable when it was due)' : '';
      return `- **${record.reference}** (${record.descriptor}), ${agencyName(deps, effect.payload?.agencyId ?? '')}'s return: ${dueWords(record.rapidReview!.dueOn, now, deps.review.calendar)}${note}`;
    });
    const first = targetOf(wanted[0]!.effect);
    const chat = await deps.review.store.getSetting(chatKey(person));
    await sendToPerson(
      deps,
      { aadObjectId: person, serviceUrl: chat?.serviceUrl ?? first.serviceUrl, ...(first.tenantId && { tenantId: first.tenantId }) },
      {
        textFormat: 'markdown',
        text: ['**Reminder from Panel**: rapid review returns you owe. Open the request card to answer.', ...lines].join('\n'),
      },
    );
    for (const { effect, record } of wanted) {
      const detail = `agency=${effect.payload?.agencyId} to=${effect.payload?.aadObjectId}${late(effect) ? ' late=yes' : ''}`;
      outcomes.set(digestKey(record.reference, effect.key), {
        status: 'sent',
        audit: [{ action: 'reminder.sent', detail }],
        change: planNext(deps, effect),
      });
    }
    return outcomes;
  },
  failed: (effect, _record, error) => ({
    audit: [{ action: 'reminder.failed', detail: `agency=${effect.payload?.agencyId} to=${effect.payload?.aadObjectId} reason=${error}` }],
    change: planNext(deps, effect),
  }),
});
