import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { NATIONS } from './calendar.js';
import { describeIssues } from './issues.js';
import { parseLocalDate, type LocalDate } from './local-date.js';
import { STEP_KINDS } from './plan.js';
import { REVIEW_KINDS } from './referral-model.js';
import { ROLES, type Role } from './roles.js';

const calendarDate = z
  .string()
  .refine((s) => parseLocalDate(s) !== undefined, { message: 'must be a date written YYYY-MM-DD' })
  .transform((s) => s as LocalDate);

// YAML reads an unquoted 2026-12-10 as a Date; accept that as well as a string.
const yamlDate = z.preprocess((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v), calendarDate);

const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-GB', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA timezone such as Europe/London' },
);

const agencySchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, e.g. "police"'),
    name: z.string().trim().min(1),
    core: z.boolean().default(false),
    /** The ICB: its return also carries the other health providers' (DOMAIN.md, "People"). */
    collatesHealth: z.boolean().default(false),
  })
  .strict();

const personSchema = z
  .object({
    name: z.string().trim().min(1),
    aadObjectId: z.string().uuid("must be the person's Microsoft Entra object id (a GUID)"),
    /** None for a colleague who is listed only so that a lead can hand a request to them. */
    roles: z.array(z.enum(ROLES)).default([]),
    agency: z.string().optional(),
  })
  .strict();

const PANEL_FORMS = 'give { day, cutoffDay } for a monthly panel, or { dates: [...] } for listed dates';
const dayOfMonth = z.number({ message: 'must be a day of the month, 1 to 31' }).int().min(1).max(31);

/** Either a monthly rule or a list of dates; each problem is named at its own path. */
const panelSchema = z
  .object(
    {
      day: dayOfMonth.optional(),
      cutoffDay: dayOfMonth.optional(),
      dates: z.array(yamlDate).min(1, 'list at least one panel date').optional(),
      /** Votes needed (conflicts of interest do not count) before the vote can close. */
      quorum: z.number().int().min(1).max(60).default(3),
      /** While the vote is open, others see only how many have voted. */
      hiddenVotes: z.boolean().default(true),
      /** The business unit may close the vote, as well as the independent chair. */
      businessUnitCloses: z.boolean().default(false),
    },
    { message: PANEL_FORMS },
  )
  .strict()
  .superRefine((p, ctx) => {
    const monthly = p.day !== undefined || p.cutoffDay !== undefined;
    if (monthly && p.dates) ctx.addIssue({ code: 'custom', message: `not both: ${PANEL_FORMS}` });
    else if (!monthly && !p.dates) ctx.addIssue({ code: 'custom', message: PANEL_FORMS });
    else if (monthly) {
      for (const key of ['day', 'cutoffDay'] as const) {
        if (p[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'required for a monthly panel' });
      }
    }
  })
  .transform((p): PanelRules => {
    const voting = { quorum: p.quorum, hiddenVotes: p.hiddenVotes, businessUnitCloses: p.businessUnitCloses };
    return p.dates ? { dates: p.dates, ...voting } : { day: p.day ?? 0, cutoffDay: p.cutoffDay ?? 0, ...voting };
  });

/** When the panel sits: monthly, or on listed dates. */
export type PanelSchedule = { day: number; cutoffDay: number } | { dates: LocalDate[] };

/** When the panel sits, and how it votes. */
export type PanelRules = PanelSchedule & {
  quorum: number;
  hiddenVotes: boolean;
  businessUnitCloses: boolean;
};

/**
 * Clock lengths. Defaults are the statutory or published ones; a partnership whose
 * local procedure differs sets its own.
 */
