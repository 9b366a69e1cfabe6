/**
 * What someone typed, made to show as they typed it where Teams would read it as
 * something else. Data binding already keeps `${…}` literal (render.ts); Teams itself
 * still formats `{{DATE(…)}}` and `{{TIME(…)}}` in every text it shows, and reads
 * TextBlocks and facts as markdown, where `[click](https://evil.example)` is a link that
 * hides where it goes. A word joiner (U+2060, invisible and never a line break) after
 * the first brace, and after every closing bracket, undoes both and leaves every
 * character as typed. Only ever for text shown: an input's value goes back as typed.
 */
const WORD_JOINER = '\u2060';

/** For a TextRun, which Teams never reads as markdown but does scan for its date functions. */
export const typedForTextRun = (text: string): string => text.replace(/\{(?=\{)/g, `{${WORD_JOINER}`);

/** For a TextBlock or a fact, which Teams reads as markdown: a link, or a reference to one, stays text. */
export const typedForMarkdown = (text: string): string => typedForTextRun(text).replace(/\]/g, `]${WORD_JOINER}`);
