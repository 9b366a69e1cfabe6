import { CRITERION_SHORT } from '../review/criteria.js';
import { REFLECTIVE_FIELDS, type StoredReturn } from '../review/agency-return.js';
import type { AnonymousCase, CaseRecord } from '../review/case.js';
import type { LocalDate } from '../review/local-date.js';
import type { StartErrors, StartForm } from '../review/rapid-review-actions.js';
import { documentCard, type DocumentAction, type DocumentGroup } from './case-cards.js';
import { formCard, problemsBanner, type SectionSpec } from './form.js';
import { CRITERIA_NAMES, REFLECTIVE_QUESTIONS } from './return-cards.js';
import { anonymousFacts, date, PROCESS_NAMES, type Fact } from './labels.js';
import type { Referral } from '../review/referral.js';
import type { AdaptiveCardJson } from './render.js';
import { VERBS } from './verbs.js';

/** The business unit's choice of agencies and due date, before any request goes out. */
export function rapidReviewStartCard(view: {
  record: AnonymousCase;
  agencies: readonly { id: string; name: string; core: boolean }[];
  form: StartForm;
  errors?: StartErrors;
  /** The first date returns can be due. */
  earliest: LocalDate;
}): AdaptiveCardJson {
  const reference = view.record.reference;
  const errors = view.errors ?? {};
  const sections: SectionSpec<keyof StartForm>[] = [
    {
      key: 'agencies',
      title: 'Agencies to ask',
      intro: "The core agencies are chosen already. Each agency's safeguarding leads get the request one to one.",
      fields: [
        {
          id: 'agencies',
          label: 'Agencies',
          type: 'multichoice',
          choices: view.agencies.map((a) => ({ title: a.core ? `${a.name} (core)` : a.name, value: a.id })),
        },
      ],
    },
    {
      key: 'due',
      title: 'When returns are due',
      intro: "Panel proposes a date from the case's clocks; you may move it.",
      fields: [{ id: 'dueOn', label: 'Returns due', type: 'date', required: true }],
    },
  ];
  const banner = problemsBanner(errors, 'No request has been sent yet');
  return formCard({
    heading: `Start the rapid review: ${reference}`,
    subtitle: `${view.record.descriptor}. Only the reference and descriptor appear in the channel.`,
    facts: anonymousFacts(view.record),
    sections,
    values: view.form,
    errors,
    limits: {},
    dates: { min: view.earliest },
    ...(banner && { banner }),
    actions: [
      { title: 'Send requests', verb: VERBS.confirmRapidReview, style: 'positive', data: { reference } },
      { title: 'Cancel', verb: VERBS.hideCaseDetails, data: { reference }, inputs: 'none' },
    ],
  });
}

/** Where a request stands for the person looking at it. */
export type RequestStatus =
  | { kind: 'open'; draftSaved?: boolean }
  | { kind: 'returned'; involved: boolean; at: string; canAmend: boolean }
  | { kind: 'handedOver'; toName: string }
  | { kind: 'closed' };

const ASKED =
  'Whether your agency was involved (a nil return is an answer); the dates of involvement; a brief overview; ' +
  'significant events; good practice; concerns; any immediate action needed to keep anyone safe; learning ' +
  'already identified and internal reviews already done; and your view on whether the criteria for a review are met.';

/**
 * To an agency's lead, one to one: what is asked, by when, and what they need to
 * search their records. The person's name, date of birth and address go to this
 * reader only.
 */
/** A DHR's suspected perpetrator, for the leads to search their records for (Darlington: contact with "the victim, perpetrator and family"). */
function perpetratorFacts(p: CaseRecord['referral']['specific']['perpetrator']): Fact[] {
  if (!p) return [];
  return [
    { title: 'Suspected perpetrator', value: p.name },
    ...(p.dateOfBirth ? [{ title: "Perpetrator's date of birth", value: date(p.dateOfBirth) }] : []),
    ...(p.address ? [{ title: "Perpetrator's address", value: p.address }] : []),
  ];
}

