/**
 * The one runner of a case's effects (see effects.ts and docs/effects.md). A turn's
 * background work calls `run` after its write; the sweep calls it for every case whose
 * next-due time has come. An effect is taken by a conditional write naming its holder,
 * done by its performer, and its outcome recorded, with its audit event and any change
 * it brings, in one write by that holder only. So of several runners (two sweeps, a turn
 * racing a sweep, several instances) one does each effect; a crash mid-way leaves the
 * lease to run out, and the next sweep does it again.
 */
import type { AuditAction, AuditEvent } from './audit.js';
import type { CaseRecord } from './case.js';
import {
  CASE_CARD,
  DECISION_CARD,
  refreshCard,
  completed,
  deferred,
  effectsOf,
  holds,
  IDEMPOTENT,
  isFree,
  leased,
  LEASE_MS,
  owe,
  retried,
  SCHEDULED,
  type Effect,
  type EffectKind,
} from './effects.js';
import { StoreBusyError, type CaseStore, type Versioned } from './store.js';
import { updateCaseVersion } from './update-case.js';

/** A failure a performer met while doing an effect; `transient` ones are tried again later. */
export class EffectFailure extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'EffectFailure';
  }
}

/** An audit event an outcome records, by the runner ("panel"), now. */
export interface Audited {
  action: AuditAction;
  detail?: string;
}

/** A change an outcome brings to the case, in the same write (a delivery recorded, a hold ended). */
export type FollowUp = (record: CaseRecord) => CaseRecord;

/** What doing an effect came to; a failure is thrown (an EffectFailure, or a store error). */
export type Performed =
  | { status: 'sent'; activityId?: string; conversationId?: string; audit?: Audited[]; change?: FollowUp }
  /** No longer needed when its time came. */
  | { status: 'skipped'; error: string; audit?: Audited[]; change?: FollowUp }
  /** Not now: left pending, untried, until then. */
  | { status: 'later'; until: string };

/** What a failure for good records: its audit events, the change it brings, and what the business unit is told in the case's thread. */
export interface Failed {
  audit?: Audited[];
  change?: FollowUp;
  notice?: string;
}

/** How one kind of effect is done, and what it records when it fails for good. */
export interface Performer {
  perform(effect: Effect, record: CaseRecord): Promise<Performed>;
  failed(effect: Effect, record: CaseRecord, error: string): Failed;
}

/**
 * Reminders to one person, from one or more cases, sent as one message: each item's
 * outcome, keyed by `digestKey`. A failure is thrown, and is every item's.
 */
export interface DigestPerformer {
  send(person: string, items: { effect: Effect; record: CaseRecord }[]): Promise<Map<string, Performed>>;
  failed(effect: Effect, record: CaseRecord, error: string): Failed;
}

export const digestKey = (reference: string, key: string) => `${reference} ${key}`;

export interface EffectLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EffectRunnerOptions {
  store: CaseStore;
  now: () => Date;
  log: EffectLog;
  performers: Record<Exclude<EffectKind, 'reminder'>, Performer>;
  /** Reminders, sent by the sweep only, grouped by person across cases. */
  digest: DigestPerformer;
  /** Whether reminders may go at this instant: working hours on working days. */
  mayRemindAt: (at: Date) => boolean;
  /** This process, in lease holders' names (each runner adds its own number, so two in one process never share a name). */
  instance: string;
  random?: () => number;
  /** Told of each outcome recorded (for metrics): the effect's kind and how it came out. */
  observe?: (kind: EffectKind, outcome: Attempt['status']) => void;
  /** Waits between attempts to record an outcome while the store is busy; injected so tests need not wait. */
  wait?: (ms: number) => Promise<void>;
}

const PAGE = 50;
/** Effects one run does before it leaves the rest to the sweep: a bound on a case that keeps changing. */
const MAX_STEPS = 40;
/** The least a performer's "later" puts an effect off by. */
const LATER_MIN_MS = 60_000;
/** Puts of one card refresh, when the case keeps changing under it. */
const REFRESH_PUTS = 5;
/** Attempts to record an outcome while the store is busy, before its lease is left to run out. */
const RECORD_ATTEMPTS = 6;

/** Runners made in this process, so each names its holders apart. */
let runners = 0;

export class EffectRunner {
  private holders = 0;
  private stopping = false;
  private readonly name: string;
  private readonly random: () => number;
  private readonly wait: (ms: number) => Promise<void>;

