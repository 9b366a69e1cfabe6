import { formatReference, type CaseRecord } from './case.js';
import { intakeClocks } from './clocks.js';
import { describeAnonymously } from './descriptor.js';
import { localDateOf, yearOf } from './local-date.js';
import { validateReferral, type FieldErrors, type ReferralForm } from './referral.js';
import type { Caller, ReviewDeps } from './deps.js';
import { CHANNEL_POST, owe } from './effects.js';
import { dutyRemindersOwed } from './duties.js';
import type { Origin } from './owed.js';
import { businessUnitOf, withConcern } from './safety.js';
import type { Versioned } from './store.js';

export type SubmitReferralResult =
  | { status: 'invalid'; errors: FieldErrors; form: Partial<ReferralForm> & { kind?: string } }
  /** `version`: the case as stored, for the effects runner to start from. */
  | { status: 'accepted'; record: CaseRecord; created: boolean; version: Versioned<CaseRecord> };

/**
 * Takes a referral from a card. Invalid: the problems, per field, and the form as typed;
 * nothing stored. Valid: the case, its `case.created` audit event and the effect of its
 * post to the business unit's channel, stored in one write once per (referrer,
 * submission id) (see `CaseStore.createCaseOnce`), so a redelivered or double-clicked
 * submit returns the case already made. The effects runner posts it.
 */
export async function submitReferral(
  deps: ReviewDeps,
  input: { caller: Caller; data: Record<string, unknown>; submissionId: string; origin: Origin },
): Promise<SubmitReferralResult> {
  const now = deps.now();
  const today = localDateOf(now, deps.partnership.timezone);
  const agencies = new Map(deps.partnership.agencies.map((a) => [a.id, a.name]));
  const byBusinessUnit = deps.directory.hasRole(input.caller.aadObjectId, 'businessUnit');
  const result = validateReferral(input.data, { today, agencies, byBusinessUnit });
  if (!result.ok) return { status: 'invalid', errors: result.errors, form: result.form };

  const referral = result.referral;
  const year = yearOf(today);
  const clocks = intakeClocks(referral, today, {
    calendar: deps.calendar,
    settings: deps.partnership.clocks,
    panel: deps.partnership.panel,
  });
  const submissionKey = `${input.caller.aadObjectId}:${input.submissionId}`;
  const { record, created, etag } = await deps.store.createCaseOnce(
    submissionKey,
    year,
    (sequence) => {
      const reference = formatReference(year, sequence);
      const record: CaseRecord = {
        reference,
        year,
        sequence,
        descriptor: describeAnonymously(referral.subject.ageGroup, sequence),
        kind: referral.kind,
        stage: 'referred',
        receivedAt: now.toISOString(),
        receivedOn: today,
        referrerAadObjectId: input.caller.aadObjectId,
        clocks,
        referral,
      };
      // Its post, and the reminders of its statutory duties, owed with it.
      const plan = { ...deps.partnership, calendar: deps.calendar };
      const owed = owe(
        record,
        { key: CHANNEL_POST, kind: 'channelPost', dueAt: now.toISOString() },
        ...dutyRemindersOwed(record, today, plan),
      );
      // Someone may be at risk now: the business unit hears of it at once, not only from the card.
      if (!referral.incident.immediateSafety) return owed;
      return withConcern(owed, { id: 'referral', at: now.toISOString() }, businessUnitOf(deps), input.origin);
    },
    input.caller.aadObjectId,
  );
  return { status: 'accepted', record, created, version: { value: record, etag } };
}
