/**
 * Text someone might type into a card to break it (issue 19): template expressions for
 * adaptivecards-templating and for Teams' own date functions, markdown and HTML, a
 * mention, right-to-left and zero-width characters, and a string far over any limit.
 * Each must show as typed, or be refused beside its field.
 */
export const HOSTILE = {
  /** adaptivecards-templating's own expressions: data binding must not expand them. */
  templateName: '${name}',
  templateRoot: '${$root.x}',
  /** Teams' date function, which TextBlocks and TextRuns would format. */
  teamsDate: '{{DATE(2026-01-01T00:00:00Z, SHORT)}}',
  markdownLink: '[click](https://evil.example)',
  mention: '<at>Sam</at>',
  html: '<script>alert(1)</script><b>x</b>',
  /** Arabic and Hebrew, with a right-to-left override in the middle. */
  rightToLeft: 'مرحبا \u202Eשלום\u202C عالم',
  /** Zero-width space and byte-order mark inside a word (trimming would take a BOM at either end). */
  zeroWidth: 'Sam\u200Bantha\uFEFF Lee',
} as const;

/** A 100 KB string: over every field's limit, and over Teams' size for a whole card. */
export const HUGE = 'x'.repeat(100 * 1024);

/** Every short hostile value, in one line of text. */
export const ALL_HOSTILE = Object.values(HOSTILE).join(' ');
