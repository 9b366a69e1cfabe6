import { anonymise, type AnonymousCase, type CaseRecord } from '../review/case.js';
import type { LocalDate } from '../review/local-date.js';
import { progressOf, reviewProgress, type RapidReview, type ReturnState, type ReviewProgress } from '../review/rapid-review.js';
import { SOURCE_NAMES, type Referral } from '../review/referral.js';
import {
  ABUSE_NAMES,
  AGE_GROUP_NAMES,
  HARM_NAMES,
  PROCESS_NAMES,
  YES_NO_NOT_KNOWN_NAMES,
  anonymousFacts,
  date,
  shortDate,
  type Fact,
} from './labels.js';
import { renderCard, type AdaptiveCardJson } from './render.js';
import { typedForMarkdown, typedForTextRun } from './shown-as-typed.js';
import documentTemplate from './templates/document.json' with { type: 'json' };
import summaryTemplate from './templates/case-summary.json' with { type: 'json' };
import { VERBS } from './verbs.js';

const SAFETY_ADVICE = 'The referrer says someone may be at immediate risk. Check the details now and make sure the right agency is acting.';

interface CardAction {
  title: string;
  verb: string;
  reference: string;
}

/** What a card needs to say where a rapid review stands: today's date and the agencies' names. */
export interface ProgressContext {
  today: LocalDate;
  agencyNames: ReadonlyMap<string, string>;
}

function summaryCard(
  record: AnonymousCase,
  parts: {
    heading: string;
    intro?: string;
    nextSteps?: string;
    safetyAdvice?: string;
    actions?: CardAction[];
    progress?: ProgressContext;
  },
): AdaptiveCardJson {
  const progress = parts.progress && record.rapidReview ? progressView(record.rapidReview, parts.progress) : undefined;
  return renderCard(summaryTemplate, {
    heading: parts.heading,
    intro: parts.intro ?? '',
    facts: anonymousFacts(record, parts.progress?.today),
    progress: progress?.line ?? '',
    progressFacts: progress?.facts ?? [],
    nextSteps: parts.nextSteps ?? '',
    immediateSafety: record.immediateSafety,
    safetyAdvice: parts.safetyAdvice ?? SAFETY_ADVICE,
    actions: parts.actions ?? [],
  });
}

const STATE_WORDS: Record<ReturnState, (dueOn: LocalDate) => string> = {
  returned: () => '✓',
  nilReturn: () => '✓ (nil return)',
  overdue: () => 'overdue',
  due: (d) => `due ${shortDate(d)}`,
  notReached: () => 'not reached',
  noLead: () => 'no lead listed',
};

/**
 * "3 of 5 returns: Local Authority ✓, Police ✓, …, Education due Fri 12 Dec", and the
 * same agency by agency. Agencies and states only: nothing about the person.
 */
export function progressView(review: ReviewProgress, ctx: ProgressContext): { line: string; facts: Fact[] } {
  const progress = progressOf(review, ctx.today);
  const returned = progress.filter((p) => p.state === 'returned' || p.state === 'nilReturn').length;
  const name = (id: string) => ctx.agencyNames.get(id) ?? id;
  const parts = progress.map((p) => `${name(p.agencyId)} ${STATE_WORDS[p.state](p.dueOn)}`);
  const closed = review.closed ? ' Returns are closed and collated.' : '';
  return {
    line: `${returned} of ${progress.length} returns: ${parts.join(', ')}.${closed}`,
    facts: progress.map((p) => ({ title: name(p.agencyId), value: STATE_WORDS[p.state](p.dueOn) })),
  };
}

function nextSteps(record: AnonymousCase): string {
  const panel = record.clocks.panelDate
    ? `It is listed for the panel on ${date(record.clocks.panelDate)}.`
    : 'The business unit will tell you which panel will consider it.';
  return (
    'The business unit will check your referral and may ask each agency involved what it knew (a rapid review). ' +
    `${panel} The panel decides whether to hold a review, and you will be told the decision and the reasons. ` +
    `To see where it is, send "status ${record.reference}".`
  );
}

