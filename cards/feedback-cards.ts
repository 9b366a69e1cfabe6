/**
 * The panel's decision, told to the person who made the referral, one to one: what was
 * decided, what happens next and, for no review, why.
 */
import type { AnonymousCase } from '../review/case.js';
import { outcomeName, type DecisionRecord } from '../review/decision.js';
import type { LocalDate } from '../review/local-date.js';
import { documentCard } from './case-cards.js';
import { date } from './labels.js';
import type { AdaptiveCardJson } from './render.js';

/** What happens next, in the referrer's terms. */
function nextSteps(d: DecisionRecord): string {
  const due = d.reviewDue ? ` It is due to finish by ${date(d.reviewDue)}.` : '';
  switch (d.outcome) {
    case 'noReview':
      return "No review will be held; the panel's reasons are below. If you learn something new, tell the business unit: the case can be considered again.";
    case 'actionLearning':
      return `The agencies will act on the learning from the rapid review.${due}`;
    case 'singleAgency':
    case 'partnership':
    case 'independent':
      return `A ${outcomeName(d.kind, d.outcome).toLowerCase()} will be held.${due} The business unit may ask you to take part, for example in a practitioner event.`;
    case 'dhr':
      return `A Domestic Homicide Review will be held, and the Home Office is told.${due}`;
    case 'reflective':
      return d.meeting
        ? `A multi-agency reflective review meeting is set for ${date(d.meeting.on)}, chaired by ${d.meeting.chair}. The agencies involved send their reports by ${date(d.meeting.reportsDue)}.`
        : 'A multi-agency reflective review meeting will be arranged; the agencies involved will be asked for a report before it.';
    case 'onHold':
      return `The decision is on hold ${d.holdUntil ? `until ${date(d.holdUntil)}` : 'until further notice'}, and the case goes back to the panel until it is decided. You will be told the decision.`;
    case 'otherProcess':
      return 'The case is referred to another process; the business unit will tell you which and what it means for you.';
  }
}

/** To the referrer, one to one: the decision, what happens next and, for no review, why. */
export function feedbackCard(record: AnonymousCase, d: DecisionRecord): AdaptiveCardJson {
  return documentCard({
    heading: `Panel decision on your referral ${record.reference}`,
    notice: `The case review panel considered ${record.descriptor} on ${date(d.closedAt.slice(0, 10) as LocalDate)}.`,
    facts: [
      { title: 'Reference', value: record.reference },
      { title: 'Decision', value: outcomeName(d.kind, d.outcome) },
      ...(d.supersedes ? [{ title: 'Replaces', value: "the panel's earlier decision" }] : []),
    ],
    groups: [
      { title: 'What happens next', facts: [], text: nextSteps(d) },
      ...(d.outcome === 'noReview' ? [{ title: 'Why', facts: [], text: d.rationale }] : []),
    ],
    actions: [],
  });
}