const clocksSchema = z
  .object({
    /** Working Together 2023: serious incident notification within 5 working days. */
    nationalPanelNotificationWorkingDays: z.number().int().min(1).max(60).default(5),
    /** Working Together 2023: rapid review to the National Panel within 15 working days. */
    rapidReviewWorkingDays: z.number().int().min(1).max(90).default(15),
    /** Home Office DHR guidance: decision within 1 month of notification. */
    dhrDecisionMonths: z.number().int().min(1).max(12).default(1),
    /** Suffolk: listed at the next panel at least 10 days after requests go out. */
    panelMinDaysAfterRequests: z.number().int().min(0).max(60).default(10),
    /** Suffolk: returns come in before the panel; the business unit needs a day to collate. */
    returnsBeforePanelWorkingDays: z.number().int().min(0).max(30).default(1),
    /** With no panel date: Suffolk's "at least 10 days after requests go out". */
    returnsWorkingDays: z.number().int().min(1).max(60).default(10),
    /** The least time an agency is given to search its records and answer. */
    returnsMinimumWorkingDays: z.number().int().min(1).max(30).default(3),
    /** Suffolk Appendix 1: how long each review has from the panel's decision. */
    actionLearningMonths: z.number().int().min(1).max(24).default(1),
    singleAgencyReviewMonths: z.number().int().min(1).max(24).default(3),
    partnershipReviewMonths: z.number().int().min(1).max(24).default(3),
    independentReviewMonths: z.number().int().min(1).max(24).default(6),
    /** Home Office DHR guidance: the report within 6 months of the decision. */
    dhrReportMonths: z.number().int().min(1).max(24).default(6),
    /**
     * Telling the National Panel, Ofsted or the Home Office of a decision that names them.
     * The guidance sets no period: Panel's default, for the partnership to set its own.
     */
    decisionNoticeWorkingDays: z.number().int().min(1).max(30).default(5),
    /** Cheshire East: each agency's report "two weeks before the date of the review meeting". */
    reflectiveReportsWorkingDaysBefore: z.number().int().min(1).max(30).default(10),
  })
  .strict()
  .default({});

/** How long records are kept: closed cases, then everything about them is deleted. */
const retentionSchema = z
  .object({ closedCaseYears: z.number().int().min(1).max(100).default(7) })
  .strict()
  .default({});

const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day written HH:MM, e.g. "09:00"');

/**
 * How Panel chases returns (DOMAIN.md, "Clocks"): reminders before the due date, the
 * morning it is due, then each working day it is overdue, with an escalation to the
 * business unit. Sent in working hours on working days only.
 */
const remindersSchema = z
  .object({
    beforeDueWorkingDays: z.array(z.number().int().min(1).max(30)).max(5).default([3, 1]),
    onDueDay: z.boolean().default(true),
    overdueEveryWorkingDay: z.boolean().default(true),
    escalateAfterOverdueWorkingDays: z.number().int().min(1).max(30).default(2),
    workingHours: z
      .object({ start: clockTime.default('09:00'), end: clockTime.default('17:00') })
      .strict()
      .default({})
      .refine((h) => h.start < h.end, { message: 'start must be before end' }),
    sweepEveryMinutes: z.number().int().min(1).max(60).default(15),
    /** Reminders, in the case's thread, of a review the panel decided: working days before it is due (and on the day). */
    reviewBeforeDueWorkingDays: z.array(z.number().int().min(1).max(60)).max(5).default([10]),
  })
  .strict()
  .default({});

/**
 * Who approves the panel's decision on each kind of case, by Entra object id (Cheshire
 * East: the panel recommends, the LSCB chair approves). For a kind with an approver,
 * the closed vote is a recommendation; for the rest, the decision itself.
 */
const approversSchema = z
  .object(
    Object.fromEntries(
      REVIEW_KINDS.map((k) => [k, z.string().uuid("must be the approver's Microsoft Entra object id (a GUID)").optional()]),
    ) as Record<(typeof REVIEW_KINDS)[number], z.ZodOptional<z.ZodString>>,
  )
  .strict()
  .default({});

/**
 * Suffolk: incidents notified by the National Panel "will be triaged by a subgroup …
 * Decisions made by this group will then be noted at the next meeting". Its members (by
 * Entra id, each a listed person) vote on a case the business unit sends them, before
 * the rapid review's 15-working-day date; the independent chair closes as usual.
 */
const fastTrackSchema = z
  .object({
    name: z.string().trim().min(1).default('Fast-track subgroup'),
    members: z.array(z.string().uuid("must be a member's Microsoft Entra object id (a GUID)")).min(1, 'list at least one member'),
    quorum: z.number().int().min(1).max(60).default(2),
  })
  .strict()
  .optional();

