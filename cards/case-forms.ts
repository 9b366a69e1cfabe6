/**
 * The business unit's forms on a case, one to one or in a view only they see: a hold, a
 * close, a statutory duty done, a safety concern acknowledged. Pure functions of a view.
 */
import type { AnonymousCase } from '../review/case.js';
import { DUTY_REFERENCE_MAX, type DutyErrors, type DutyForm } from '../review/duty-actions.js';
import { DUTIES } from '../review/duties.js';
import { HOLD_REASON_MAX, type HoldErrors, type HoldForm } from '../review/hold-actions.js';
import type { LocalDate } from '../review/local-date.js';
import { SAFETY_ACTION_MAX, type AcknowledgeForm } from '../review/safety-actions.js';
import { formCard, problemsBanner } from './form.js';
import { anonymousFacts, date } from './labels.js';
import type { AdaptiveCardJson } from './render.js';
import { VERBS } from './verbs.js';

/** The business unit's reason for a hold and the date it ends, if any. */
export function holdCard(view: {
  record: AnonymousCase;
  form: HoldForm;
  errors?: HoldErrors;
  /** The first date a hold can end. */
  earliest: LocalDate;
}): AdaptiveCardJson {
  const reference = view.record.reference;
  const errors = view.errors ?? {};
  const banner = problemsBanner(errors, 'The case is not on hold yet');
  return formCard<keyof HoldForm>({
    heading: `Put ${reference} on hold`,
    subtitle: 'Its clocks and reminders stop until it is taken off hold, then resume with the time that was left.',
    facts: anonymousFacts(view.record),
    sections: [
      {
        key: 'hold',
        title: 'The hold',
        fields: [
          { id: 'reason', label: 'Why (seen by the business unit only)', type: 'multiline', required: true },
          { id: 'until', label: 'Until (leave empty for until further notice)', type: 'date' },
        ],
      },
    ],
    values: view.form,
    errors,
    limits: { reason: HOLD_REASON_MAX },
    dates: { min: view.earliest },
    ...(banner && { banner }),
    actions: [
      { title: 'Put on hold', verb: VERBS.confirmHold, style: 'positive', data: { reference } },
      { title: 'Cancel', verb: VERBS.hideCaseDetails, data: { reference }, inputs: 'none' },
    ],
  });
}

/** The business unit confirms a case's close: what closing means, before it is done. */
export function closeCaseCard(view: { record: AnonymousCase; retentionYears: number }): AdaptiveCardJson {
  const reference = view.record.reference;
  return formCard<never>({
    heading: `Close ${reference}?`,
    subtitle:
      `Closing ends the case: nothing more is chased, its cards show it closed, and everything about it is deleted ` +
      `${view.retentionYears} years from today, as the partnership's retention policy says. It cannot be reopened.`,
    facts: anonymousFacts(view.record),
    sections: [],
    values: {},
    limits: {},
    actions: [
      { title: 'Close case', verb: VERBS.confirmClose, data: { reference } },
      { title: 'Cancel', verb: VERBS.hideCaseDetails, data: { reference }, inputs: 'none' },
    ],
  });
}

/** The business unit records a statutory duty as done: which, and the notification's reference if it has one. */
export function dutyCard(view: { record: AnonymousCase; form: DutyForm; errors?: DutyErrors }): AdaptiveCardJson {
  const reference = view.record.reference;
  const errors = view.errors ?? {};
  const banner = problemsBanner(errors, 'Nothing is recorded yet');
  const open = view.record.duties.filter((d) => !d.doneOn);
  return formCard<keyof DutyForm>({
    heading: `Record a statutory duty for ${reference}`,
    subtitle: "Recorded with your name and today's date; its reminders stop. It cannot be undone.",
    facts: anonymousFacts(view.record),
    sections: [
      {
        key: 'duty',
        title: 'The duty',
        fields: [
          {
            id: 'duty',
            label: 'Which duty is done',
            type: 'choice',
            required: true,
            choices: open.map((d) => ({ title: DUTIES[d.kind].name, value: d.kind })),
            choiceStyle: 'expanded',
          },
          { id: 'notification', label: "The notification's reference, if it has one", type: 'text' },
        ],
      },
    ],
    values: view.form,
    errors,
    limits: { notification: DUTY_REFERENCE_MAX },
    ...(banner && { banner }),
    actions: [
      { title: 'Record as done', verb: VERBS.recordDuty, style: 'positive', data: { reference } },
      { title: 'Cancel', verb: VERBS.hideCaseDetails, data: { reference }, inputs: 'none' },
    ],
  });
}

/**
 * A safety concern's details, one to one to a member of the business unit: who reported
 * it and what they said, and the acknowledgement (what was done) once given.
 */
export function safetyCard(view: {
  record: AnonymousCase;
  concern: string;
  reportedBy: string;
  details: string;
  acknowledged?: { on: LocalDate; action: string };
  form?: AcknowledgeForm;
  errors?: Partial<Record<keyof AcknowledgeForm, string>>;
}): AdaptiveCardJson {
  const reference = view.record.reference;
  const errors = view.errors ?? {};
  const banner = problemsBanner(errors, 'It is not acknowledged yet');
  const facts = [
    ...anonymousFacts(view.record),
    { title: 'Reported by', value: view.reportedBy },
    { title: 'What they said', value: view.details },
  ];
  if (view.acknowledged) {
    facts.push({ title: 'Acknowledged', value: date(view.acknowledged.on) }, { title: 'What was done', value: view.acknowledged.action });
  }
  return formCard<keyof AcknowledgeForm>({
    heading: `Safety concern: ${reference}`,
    subtitle: 'Confidential: for the business unit only. Someone may need action now to keep them safe.',
    facts,
    sections: view.acknowledged
      ? []
      : [
          {
            key: 'acknowledge',
            title: 'Acknowledge',
            fields: [{ id: 'action', label: 'What was done, or who is dealing with it', type: 'multiline', required: true }],
          },
        ],
    values: view.form ?? {},
    errors,
    limits: { action: SAFETY_ACTION_MAX },
    ...(banner && { banner }),
    actions: view.acknowledged
      ? []
      : [{ title: 'Acknowledge', verb: VERBS.acknowledgeSafety, style: 'positive', data: { reference, concern: view.concern } }],
  });
}