  constructor(private readonly options: EffectRunnerOptions) {
    this.name = `${options.instance}#${++runners}`;
    this.random = options.random ?? Math.random;
    this.wait = options.wait ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /**
   * Does the case's due effects that nobody holds, one at a time: what people wait for
   * first, card refreshes last. Reminders and other scheduled effects only when
   * `scheduled` (the sweep, in working hours). `known` is the version a turn has just
   * written, to save reading it again. Returns the case as last read or written, if the
   * run ended with one in hand.
   */
  async run(reference: string, known?: Versioned<CaseRecord>, scheduled = false): Promise<Versioned<CaseRecord> | undefined> {
    const { store } = this.options;
    let version = known ?? (await store.getCaseVersion(reference));
    for (let step = 0; version && step < MAX_STEPS && !this.stopping; step++) {
      const effect = this.next(version.value, scheduled);
      if (!effect) return version;
      version = IDEMPOTENT.has(effect.kind) ? await this.refresh(version, effect) : await this.doHeld(version, effect);
    }
    return version;
  }

  /**
   * The sweep: every case with an effect due, a page at a time, then the reminders due
   * across them as one digest per person. Says how many cases it ran.
   */
  async sweep(): Promise<number> {
    const { store, now, mayRemindAt } = this.options;
    const at = now();
    const reminding = mayRemindAt(at);
    const reminders: Versioned<CaseRecord>[] = [];
    // A case run on one page may come again on a later one (its next-due time moved on, still due): once is enough.
    const seen = new Set<string>();
    let continuation: string | undefined;
    do {
      const page = await store.listDueCases(at.toISOString(), { limit: PAGE, ...(continuation && { continuation }) });
      for (const due of page.items) {
        if (this.stopping) break;
        if (seen.has(due.reference)) continue;
        seen.add(due.reference);
        try {
          const version = await this.run(due.reference, undefined, reminding);
          if (reminding && version && this.dueReminders(version.value).length > 0) reminders.push(version);
        } catch (err) {
          this.options.log.error({ job: 'effects', reference: due.reference, err: errorName(err) }, 'effects of a case failed');
        }
      }
      continuation = page.continuation;
    } while (continuation && !this.stopping);
    if (reminders.length > 0 && !this.stopping) await this.sendDigests(reminders);
    return seen.size;
  }

  /**
   * Shutting down: no effect is taken from now on. Those under way finish and are
   * recorded; what is left stays owed, for the sweep of this or another instance.
   */
  stop(): void {
    this.stopping = true;
  }

  private next(record: CaseRecord, scheduled: boolean): Effect | undefined {
    const now = this.options.now().toISOString();
    const due = effectsOf(record)
      .filter((e) => isFree(e, now) && e.kind !== 'reminder' && (scheduled || !SCHEDULED.has(e.kind)))
      .sort(
        (a, b) => Number(IDEMPOTENT.has(a.kind)) - Number(IDEMPOTENT.has(b.kind)) || (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0),
      );
    return due[0];
  }

  private dueReminders(record: CaseRecord): Effect[] {
    const now = this.options.now().toISOString();
    return effectsOf(record).filter((e) => e.kind === 'reminder' && isFree(e, now));
  }

  private holder(): string {
    this.holders = (this.holders + 1) % 1e9;
    return `${this.name}:${this.holders}`;
  }

  /** Takes the effect for a new holder; undefined if somebody else has it, or the store is busy (the sweep comes back). */
  private async take(version: Versioned<CaseRecord>, key: string, holder: string): Promise<Versioned<CaseRecord> | undefined> {
    const now = this.options.now();
    const lease = { holder, until: new Date(now.getTime() + LEASE_MS).toISOString() };
    try {
      const taken = await updateCaseVersion(
        this.options.store,
        version.value.reference,
        (r) => leased(r, key, lease, now.toISOString()) ?? r,
        { known: version },
      );
      return taken;
    } catch (err) {
      if (err instanceof StoreBusyError) {
        this.options.log.warn({ job: 'effects', reference: version.value.reference, effect: key }, 'store busy: effect left for the sweep');
        return undefined;
      }
      throw err;
    }
  }

  private async doHeld(version: Versioned<CaseRecord>, effect: Effect): Promise<Versioned<CaseRecord> | undefined> {
    const holder = this.holder();
    const taken = await this.take(version, effect.key, holder);
    if (!taken) return undefined;
    if (!holds(taken.value, effect.key, holder)) return taken;
    const performed = await this.perform(effect, taken.value);
    return this.record(taken, effect.key, performed, (r) => holds(r, effect.key, holder));
  }

  /**
   * A card refresh: no lease (doing it twice is harmless), recorded only if no change
   * asked for another meanwhile. If one did, this put may have landed after a newer one
   * (another instance's): the card is put again from the case as it is now, a few times
   * at most, so it ends on the latest state unless the case changes faster than that.
   */
  private async refresh(version: Versioned<CaseRecord>, effect: Effect): Promise<Versioned<CaseRecord> | undefined> {
    let current: Versioned<CaseRecord> | undefined = version;
    let rendered = effect;
    for (let put = 0; current && put < REFRESH_PUTS; put++) {
      const performed = await this.perform(rendered, current.value);
      const armed = rendered.armed;
      const stillThis = (r: CaseRecord) => r.effects?.[effect.key]?.status === 'pending' && r.effects[effect.key]?.armed === armed;
      current = await this.record(current, effect.key, performed, stillThis);
      const now = current?.value.effects?.[effect.key];
      if (!now || now.armed === armed || performed.status !== 'sent') return current;
      rendered = now;
    }
    // Out of puts with a newer state asked for meanwhile: its card may show an older one, so
    // the refresh is left pending for the next run or sweep rather than recorded done.
    const key = effect.key;
    if (!current || rendered.status === 'pending' || (key !== CASE_CARD && key !== DECISION_CARD)) return current;
    const again = rendered.armed;
    const at = this.options.now().toISOString();
    try {
      return await updateCaseVersion(this.options.store, current.value.reference, (r) =>
        r.effects?.[key]?.armed === again ? refreshCard(r, key, at) : r,
      );
    } catch (err) {
      if (!(err instanceof StoreBusyError)) throw err;
      this.options.log.warn(
        { job: 'effects', reference: current.value.reference, effect: key },
        'store busy: a card may show an older state until its next change',
      );
      return current;
    }
  }

  private async perform(effect: Effect, record: CaseRecord): Promise<Attempt> {
    try {
      if (effect.kind === 'reminder') throw new EffectFailure('a reminder is sent in a digest', true);
      return await this.options.performers[effect.kind].perform(effect, record);
    } catch (err) {
      return this.failure(err, effect, record);
    }
  }

  private performer(effect: Effect): Pick<Performer, 'failed'> {
    return effect.kind === 'reminder' ? this.options.digest : this.options.performers[effect.kind];
  }

  /** A thrown failure: tried again later if transient (a busy store, Teams throttling or down), else failed for good. */
  private failure(err: unknown, effect: Effect, record: CaseRecord): Attempt {
    if (err instanceof StoreBusyError) return { status: 'retry', error: 'the store was busy' };
    if (err instanceof EffectFailure) return { status: err.transient ? 'retry' : 'failed', error: err.message };
    this.options.log.error(
      { job: 'effects', reference: record.reference, effect: effect.key, err: errorName(err) },
      'effect failed unexpectedly',
    );
    return { status: 'retry', error: err instanceof Error ? err.name : 'error' };
  }

  /**
   * Records an outcome, with its audit events and follow-up, while `mine` holds of the
   * case; a busy store is tried again a few times, with backoff, within the lease.
   */
  private async record(
    version: Versioned<CaseRecord>,
    key: string,
    performed: Attempt,
    mine: (record: CaseRecord) => boolean,
  ): Promise<Versioned<CaseRecord> | undefined> {
    const reference = version.value.reference;
    const kind = version.value.effects?.[key]?.kind;
    let known: Versioned<CaseRecord> | undefined = version;
    for (let attempt = 1; ; attempt++) {
      try {
        const written = await updateCaseVersion(
          this.options.store,
          reference,
          (r) => (mine(r) ? this.outcome(r, key, performed) : r),
          known ? { known } : {},
        );
        if (kind) this.options.observe?.(kind, performed.status);
        return written;
      } catch (err) {
        if (!(err instanceof StoreBusyError) || attempt >= RECORD_ATTEMPTS) {
          this.options.log.error(
            { job: 'effects', reference, effect: key, err: errorName(err) },
            'outcome not recorded: the effect may be done again',
          );
          return undefined;
        }
        known = undefined;
        await this.wait(Math.floor(this.random() * 200 * 2 ** attempt));
      }
    }
  }

  /** The case with an outcome applied: the effect's new state, its follow-up, a notice owed, and the audit events. */
  private outcome(record: CaseRecord, key: string, attempt: Attempt): CaseRecord | { record: CaseRecord; audit: AuditEvent[] } {
    const effect = record.effects?.[key];
    if (!effect) return record;
    const now = this.options.now();
    const at = now.toISOString();
    const events = (list: Audited[] | undefined): AuditEvent[] =>
      (list ?? []).map((a) => ({ caseId: record.reference, at, actor: 'panel', action: a.action, ...(a.detail && { detail: a.detail }) }));
    const failedForGood = (r: CaseRecord, error: string) => {
      const failed = this.performer(effect).failed(effect, r, error);
      const followed = failed.change ? failed.change(r) : r;
      const noticed = failed.notice
        ? owe(followed, { key: noticeKey(effect), kind: 'threadNotice', dueAt: at, payload: { text: failed.notice } })
        : followed;
      return { record: noticed, audit: events(failed.audit) };
    };
    switch (attempt.status) {
      case 'later':
        // Never "later" in the past: the run would pick it straight up again.
        return deferred(record, key, attempt.until > at ? attempt.until : new Date(now.getTime() + LATER_MIN_MS).toISOString());
      case 'retry': {
        const next = retried(record, key, attempt.error, now, this.random);
        return next.effects?.[key]?.status === 'failed' ? failedForGood(next, attempt.error) : next;
      }
      case 'failed':
        return failedForGood(completed(record, key, { status: 'failed', error: attempt.error }, at), attempt.error);
      case 'sent': {
        const { activityId, conversationId } = attempt;
        const done = completed(
          record,
          key,
          { status: 'sent', ...(activityId && { activityId }), ...(conversationId && { conversationId }) },
          at,
        );
        return { record: attempt.change ? attempt.change(done) : done, audit: events(attempt.audit) };
      }
      case 'skipped': {
        const done = completed(record, key, { status: 'skipped', error: attempt.error }, at);
        return { record: attempt.change ? attempt.change(done) : done, audit: events(attempt.audit) };
      }
    }
  }

  /** The reminders due in these cases, one digest per person: each case's share taken, sent, and recorded in that case. */
  private async sendDigests(cases: Versioned<CaseRecord>[]): Promise<void> {
    const held: { version: Versioned<CaseRecord>; holder: string; effects: Effect[] }[] = [];
    for (const version of cases) {
      const holder = this.holder();
      const now = this.options.now();
      const lease = { holder, until: new Date(now.getTime() + LEASE_MS).toISOString() };
      const due = this.dueReminders(version.value).map((e) => e.key);
      let taken: Versioned<CaseRecord>;
      try {
        taken = await updateCaseVersion(
          this.options.store,
          version.value.reference,
          (r) => due.reduce((acc, key) => leased(acc, key, lease, now.toISOString()) ?? acc, r),
          { known: version },
        );
      } catch (err) {
        if (err instanceof StoreBusyError) continue;
        throw err;
      }
      const mine = due.map((key) => taken.value.effects?.[key]).filter((e): e is Effect => e !== undefined && e.lease?.holder === holder);
      if (mine.length > 0) held.push({ version: taken, holder, effects: mine });
    }
    const byPerson = new Map<string, { effect: Effect; record: CaseRecord }[]>();
    for (const { version, effects } of held) {
      for (const effect of effects) {
        const person = (effect.payload?.aadObjectId ?? '').toLowerCase();
        byPerson.set(person, [...(byPerson.get(person) ?? []), { effect, record: version.value }]);
      }
    }
    const outcomes = new Map<string, Attempt>();
    for (const [person, items] of byPerson) {
      let sent: Map<string, Attempt>;
      try {
        sent = await this.options.digest.send(person, items);
      } catch (err) {
        const failed = this.failure(err, items[0]!.effect, items[0]!.record);
        sent = new Map(items.map(({ effect, record }) => [digestKey(record.reference, effect.key), failed]));
      }
      for (const [id, attempt] of sent) outcomes.set(id, attempt);
    }
    for (const { version, holder, effects } of held) {
      const reference = version.value.reference;
      const apply = (r: CaseRecord) => {
        let next = r;
        const audit: AuditEvent[] = [];
        for (const effect of effects) {
          const performed = outcomes.get(digestKey(reference, effect.key));
          if (!performed || !holds(next, effect.key, holder)) continue;
          const changed = this.outcome(next, effect.key, performed);
          next = 'record' in changed ? changed.record : changed;
          if ('audit' in changed) audit.push(...changed.audit);
        }
        return { record: next, audit };
      };
      try {
        await updateCaseVersion(this.options.store, reference, apply, { known: version });
      } catch (err) {
        this.options.log.error(
          { job: 'effects', reference, err: errorName(err) },
          'reminder outcomes not recorded: they may be sent again',
        );
      }
    }
  }
}

/** The notice of an effect failed for good: a card refresh, armed again and failing again, is said again. */
const noticeKey = (effect: Effect) => (effect.armed ? `notice:${effect.key}:${effect.armed}` : `notice:${effect.key}`);

/** A performer's outcome, or the failure it threw as the runner reads it. */
type Attempt = Performed | { status: 'retry' | 'failed'; error: string };

/** What a log may say of an error: Panel's own failures by their message (no personal data), anything else by its name only. */
const errorName = (err: unknown) =>
  err instanceof EffectFailure ? `${err.name}: ${err.message}` : err instanceof Error ? err.name : typeof err;