/**
 * A panel of its own for a kind of review (Suffolk delegates to a Safeguarding Adults
 * Review Panel and a Children's Case Review Panel): its members vote on that kind's
 * cases, to its quorum, and its chair closes the vote. Members and chair by Entra id,
 * each a listed person. Kinds without one go to the partnership's panel.
 */
const kindPanelSchema = z
  .object({
    name: z.string().trim().min(1),
    members: z.array(z.string().uuid("must be a member's Microsoft Entra object id (a GUID)")).min(1, 'list at least one member'),
    quorum: z.number().int().min(1).max(60).default(2),
    chair: z.string().uuid("must be the chair's Microsoft Entra object id (a GUID)").optional(),
    /** Its Teams channel, in the panel channel's team ("Get link to channel" shows the id); the panel's channel if none. */
    channel: z
      .string()
      .regex(/^19:[^\s;]+@thread\.(tacv2|skype)$/, 'must be a Teams channel id, such as 19:abc123@thread.tacv2')
      .optional(),
  })
  .strict();
const panelsSchema = z
  .object(
    Object.fromEntries(REVIEW_KINDS.map((k) => [k, kindPanelSchema.optional()])) as Record<
      (typeof REVIEW_KINDS)[number],
      z.ZodOptional<typeof kindPanelSchema>
    >,
  )
  .strict()
  .default({});

/**
 * A review's plan, per outcome that starts one: its steps in order, each at its share
 * (0 to 1) of the working days from the decision to the review's due date. Replaces
 * Panel's plan for that outcome (review/plan.ts); the review's length is in `clocks`.
 */
const PLAN_OUTCOMES = ['actionLearning', 'singleAgency', 'partnership', 'independent', 'dhr'] as const;
const planStepsSchema = z
  .array(z.object({ step: z.enum(STEP_KINDS), at: z.number().min(0).max(1) }).strict())
  .min(1, 'list at least one step')
  .superRefine((steps, ctx) => {
    const seen = new Set<string>();
    steps.forEach((s, i) => {
      if (seen.has(s.step)) ctx.addIssue({ code: 'custom', path: [i, 'step'], message: `"${s.step}" is listed twice` });
      seen.add(s.step);
    });
  });
const plansSchema = z
  .object(
    Object.fromEntries(PLAN_OUTCOMES.map((o) => [o, planStepsSchema.optional()])) as Record<
      (typeof PLAN_OUTCOMES)[number],
      z.ZodOptional<typeof planStepsSchema>
    >,
  )
  .strict()
  .default({});

