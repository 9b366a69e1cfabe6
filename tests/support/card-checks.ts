import { createRequire } from 'node:module';
import { texts, walk, type Json } from './cards.js';

/**
 * Teams takes a bot message of about 100 KB of UTF-16 and advises keeping to 80 KB
 * ("Format your bot messages"): 40,000 characters of card JSON, as tests/unit/cards.test.ts holds.
 */
export const TEAMS_LIMIT = 40_000;

interface AdaptiveCardsLibrary {
  AdaptiveCard: new () => {
    parse(json: unknown, context?: unknown): void;
    validateProperties(): { validationEvents: { message: string }[] };
  };
  SerializationContext: new () => { readonly eventCount: number; getEventAt(index: number): { message: string } };
}
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as AdaptiveCardsLibrary;

/** Everything the Adaptive Cards library says while parsing and validating a card, as a host would parse it. */
export function libraryProblems(card: unknown): string[] {
  const parsed = new AC.AdaptiveCard();
  const context = new AC.SerializationContext();
  parsed.parse(card, context);
  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(`parse: ${context.getEventAt(i).message}`);
  for (const event of parsed.validateProperties().validationEvents) problems.push(`validate: ${event.message}`);
  return problems;
}

/** Text as Teams shows it: the word joiners that keep typed text literal (cards/shown-as-typed.ts) show as nothing. */
export const asShown = (s: string): string => s.replaceAll('\u2060', '');

/** Every text a card shows, as it shows it. */
export const shownTexts = (card: unknown): string[] => texts(card).map(asShown);

/** The texts Teams reads as markdown (TextBlocks and facts), and those it does not (TextRuns). */
export function textsByKind(card: unknown): { markdown: string[]; runs: string[] } {
  const markdown: string[] = [];
  const runs: string[] = [];
  walk(card, (o) => {
    if (o.type === 'TextBlock' && typeof o.text === 'string') markdown.push(o.text);
    if (o.type === 'FactSet' && Array.isArray(o.facts)) for (const f of o.facts as Json[]) markdown.push(String(f.title), String(f.value));
    if (o.type === 'TextRun' && typeof o.text === 'string') runs.push(o.text);
  });
  return { markdown, runs };
}

/**
 * What every card Panel gives anyone must be, whatever was typed into it: within Teams'
 * size, valid to the Adaptive Cards library, with no mention in it, no markdown link (or
 * reference to one) where Teams reads markdown, and no date function Teams would format.
 */
export function cardProblems(card: unknown): string[] {
  const problems: string[] = [];
  const size = JSON.stringify(card).length;
  if (size >= TEAMS_LIMIT) problems.push(`${size} characters of JSON, over Teams' ${TEAMS_LIMIT}`);
  problems.push(...libraryProblems(card));
  if (JSON.stringify(card).includes('"mention"')) problems.push('a mention entity');
  const { markdown, runs } = textsByKind(card);
  for (const text of markdown) if (/\][([:]/.test(text)) problems.push(`a markdown link in ${JSON.stringify(text.slice(0, 80))}`);
  for (const text of [...markdown, ...runs])
    if (text.includes('{{')) problems.push(`a Teams date function in ${JSON.stringify(text.slice(0, 80))}`);
  return problems;
}