/** To the referrer, one to one, when their referral is stored. */
export function acknowledgementCard(record: AnonymousCase): AdaptiveCardJson {
  return summaryCard(record, {
    heading: `Referral received: ${record.reference}`,
    intro: `Thank you. Your referral is recorded as ${record.reference} and the person is referred to as ${record.descriptor} from now on.`,
    nextSteps: nextSteps(record),
    safetyAdvice:
      "You said someone may be at immediate risk. A referral is not an emergency service: if anyone is in danger now, call 999 and follow your agency's procedures.",
  });
}

/**
 * To the business unit's channel: the reference, descriptor, kind, stage, dates and the
 * rapid review's progress, nothing personal. Updated in place as the case moves; its
 * buttons are the next steps, and each checks who pressed it.
 */
export function channelCaseCard(record: AnonymousCase, progress: ProgressContext): AdaptiveCardJson {
  const reference = record.reference;
  const review = record.rapidReview;
  const actions: CardAction[] = [{ title: 'View details', verb: VERBS.viewCaseDetails, reference }];
  // A closed case has nothing left to do but be read.
  if (record.stage === 'closed') return summaryCard(record, { heading: `${reference}: ${record.descriptor} (closed)`, actions, progress });
  if (!review) actions.push({ title: 'Start rapid review', verb: VERBS.startRapidReview, reference });
  else if (!review.closed) {
    if (review.requests.some((request) => request.undelivered))
      actions.push({ title: 'Resend undelivered requests', verb: VERBS.resendRequests, reference });
    actions.push({ title: 'Close returns', verb: VERBS.closeReturns, reference });
  } else {
    actions.push({ title: 'View collation', verb: VERBS.viewCollation, reference });
    // Collated because all returned: amendments run until the business unit closes returns.
    if (review.closed.reason === 'allReturned') actions.push({ title: 'Close returns', verb: VERBS.closeReturns, reference });
  }
  if (!record.listed && (!review || !review.closed)) actions.push({ title: 'List for panel', verb: VERBS.listForPanel, reference });
  actions.push(
    record.onHold
      ? { title: 'Take off hold', verb: VERBS.releaseHold, reference }
      : { title: 'Put on hold', verb: VERBS.holdCase, reference },
  );
  // A statutory duty not yet done comes first: it cannot wait.
  if (record.duties.some((d) => !d.doneOn)) actions.splice(1, 0, { title: 'Record statutory duty', verb: VERBS.chooseDuty, reference });
  return summaryCard(record, {
    heading: review ? `${reference}: ${record.descriptor}` : `New referral ${reference}`,
    actions,
    progress,
  });
}

/** To the referrer asking `status`: where their case is, without the details. */
export function caseStatusCard(record: AnonymousCase): AdaptiveCardJson {
  return summaryCard(record, {
    heading: `${record.reference}: ${record.descriptor}`,
    intro: 'The case you referred. Details are kept to the business unit.',
    nextSteps: nextSteps(record),
  });
}

const opt = (title: string, value: string | undefined): Fact[] => (value ? [{ title, value }] : []);