export const partnershipSchema = z
  .object({
    name: z.string().trim().min(1),
    nation: z.enum(NATIONS),
    timezone: timezone.default('Europe/London'),
    agencies: z.array(agencySchema).min(1, 'list at least one agency'),
    people: z.array(personSchema),
    panel: panelSchema,
    clocks: clocksSchema,
    retention: retentionSchema,
    reminders: remindersSchema,
    approvers: approversSchema,
    fastTrack: fastTrackSchema,
    panels: panelsSchema,
    plans: plansSchema,
  })
  .strict()
  .superRefine((p, ctx) => {
    const agencyIds = new Set<string>();
    p.agencies.forEach((a, i) => {
      if (agencyIds.has(a.id)) {
        ctx.addIssue({ code: 'custom', path: ['agencies', i, 'id'], message: `duplicate agency id "${a.id}"` });
      }
      agencyIds.add(a.id);
    });
    const seen = new Set<string>();
    p.people.forEach((person, i) => {
      const key = person.aadObjectId.toLowerCase();
      if (seen.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['people', i, 'aadObjectId'], message: 'this person is listed twice' });
      }
      seen.add(key);
      if (person.agency !== undefined && !agencyIds.has(person.agency)) {
        ctx.addIssue({
          code: 'custom',
          path: ['people', i, 'agency'],
          message: `unknown agency "${person.agency}"; allowed: ${[...agencyIds].join(', ')}`,
        });
      }
      if (person.roles.length === 0 && person.agency === undefined) {
        ctx.addIssue({ code: 'custom', path: ['people', i, 'roles'], message: 'list at least one role, or the agency of a colleague' });
      }
      if (person.roles.includes('lead') && person.agency === undefined) {
        ctx.addIssue({ code: 'custom', path: ['people', i, 'agency'], message: 'a lead must name their agency' });
      }
    });
    for (const [kind, id] of Object.entries(p.approvers)) {
      if (id !== undefined && !seen.has(id.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['approvers', kind], message: 'the approver must be one of the people listed' });
      }
    }
    p.fastTrack?.members.forEach((id, i) => {
      if (!seen.has(id.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['fastTrack', 'members', i], message: 'each member must be one of the people listed' });
      }
    });
    if (p.fastTrack && p.fastTrack.quorum > p.fastTrack.members.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['fastTrack', 'quorum'],
        message: `the quorum is ${p.fastTrack.quorum} but the subgroup has ${p.fastTrack.members.length} members`,
      });
    }
    for (const [kind, panel] of Object.entries(p.panels)) {
      if (!panel) continue;
      panel.members.forEach((id, i) => {
        if (!seen.has(id.toLowerCase())) {
          ctx.addIssue({ code: 'custom', path: ['panels', kind, 'members', i], message: 'each member must be one of the people listed' });
        }
      });
      if (panel.chair !== undefined && !seen.has(panel.chair.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['panels', kind, 'chair'], message: 'the chair must be one of the people listed' });
      }
      if (panel.quorum > panel.members.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['panels', kind, 'quorum'],
          message: `the quorum is ${panel.quorum} but the panel has ${panel.members.length} members`,
        });
      }
    }
    const voters = p.people.filter((person) => person.roles.some((r) => VOTING_ROLES.includes(r))).length;
    // A file that lists no panel yet (while a partnership sets up) has nobody to vote.
    if (voters > 0 && voters < p.panel.quorum) {
      ctx.addIssue({
        code: 'custom',
        path: ['panel', 'quorum'],
        message: `the quorum is ${p.panel.quorum} but ${voters} people may vote (panelMember or independentChair)`,
      });
    }
    const closers = p.panel.businessUnitCloses ? p.people.filter((person) => person.roles.includes('businessUnit')).length : 0;
    if (voters + closers > MAX_CARD_VIEWERS) {
      ctx.addIssue({
        code: 'custom',
        path: ['people'],
        message: `${voters + closers} people vote on or close the panel's vote; Teams shows a card's own view to ${MAX_CARD_VIEWERS} at most`,
      });
    }
  });

export type Partnership = z.infer<typeof partnershipSchema>;
export type Person = Partnership['people'][number];

/** Who votes on the panel's decision. */
export const VOTING_ROLES: readonly Role[] = ['panelMember', 'independentChair'];
/** Teams refreshes a card for each of at most 60 users (`refresh.userIds`). */
export const MAX_CARD_VIEWERS = 60;
export type ClockSettings = Partnership['clocks'];
export type ReminderPlan = Partnership['reminders'];

export class PartnershipFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`The partnership file ${source} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'PartnershipFileError';
  }
}

/** Parses a partnership file's text (YAML, which includes JSON). `source` names it in errors. */
export function parsePartnership(text: string, source: string): Partnership {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    throw new PartnershipFileError(source, [`not valid YAML or JSON: ${(err as Error).message}`]);
  }
  const result = partnershipSchema.safeParse(raw);
  if (!result.success) throw new PartnershipFileError(source, describeIssues(result.error));
  return result.data;
}

/** Who is who: the people of the partnership by their Teams (Entra) identity. */
export interface Directory {
  find(aadObjectId: string | undefined): Person | undefined;
  hasRole(aadObjectId: string | undefined, role: Role): boolean;
}

export function createDirectory(partnership: Partnership): Directory {
  const people = new Map(partnership.people.map((p) => [p.aadObjectId.toLowerCase(), p]));
  const find = (id: string | undefined) => (id ? people.get(id.toLowerCase()) : undefined);
  return {
    find,
    hasRole: (id, role) => find(id)?.roles.includes(role) ?? false,
  };
}
