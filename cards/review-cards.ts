/**
 * The review's card, a reply in the case's thread in the business unit's channel: its
 * plan step by step, its agency reports, meetings, actions and publication, by dates and
 * counts only. Updated in place as the review goes on.
 */
import type { AnonymousCase } from '../review/case.js';
import { outcomeName } from '../review/decision.js';
import type { LocalDate } from '../review/local-date.js';
import { MEETING_NAMES } from '../review/meetings.js';
import { STEPS } from '../review/plan.js';
import { formCard, type FormAction } from './form.js';
import { date, type Fact } from './labels.js';
import type { AdaptiveCardJson } from './render.js';
import { VERBS } from './verbs.js';

export function reviewThreadCard(record: AnonymousCase, today: LocalDate): AdaptiveCardJson {
  const review = record.review;
  const decision = record.decision;
  const closed = record.stage === 'closed';
  const steps: Fact[] = (record.plan ?? []).map((s) => ({
    title: STEPS[s.kind].name,
    value: s.doneOn ? `done ${date(s.doneOn)}` : `${s.dueOn < today ? 'OVERDUE, was due' : 'due'} ${date(s.dueOn)}`,
  }));
  const actions = review?.actions ?? [];
  const overdue = actions.filter((a) => !a.done && a.dueOn < today).length;
  const facts: Fact[] = [
    ...steps,
    ...(review?.reports
      ? [
          {
            title: 'Agency reports',
            value: `${review.reports.returned} of ${review.reports.asked} returned; due ${date(review.reports.dueOn)}`,
          },
        ]
      : []),
    ...(review?.meetings ?? []).map((m) => ({
      title: MEETING_NAMES[m.kind],
      value: `${date(m.on)}${m.outcome ? '; outcome recorded' : ''}`,
    })),
    ...(actions.length
      ? [
          {
            title: 'Action plan',
            value: `${actions.length} ${actions.length === 1 ? 'action' : 'actions'}: ${actions.filter((a) => a.signedOff).length} signed off, ${overdue} overdue`,
          },
        ]
      : []),
    ...(review?.notPublished
      ? [{ title: 'Publication', value: 'not to be published' }]
      : review?.publication
        ? [{ title: 'Publication', value: `${review.publication.published ? 'published' : 'planned for'} ${date(review.publication.on)}` }]
        : []),
  ];
  const buttons: FormAction[] = closed
    ? []
    : [{ title: 'Review plan', verb: VERBS.showPlan, data: { reference: record.reference, from: 'review' }, inputs: 'none' }];
  return formCard<never>({
    heading: `Review: ${record.reference} (${record.descriptor})${closed ? ': closed' : ''}`,
    subtitle: decision
      ? `${outcomeName(record.kind, decision.outcome)}${decision.reviewDue ? `, due ${date(decision.reviewDue)}` : ''}. This card is kept up to date.`
      : 'This card is kept up to date.',
    facts,
    sections: [],
    values: {},
    limits: {},
    actions: buttons,
  });
}