function detailGroups(r: Referral): DocumentGroup[] {
  const s = r.specific;
  return [
    {
      title: 'Referrer',
      text: '',
      facts: [
        { title: 'Name', value: r.referrer.name },
        { title: 'Agency', value: r.referrer.agencyName },
        { title: 'Email', value: r.referrer.email },
        ...opt('Phone', r.referrer.phone),
        { title: 'Manager or DSL consulted', value: r.referrer.managerConsulted ? 'Yes' : 'No' },
        ...opt('Came from', r.source && r.source.from !== 'practitioner' ? SOURCE_NAMES[r.source.from] : undefined),
        ...opt('Which', r.source?.detail),
        ...opt('Entered by', r.source?.enteredByBusinessUnit ? 'The business unit, on their behalf' : undefined),
      ],
    },
    {
      title: 'The child or adult',
      text: '',
      facts: [
        { title: 'Name', value: r.subject.name },
        ...opt('Date of birth', r.subject.dateOfBirth && date(r.subject.dateOfBirth)),
        { title: 'Age group', value: AGE_GROUP_NAMES[r.subject.ageGroup] },
        ...opt('Address', r.subject.address),
      ],
    },
    ...(s.perpetrator
      ? [
          {
            title: 'The suspected perpetrator',
            text: '',
            facts: [
              { title: 'Name', value: s.perpetrator.name },
              ...opt('Date of birth', s.perpetrator.dateOfBirth && date(s.perpetrator.dateOfBirth)),
              ...opt('Address', s.perpetrator.address),
            ],
          },
        ]
      : []),
    {
      title: 'What happened',
      text: r.incident.immediateSafetyDetails ? `Immediate risk: ${r.incident.immediateSafetyDetails}` : '',
      facts: [
        { title: 'Incident', value: date(r.incident.date) },
        { title: 'Agency aware', value: date(r.incident.awareDate) },
        { title: 'Outcome', value: HARM_NAMES[r.incident.harm] },
        { title: 'Abuse or neglect', value: ABUSE_NAMES[r.incident.abuseOrNeglect] },
        { title: 'Concern about agencies working together', value: r.incident.agencyConcern ? 'Yes' : 'No' },
        { title: 'Immediate risk', value: r.incident.immediateSafety ? 'Yes' : 'No' },
        ...opt('National Panel notified', s.nationalPanelNotified && YES_NO_NOT_KNOWN_NAMES[s.nationalPanelNotified]),
        ...opt('Care and support needs', s.careAndSupportNeeds && YES_NO_NOT_KNOWN_NAMES[s.careAndSupportNeeds]),
        ...opt('Relationship to suspected perpetrator', s.relationshipToPerpetrator),
        ...opt('Aged 16 or over', s.victimAged16Plus === undefined ? undefined : s.victimAged16Plus ? 'Yes' : 'No'),
        ...opt('Parallel processes', r.parallelProcesses.length ? r.parallelProcesses.map((p) => PROCESS_NAMES[p]).join(', ') : undefined),
      ],
    },
    { title: "Summary of the agency's involvement", facts: [], text: r.summary },
    { title: 'Reasons for the request', facts: [], text: r.reasons },
    ...(s.reflectiveLearning ? [{ title: 'Learning for agencies', facts: [], text: s.reflectiveLearning }] : []),
    ...r.family.map((m, i) => ({
      title: `Family member ${i + 1}`,
      text: '',
      facts: [
        { title: 'Name', value: m.name },
        { title: 'Relationship', value: m.relationship },
        ...opt('Date of birth', m.dateOfBirth && date(m.dateOfBirth)),
        ...opt('Address', m.address),
      ],
    })),
    ...r.professionals.map((p, i) => ({
      title: `Professional ${i + 1}`,
      text: '',
      facts: [
        { title: 'Name or role', value: p.name },
        { title: 'Agency', value: p.agency },
        ...opt('Dates', p.dates),
        ...opt('Involvement', p.involvement),
      ],
    })),
  ];
}

/**
 * What people typed is shown in TextRuns, which Teams renders as plain text: a
 * "[link](…)" or "**bold**" in a summary stays as typed instead of becoming markup.
 *
 * The whole referral, for a business-unit member only: sent one to one, or as the
 * answer to their own Action.Execute (which Teams shows to them alone).
 */