export function requestCard(view: {
  record: CaseRecord;
  agencyId: string;
  agencyName: string;
  dueOn: LocalDate;
  status: RequestStatus;
  /** For the one-press nil return: the same across presses of this card. */
  submissionId: string;
  /** A lead may hand the request to a colleague; the colleague may not hand it on. */
  canHandOn: boolean;
}): AdaptiveCardJson {
  const { record, agencyId } = view;
  const reference = record.reference;
  const s = record.referral.subject;
  const search: Fact[] = [
    { title: 'Name', value: s.name },
    ...(s.dateOfBirth ? [{ title: 'Date of birth', value: date(s.dateOfBirth) }] : []),
    ...(s.address ? [{ title: 'Address', value: s.address }] : []),
    ...record.referral.family.map((m) => ({ title: `Family: ${m.relationship}`, value: m.name })),
    ...perpetratorFacts(record.referral.specific.perpetrator),
  ];
  const statusText: Record<RequestStatus['kind'], string> = {
    open: view.status.kind === 'open' && view.status.draftSaved ? 'Your draft is saved. Answer when you are ready.' : '',
    returned:
      view.status.kind === 'returned'
        ? `${view.agencyName}'s ${view.status.involved ? 'return' : 'nil return'} was received. ${view.status.canAmend ? `You can amend it until ${date(view.dueOn)}.` : 'It can no longer be amended.'}`
        : '',
    handedOver: view.status.kind === 'handedOver' ? `Handed to ${view.status.toName}, who has been sent this request.` : '',
    closed: 'The business unit has closed returns for this case.',
  };
  const data = { reference, agencyId };
  const actions: DocumentAction[] = [];
  const open = view.status.kind === 'open' || view.status.kind === 'handedOver';
  if (open) {
    actions.push({ title: 'Answer', verb: VERBS.openReturn, data });
    actions.push({ title: 'No involvement (nil return)', verb: VERBS.nilReturn, data: { ...data, submissionId: view.submissionId } });
  }
  if (view.status.kind === 'returned' && view.status.canAmend) actions.push({ title: 'Amend the return', verb: VERBS.openReturn, data });
  if (view.status.kind !== 'closed' && view.canHandOn) actions.push({ title: 'Hand to a colleague', verb: VERBS.chooseDelegate, data });
  const groups: DocumentGroup[] = [
    { title: 'To search your records', facts: search, text: '' },
    { title: 'What the panel needs from you', facts: [], text: ASKED },
  ];
  return documentCard({
    heading: `Rapid review request: ${reference}`,
    notice:
      statusText[view.status.kind] ||
      `The business unit asks what ${view.agencyName} knew. Please answer by ${date(view.dueOn)}. Confidential: for you only.`,
    immediateSafety: record.referral.incident.immediateSafety,
    facts: [
      { title: 'Reference', value: reference },
      { title: 'Person', value: record.descriptor },
      { title: 'Your agency', value: view.agencyName },
      { title: 'Returns due', value: date(view.dueOn) },
    ],
    groups,
    actions,
  });
}

/** A lead chooses the colleague of the same agency to hand the request to. */
export function delegateCard(view: {
  reference: string;
  agencyId: string;
  agencyName: string;
  colleagues: readonly { name: string; aadObjectId: string }[];
  error?: string;
}): AdaptiveCardJson {
  const data = { reference: view.reference, agencyId: view.agencyId };
  const none = view.colleagues.length === 0;
  return formCard<'colleague'>({
    heading: `Hand the request to a colleague: ${view.reference}`,
    subtitle: none
      ? `Nobody else from ${view.agencyName} is listed in the partnership file. Ask the administrator to add them.`
      : `They will be sent the request and can answer it for ${view.agencyName}. This is recorded.`,
    sections: none
      ? []
      : [
          {
            key: 'colleague',
            title: 'Colleague',
            fields: [
              {
                id: 'colleague',
                label: 'Hand it to',
                type: 'choice',
                choiceStyle: 'expanded',
                choices: view.colleagues.map((c) => ({ title: c.name, value: c.aadObjectId })),
              },
            ],
          },
        ],
    values: {},
    errors: view.error ? { colleague: view.error } : {},
    limits: {},
    actions: [
      ...(none ? [] : [{ title: 'Hand it over', verb: VERBS.delegateRequest, style: 'positive' as const, data }]),
      { title: 'Back', verb: VERBS.showRequest, data, inputs: 'none' },
    ],
  });
}

/**
 * The collated returns, for the business unit and the panel, in a view only the reader
 * sees. Teams refuses a card over about 28 KB, and returns are long, so the collation is
 * a summary, agency by agency, with each agency's return read on its own.
 */
