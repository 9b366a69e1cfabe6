/**
 * Agency reports for a review, one to one: the request and its form, to an agency's
 * lead (The Children's Society's management review, signed off by the agency's
 * director); and the reports as returned, to the business unit.
 */
import type { ReportErrors, ReportField, ReportForm, StoredReport } from '../review/agency-reports.js';
import { REPORT_LIMITS } from '../review/agency-reports.js';
import type { LocalDate } from '../review/local-date.js';
import { formCard, problemsBanner, type SectionSpec } from './form.js';
import { date, type Fact } from './labels.js';
import type { AdaptiveCardJson } from './render.js';
import { VERBS } from './verbs.js';

const SECTIONS: SectionSpec<ReportField>[] = [
  {
    key: 'report',
    title: "Your agency's report",
    intro: 'Facts only. Refer to people by role, not by name, where you can.',
    fields: [
      { id: 'chronology', label: "Chronology of your agency's involvement *", type: 'multiline' },
      { id: 'decisions', label: 'The key decisions your agency made, assessed *', type: 'multiline' },
      { id: 'services', label: 'The services your agency provided *', type: 'multiline' },
      { id: 'recommendations', label: 'Recommendations, and your action plan for them *', type: 'multiline' },
    ],
  },
  {
    key: 'signOff',
    title: 'Sign-off',
    fields: [
      { id: 'director', label: 'The director who signed it off *', type: 'text' },
      {
        id: 'signedOff',
        label: 'Sign-off *',
        type: 'toggle',
        toggleText: 'Our director has signed off this report and its action plan',
      },
    ],
  },
];

/** The request for an agency's report, with its form: from its draft or its report, kept as typed through any problem. */
export function reportFormCard(view: {
  reference: string;
  descriptor: string;
  agencyId: string;
  agencyName: string;
  dueOn: LocalDate;
  submissionId: string;
  values?: Partial<ReportForm>;
  errors?: ReportErrors;
  notice?: string;
}): AdaptiveCardJson {
  const errors = view.errors ?? {};
  const banner = view.notice ? { text: view.notice, style: 'good' as const } : problemsBanner(errors, 'Nothing is sent yet');
  const data = { reference: view.reference, agencyId: view.agencyId, submissionId: view.submissionId };
  return formCard<ReportField>({
    heading: `Agency report requested: ${view.reference} (${view.descriptor})`,
    subtitle: `For ${view.agencyName}, due ${date(view.dueOn)}. Only your agency's safeguarding leads can answer it, and only the business unit and the reviewer read it.`,
    sections: SECTIONS,
    values: view.values ?? {},
    errors,
    limits: REPORT_LIMITS,
    ...(banner && { banner }),
    requiredOnClient: false,
    actions: [
      { title: 'Send the report', verb: VERBS.submitReport, data, style: 'positive' },
      { title: 'Save draft', verb: VERBS.saveReportDraft, data },
    ],
  });
}

/**
 * The agencies' reports as returned, to the business unit, one to one: which have come,
 * and one agency's report in full (a card holds one at its longest, not all of them).
 */
export function reportsCard(view: {
  reference: string;
  descriptor: string;
  dueOn: LocalDate;
  agencies: { agencyId: string; name: string; returnedAt?: string }[];
  shown?: { name: string; report: StoredReport };
}): AdaptiveCardJson {
  const facts = (report: StoredReport): Fact[] => [
    { title: 'Chronology', value: report.chronology },
    { title: 'Key decisions', value: report.decisions },
    { title: 'Services provided', value: report.services },
    { title: 'Recommendations', value: report.recommendations },
    { title: 'Signed off by', value: report.director },
  ];
  return formCard<never>({
    heading: `Agency reports: ${view.reference} (${view.descriptor})`,
    subtitle: `Due ${date(view.dueOn)}. Shown to you only; your reading is recorded.`,
    facts: [
      ...view.agencies.map((a) => ({
        title: a.name,
        value: a.returnedAt ? `returned ${date(a.returnedAt.slice(0, 10) as LocalDate)}` : 'not yet returned',
      })),
      ...(view.shown ? [{ title: 'Report of', value: view.shown.name }, ...facts(view.shown.report)] : []),
    ],
    sections: [],
    values: {},
    limits: {},
    actions: [
      ...view.agencies
        .filter((a) => a.returnedAt && a.name !== view.shown?.name)
        .map((a) => ({
          title: `Read ${a.name}'s`,
          verb: VERBS.readReports,
          data: { reference: view.reference, agencyId: a.agencyId },
          inputs: 'none' as const,
        })),
      { title: 'Back to the plan', verb: VERBS.showPlan, data: { reference: view.reference }, inputs: 'none' },
    ],
  });
}