export function caseDetailsCard(
  record: CaseRecord,
  options: {
    inChannel: boolean;
    rapidReview?: { progress: ProgressContext; nameOf: (aadObjectId: string) => string };
    /** The fast-track subgroup's name, when the case may be sent to it now. */
    fastTrack?: string;
  },
): AdaptiveCardJson {
  const reference = record.reference;
  const review = record.rapidReview;
  const reviewGroup: DocumentGroup[] =
    review && options.rapidReview ? [rapidReviewGroup(review, options.rapidReview.progress, options.rapidReview.nameOf)] : [];
  // Closing is rare and final: it is offered here, behind View details, not on the channel card.
  const close: DocumentAction[] = [
    ...(record.plan && !record.closedAt ? [{ title: 'Review plan', verb: VERBS.showPlan, data: { reference } }] : []),
    ...(options.fastTrack ? [{ title: `Fast track to the ${options.fastTrack}`, verb: VERBS.fastTrack, data: { reference } }] : []),
    ...(record.closedAt ? [] : [{ title: 'Close case', verb: VERBS.closeCase, data: { reference } }]),
  ];
  const actions: DocumentAction[] = options.inChannel
    ? [{ title: 'Hide details', verb: VERBS.hideCaseDetails, data: { reference } }, ...close]
    : record.rapidReview
      ? close
      : [{ title: 'Start rapid review', verb: VERBS.startRapidReview, data: { reference } }, ...close];
  return documentCard({
    heading: `${reference}: ${record.descriptor}`,
    notice: 'Confidential: shown to you only, because you are in the business unit. This view is recorded.',
    immediateSafety: record.referral.incident.immediateSafety,
    facts: anonymousFacts(anonymise(record)),
    groups: [...reviewGroup, ...detailGroups(record.referral)],
    actions,
  });
}

const DELIVERY_WORDS = { sent: 'request delivered', unreachable: 'not reached' } as const;

/** For the business unit: each agency's state, and whom its request went to and whether it arrived. */
function rapidReviewGroup(review: RapidReview, ctx: ProgressContext, nameOf: (aadObjectId: string) => string): DocumentGroup {
  const view = progressView(reviewProgress(review), ctx);
  return {
    title: 'Rapid review',
    text: '',
    facts: [
      { title: 'Returns due', value: date(review.dueOn) },
      ...review.requests.map((r, i) => ({
        title: ctx.agencyNames.get(r.agencyId) ?? r.agencyId,
        value: [
          view.facts[i]?.value ?? '',
          ...r.addressees.map((a) => {
            const delivery = r.deliveries[a.aadObjectId.toLowerCase()];
            const role = a.as === 'delegate' ? ', handed to' : '';
            return `${nameOf(a.aadObjectId)}${role}: ${delivery ? DELIVERY_WORDS[delivery.status] : 'sending'}`;
          }),
          ...(r.addressees.length === 0 ? ['no lead listed'] : []),
        ].join(' · '),
      })),
    ],
  };
}

export interface DocumentAction {
  title: string;
  verb: string;
  data: Record<string, string>;
}

export interface DocumentGroup {
  title: string;
  facts: Fact[];
  /** Free text someone typed: shown as plain text, never as markup. */
  text: string;
}

/** A confidential document for one reader: headline facts, then groups of facts and text. */
export function documentCard(doc: {
  heading: string;
  notice: string;
  immediateSafety?: boolean;
  facts: Fact[];
  groups: DocumentGroup[];
  actions: DocumentAction[];
}): AdaptiveCardJson {
  // The headline, the notice, the facts on top and the groups' titles are TextBlocks and a FactSet
  // (markdown); a group's facts and text are TextRuns.
  return renderCard(documentTemplate, {
    immediateSafety: false,
    ...doc,
    heading: typedForMarkdown(doc.heading),
    notice: typedForMarkdown(doc.notice),
    facts: doc.facts.map((f) => ({ title: typedForMarkdown(f.title), value: typedForMarkdown(f.value) })),
    groups: doc.groups.map((g) => ({
      title: typedForMarkdown(g.title),
      facts: g.facts.map((f) => ({ title: typedForTextRun(f.title), value: typedForTextRun(f.value) })),
      text: typedForTextRun(g.text),
    })),
  });
}
