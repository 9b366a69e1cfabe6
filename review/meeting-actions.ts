/**
 * The business unit arranges a review's meetings and records their outcomes (see
 * meetings.ts). Checked against the caller's identity, validated, recorded once,
 * audited; the invitations are owed in the same write.
 */
import type { CaseRecord } from './case.js';
import { readCardForm } from './card-form.js';
import { todayFor, type Caller, type ReviewDeps } from './deps.js';
import { owe } from './effects.js';
import { parseLocalDate } from './local-date.js';
import { MEETING_KINDS, withMeeting, withOutcome, type MeetingKind } from './meetings.js';
import type { Origin } from './owed.js';
import { businessUnitReview } from './review-access.js';
import { updateCase } from './update-case.js';

export const MEETING_FIELDS = ['meetingKind', 'meetingOn', 'meetingTime', 'meetingPlace', 'invitees', 'asked'] as const;
export type MeetingForm = Record<(typeof MEETING_FIELDS)[number], string>;
export const OUTCOME_FIELDS = ['meeting', 'outcome'] as const;
export type OutcomeForm = Record<(typeof OUTCOME_FIELDS)[number], string>;
export type MeetingErrors = Partial<Record<keyof MeetingForm | keyof OutcomeForm, string>>;

export const MEETING_LIMITS = { meetingPlace: 300, asked: 1000, outcome: 3000, invitees: 2000 } as const;
/** At most this many invitees, so the invitation and the card stay small. */
export const MAX_INVITEES = 30;

export type MeetingResult =
  | { status: 'refused' | 'notFound' }
  | { status: 'noReview'; record: CaseRecord }
  | { status: 'invalid'; record: CaseRecord; form: Partial<MeetingForm & OutcomeForm>; errors: MeetingErrors }
  | { status: 'arranged' | 'recorded' | 'unchanged'; record: CaseRecord };

/** Arranges a meeting: its date (today or later, a working day), time, place or link, invitees from the partnership file, and what is asked. */
export async function arrangeMeeting(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; submissionId: string; data: Record<string, unknown>; origin: Origin },
): Promise<MeetingResult> {
  const standing = await businessUnitReview(deps, input.caller, input.reference, 'meeting.refused');
  if (standing.status !== 'ok') return standing;
  const current = standing.read.value;
  const { form, errors } = readCardForm(MEETING_FIELDS, input.data);
  const kind = MEETING_KINDS.find((k) => k === form.meetingKind);
  if (!kind) errors.meetingKind ??= 'Choose the kind of meeting';
  const on = parseLocalDate(form.meetingOn);
  if (!on) errors.meetingOn ??= form.meetingOn === '' ? 'Give the date of the meeting' : 'Enter a real date';
  else if (on < todayFor(deps)) errors.meetingOn ??= 'Choose today or a later date';
  else if (!deps.calendar.isWorkingDay(on)) errors.meetingOn ??= 'That is not a working day; choose a working day';
  if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(form.meetingTime)) errors.meetingTime ??= 'Give the time as HH:MM, for example 10:00';
  if (form.meetingPlace === '') errors.meetingPlace ??= 'Say where it is: a room, or the Teams meeting link';
  const invitees = form.invitees === '' ? [] : form.invitees.split(',').map((i) => i.trim().toLowerCase());
  const listed = invitees.map((i) => deps.directory.find(i)?.aadObjectId);
  if (invitees.length === 0) errors.invitees ??= 'Choose who is invited';
  else if (listed.some((i) => !i)) errors.invitees ??= 'Choose people from the partnership';
  else if (invitees.length > MAX_INVITEES) errors.invitees ??= `Invite at most ${MAX_INVITEES} people`;
  for (const [f, max] of Object.entries(MEETING_LIMITS) as [keyof MeetingForm, number][]) {
    if ((form[f] ?? '').length > max) errors[f] ??= `Keep this to ${max} characters or fewer`;
  }
  if (Object.keys(errors).length > 0 || !kind || !on) return { status: 'invalid', record: current, form, errors };

  const at = deps.now().toISOString();
  const actor = input.caller.aadObjectId;
  const meeting = {
    id: input.submissionId,
    kind: kind satisfies MeetingKind,
    on,
    time: form.meetingTime,
    place: form.meetingPlace,
    invitees: [...new Set(listed as string[])],
    asked: form.asked,
    by: actor,
    at,
  };
  let arranged = false;
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const next = withMeeting(r, meeting, input.origin);
      arranged = next.record !== r;
      if (!arranged) return r;
      return {
        record: owe(next.record, ...next.owed),
        audit: [
          {
            caseId: r.reference,
            at,
            actor,
            action: 'meeting.arranged',
            detail: `kind=${kind} on=${on} invitees=${meeting.invitees.length}`,
          },
        ],
      };
    },
    { known: standing.read },
  );
  return { status: arranged ? 'arranged' : 'unchanged', record };
}

/** Records a meeting's minutes or outcome: once; the plan's step of its kind is done. */
export async function recordMeetingOutcome(
  deps: ReviewDeps,
  input: { caller: Caller; reference: string; data: Record<string, unknown> },
): Promise<MeetingResult> {
  const standing = await businessUnitReview(deps, input.caller, input.reference, 'meeting.refused');
  if (standing.status !== 'ok') return standing;
  const current = standing.read.value;
  const { form, errors } = readCardForm(OUTCOME_FIELDS, input.data);
  const meeting = current.meetings?.find((m) => m.id === form.meeting);
  if (!meeting) errors.meeting ??= 'Choose the meeting';
  else if (meeting.outcome) return { status: 'unchanged', record: current };
  else if (meeting.on > todayFor(deps)) errors.meeting ??= 'That meeting has not happened yet';
  if (form.outcome === '') errors.outcome ??= 'Give the minutes or the outcome';
  else if (form.outcome.length > MEETING_LIMITS.outcome) errors.outcome ??= `Keep this to ${MEETING_LIMITS.outcome} characters or fewer`;
  if (Object.keys(errors).length > 0 || !meeting) return { status: 'invalid', record: current, form, errors };

  const at = deps.now().toISOString();
  const actor = input.caller.aadObjectId;
  let recorded = false;
  const record = await updateCase(
    deps.store,
    input.reference,
    (r) => {
      const next = withOutcome(r, meeting.id, { text: form.outcome, by: actor, at, on: todayFor(deps) });
      recorded = next !== r;
      if (!recorded) return r;
      return {
        record: next,
        audit: [{ caseId: r.reference, at, actor, action: 'meeting.outcomeRecorded', detail: `kind=${meeting.kind}` }],
      };
    },
    { known: standing.read },
  );
  return { status: recorded ? 'recorded' : 'unchanged', record };
}
