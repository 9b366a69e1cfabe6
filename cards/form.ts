import type { Fact } from './labels.js';
import { renderCard, type AdaptiveCardJson } from './render.js';
import { typedForMarkdown as shown } from './shown-as-typed.js';
import formTemplate from './templates/form.json' with { type: 'json' };

/**
 * Every form Panel shows (a referral, the start of a rapid review, an agency's return)
 * is sections of labelled inputs, each problem beside its field, and a row of buttons.
 */
export type FieldType = 'text' | 'email' | 'tel' | 'multiline' | 'date' | 'choice' | 'multichoice' | 'toggle';

export interface Choice {
  title: string;
  value: string;
}

export interface FieldSpec<F extends string = string> {
  id: F;
  label: string;
  type: FieldType;
  required?: boolean;
  choices?: readonly Choice[];
  /** Short lists show as radio buttons; long ones as a drop-down. */
  choiceStyle?: 'compact' | 'expanded';
  placeholder?: string;
  toggleText?: string;
}

export interface SectionSpec<F extends string = string> {
  key: string;
  title: string;
  intro?: string;
  /** Optional sections start folded, so the card is not a wall. */
  collapsible?: boolean;
  fields: readonly FieldSpec<F>[];
  /** Buttons at the foot of the section, such as adding a row. */
  actions?: readonly FormAction[];
}

export interface FormAction {
  title: string;
  verb: string;
  /** What the button sends besides the inputs: which case, which submission. */
  data: Record<string, string>;
  style?: 'positive' | 'default';
  /** 'none' sends no inputs (Cancel, Back); 'auto' validates and sends them. */
  inputs?: 'auto' | 'none';
}

export interface FormView<F extends string> {
  heading: string;
  subtitle: string;
  facts?: Fact[];
  sections: readonly SectionSpec<F>[];
  values: Partial<Record<F, string>>;
  errors?: Partial<Record<F, string>>;
  limits: Partial<Record<F, number>>;
  /** Date inputs accept dates in this range (YYYY-MM-DD). */
  dates?: { min?: string; max?: string };
  /** Said at the top: what needs attention, or that a draft was saved. */
  banner?: { text: string; style: 'attention' | 'good' };
  actions: FormAction[];
  /**
   * Whether Teams checks required inputs before a button sends them (the default). A
   * form whose own buttons add rows says no: Teams would refuse to add a row until every
   * required answer was given. Panel checks them anyway; the labels carry the asterisk.
   */
  requiredOnClient?: boolean;
}

/** How many answers need attention, said before anything is sent. */
export function problemsBanner(errors: Record<string, string | undefined>, nothingSent: string): FormView<string>['banner'] {
  const count = Object.values(errors).filter(Boolean).length;
  if (count === 0) return undefined;
  return { text: `${nothingSent}: ${count === 1 ? '1 answer needs' : `${count} answers need`} attention.`, style: 'attention' };
}

const actionOf = (a: FormAction) => ({
  title: a.title,
  verb: a.verb,
  data: a.data,
  style: a.style ?? 'default',
  inputs: a.inputs ?? 'auto',
});

export function formCard<F extends string>(view: FormView<F>): AdaptiveCardJson {
  const errors: Partial<Record<F, string>> = view.errors ?? {};
  const onClient = view.requiredOnClient !== false;
  const sections = view.sections.map((section) => {
    const hasError = section.fields.some((f) => errors[f.id] !== undefined);
    const hasValue = section.fields.some((f) => (view.values[f.id] ?? '') !== '');
    return {
      title: shown(section.title),
      intro: shown(section.intro ?? ''),
      collapsible: section.collapsible === true,
      toggleTitle: `Show or hide: ${section.title.toLowerCase()}`,
      bodyId: `section-${section.key}`,
      visible: section.collapsible !== true || hasError || hasValue,
      sectionActions: (section.actions ?? []).map(actionOf),
      fields: section.fields.map((f) => {
        const echo = echoOf(f, view.values[f.id] ?? '', view.limits[f.id]);
        const error = [errors[f.id], echo.clipped].filter(Boolean).join(' ');
        return {
          id: f.id,
          label: f.required && !onClient ? `${f.label} *` : f.label,
          type: f.type,
          required: f.required === true && onClient,
          requiredMessage: `${f.label} is required`,
          value: echo.value,
          error: shown(error),
          choices: f.choices ?? [],
          choiceStyle: f.choiceStyle ?? 'compact',
          maxLength: view.limits[f.id] ?? 0,
          placeholder: f.placeholder ?? '',
          toggleText: f.toggleText ?? '',
          min: view.dates?.min ?? '',
          max: view.dates?.max ?? '',
        };
      }),
    };
  });
  return withoutEmptyDefaults(
    renderCard(formTemplate, {
      // Every text the card shows may hold what someone typed (a fact's value, a rationale as a section's intro).
      heading: shown(view.heading),
      subtitle: shown(view.subtitle),
      facts: (view.facts ?? []).map((f) => ({ title: shown(f.title), value: shown(f.value) })),
      banner: shown(view.banner?.text ?? ''),
      bannerStyle: view.banner?.style ?? 'attention',
      sections,
      actions: view.actions.map(actionOf),
    }),
  );
}

/** The longest a text input without a limit of its own is shown back. */
const TEXT_ECHO_MAX = 1000;
const DATE_ECHO_MAX = 20;

/**
 * What an input shows of what was sent: all of it, unless it is longer than the input
 * takes (its limit; for a choice, every choice chosen; for a date, a date). A form comes
 * back with what was typed, and 100 KB typed or forged into one answer would make the
 * card too big for Teams to show: the input keeps the first part, and says so.
 */
function echoOf(field: FieldSpec, typed: string, limit: number | undefined): { value: string; clipped?: string } {
  const max =
    field.type === 'choice' || field.type === 'multichoice'
      ? (field.choices ?? []).reduce((n, c) => n + c.value.length + 1, 0)
      : field.type === 'date' || field.type === 'toggle'
        ? DATE_ECHO_MAX
        : (limit ?? TEXT_ECHO_MAX);
  if (typed.length <= max) return { value: typed };
  // Never half a character: a surrogate pair is kept whole or not at all.
  const high = typed.charCodeAt(max - 1);
  const kept = high >= 0xd800 && high <= 0xdbff ? max - 1 : max;
  return {
    value: typed.slice(0, kept),
    clipped: `This card shows only the first ${kept.toLocaleString('en-GB')} of the ${typed.length.toLocaleString('en-GB')} characters sent.`,
  };
}

/**
 * Teams refuses a message over about 28 KB, and forms are large. An input's defaults
 * need not be written out: no placeholder, no limits, not required (and so no message
 * for when it is missing).
 */
function withoutEmptyDefaults(card: AdaptiveCardJson): AdaptiveCardJson {
  const prune = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(prune);
    else if (node !== null && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      for (const key of ['placeholder', 'min', 'max'] as const) if (o[key] === '') delete o[key];
      if (o.maxLength === 0) delete o.maxLength;
      if (o.style === 'default' && o.type === 'Action.Execute') delete o.style;
      if (o.isRequired === false) {
        delete o.isRequired;
        delete o.errorMessage;
      }
      Object.values(o).forEach(prune);
    }
  };
  prune(card);
  return card;
}