export function collationCard(view: {
  record: AnonymousCase;
  agencies: readonly { id: string; name: string }[];
  returns: ReadonlyMap<string, StoredReturn>;
  nameOf: (aadObjectId: string) => string;
  inChannel: boolean;
  /** Opened from the panel's decision card: "Hide" goes back to it. */
  fromPanel?: boolean;
  /** One agency's return in full, or `referral` for the referral's own account; the summary when absent. */
  agencyId?: string;
  /**
   * What the panel may read of the referral: its reasons, its summary, parallel processes
   * and the professionals involved. Never the person's name, date of birth or address, nor
   * the family's: those stay with the business unit and the leads.
   */
  referral?: Pick<Referral, 'reasons' | 'summary' | 'parallelProcesses' | 'professionals'>;
}): AdaptiveCardJson {
  const reference = view.record.reference;
  const summaryFacts = (r: StoredReturn): Fact[] => [
    { title: 'Return', value: r.involved ? 'Involved' : 'Nil return: not involved' },
    ...(r.involvedFrom ? [{ title: 'Involved', value: `${date(r.involvedFrom)} to ${r.involvedTo ? date(r.involvedTo) : 'now'}` }] : []),
    ...(r.criteriaView ? [{ title: 'View on the criteria', value: CRITERIA_NAMES[r.criteriaView] }] : []),
    ...(r.criteria?.length ? [{ title: 'Criteria it supports', value: r.criteria.map((c) => CRITERION_SHORT[c]).join('; ') }] : []),
    { title: 'Returned by', value: `${view.nameOf(r.by)}, ${r.at.slice(0, 10)}` },
  ];
  const fullText = (r: StoredReturn) =>
    (
      [
        ['Overview', r.overview],
        ['Significant events', r.significantEvents],
        ['Good practice', r.goodPractice],
        ['Concerns', r.concerns],
        ['Immediate action needed', r.immediateAction],
        ['Learning and internal reviews', r.learning],
        ['Why', r.criteriaReason],
        ...REFLECTIVE_FIELDS.map((f) => [REFLECTIVE_QUESTIONS[f], r.reflective?.[f]] as const),
        ...r.providers.map((p) => [`Health provider: ${p.name}`, p.summary] as const),
      ] as const
    )
      .filter(([, value]) => value)
      .map(([title, value]) => `${title}: ${value}`)
      .join('\n\n');
  const from: Record<string, string> = view.fromPanel ? { from: 'panel' } : {};
  const hide: DocumentAction[] = view.inChannel
    ? [{ title: 'Hide', verb: view.fromPanel ? VERBS.showDecision : VERBS.hideCaseDetails, data: { reference } }]
    : [];
  const back: DocumentAction = { title: 'Back to the collation', verb: VERBS.viewCollation, data: { reference, ...from } };
  if (view.agencyId === 'referral' && view.referral) {
    const r = view.referral;
    const processes = r.parallelProcesses.map((p) => PROCESS_NAMES[p]).join(', ');
    return documentCard({
      heading: `The referral: ${reference}`,
      notice: 'Confidential: shown to you only. This view is recorded. The person and their family are not named here.',
      facts: anonymousFacts(view.record),
      groups: [
        { title: 'Why a review is asked for', facts: [], text: r.reasons },
        { title: "The referring agency's summary", facts: [], text: r.summary },
        { title: 'Parallel processes', facts: [{ title: 'Under way', value: processes || 'None' }], text: '' },
        {
          title: 'Professionals involved',
          facts: r.professionals.map((p) => ({ title: p.name, value: [p.agency, p.dates, p.involvement].filter(Boolean).join(', ') })),
          text: r.professionals.length ? '' : 'None named',
        },
      ],
      // Listed by hand, before any return is collated: there is no collation to go back to.
      actions: [...(view.record.rapidReview?.closed ? [back] : []), ...hide],
    });
  }
  const one = view.agencies.find((a) => a.id === view.agencyId);
  const chosen = one && view.returns.get(one.id);
  if (one && chosen) {
    return documentCard({
      heading: `${one.name}'s return: ${reference}`,
      notice: 'Confidential: shown to you only. This view is recorded.',
      facts: anonymousFacts(view.record),
      groups: [{ title: one.name, facts: summaryFacts(chosen), text: fullText(chosen) }],
      actions: [back, ...hide],
    });
  }
  return documentCard({
    heading: `Collated returns: ${reference}`,
    notice: 'Confidential: shown to you only. This view is recorded. Read each return in full below.',
    facts: anonymousFacts(view.record),
    groups: view.agencies.map((agency) => {
      const r = view.returns.get(agency.id);
      return { title: agency.name, facts: r ? summaryFacts(r) : [{ title: 'Return', value: 'None received' }], text: '' };
    }),
    actions: [
      ...(view.referral
        ? [{ title: 'Read the referral', verb: VERBS.viewCollation, data: { reference, agencyId: 'referral', ...from } }]
        : []),
      ...view.agencies
        .filter((a) => view.returns.has(a.id))
        .map((a) => ({ title: `Read ${a.name}`, verb: VERBS.viewCollation, data: { reference, agencyId: a.id, ...from } })),
      ...hide,
    ],
  });
}
