/**
 * A review's meetings (issue 17): the review meetings and the practitioner event, each
 * with a date, time, place or Teams link, and invitees. Each invitee is told one to one
 * who else is invited and what is asked of them (Norfolk: "you will be told who has been
 * invited prior to attending"). Its outcome, once recorded, marks the plan's step done.
 * Pure functions of a case record.
 */
import type { CaseRecord } from './case.js';
import { CASE_CARD, refreshCard, type Owed } from './effects.js';
import type { LocalDate } from './local-date.js';
import type { Origin } from './owed.js';
import { withStepDone } from './plan.js';

export const MEETING_KINDS = ['firstMeeting', 'secondMeeting', 'practitionerEvent'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export const MEETING_NAMES: Record<MeetingKind, string> = {
  firstMeeting: 'First review meeting',
  secondMeeting: 'Second review meeting',
  practitionerEvent: 'Practitioner event',
};

export interface Meeting {
  /** The submission that arranged it: arranging it twice is one meeting. */
  id: string;
  kind: MeetingKind;
  on: LocalDate;
  /** HH:MM, the partnership's time. */
  time: string;
  /** Where: a room, or a Teams meeting's link. */
  place: string;
  /** By Entra object id. */
  invitees: string[];
  /** What is asked of the invitees. */
  asked: string;
  by: string;
  at: string;
  /** The minutes or the outcome, once recorded. */
  outcome?: { text: string; by: string; at: string };
}

export const meetingInviteKey = (meeting: string, aadObjectId: string) => `meeting-invite:${meeting}:${aadObjectId.toLowerCase()}`;

/** A meeting arranged: each invitee owed their invitation, one to one. The same meeting again changes nothing. */
export function withMeeting(record: CaseRecord, meeting: Meeting, origin: Origin): { record: CaseRecord; owed: Owed[] } {
  if (record.meetings?.some((m) => m.id === meeting.id)) return { record, owed: [] };
  const owed: Owed[] = meeting.invitees.map((aadObjectId) => ({
    key: meetingInviteKey(meeting.id, aadObjectId),
    kind: 'meetingInvite',
    dueAt: meeting.at,
    payload: { meeting: meeting.id, aadObjectId, serviceUrl: origin.serviceUrl, ...(origin.tenantId && { tenantId: origin.tenantId }) },
  }));
  const next = { ...record, meetings: [...(record.meetings ?? []), meeting] };
  return { record: refreshCard(next, CASE_CARD, meeting.at), owed };
}

/** A meeting's outcome recorded: the plan's step of its kind is done. Recorded once. */
export function withOutcome(record: CaseRecord, id: string, outcome: { text: string; by: string; at: string; on: LocalDate }): CaseRecord {
  const meeting = record.meetings?.find((m) => m.id === id);
  if (!meeting || meeting.outcome) return record;
  const { on, ...kept } = outcome;
  const meetings = (record.meetings ?? []).map((m) => (m.id === id ? { ...m, outcome: kept } : m));
  return refreshCard(withStepDone({ ...record, meetings }, meeting.kind, { on, by: outcome.by, at: outcome.at }), CASE_CARD, outcome.at);
}
