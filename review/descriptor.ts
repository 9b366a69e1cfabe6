import type { AgeGroup } from './referral.js';

const LABELS: Record<AgeGroup, string> = {
  baby: 'Baby',
  youngPerson: 'Young Person',
  adult: 'Adult',
};

/** A, B, ... Z, AA, AB, ...: the letter of the nth case (1-based). */
export function caseLetter(n: number): string {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`case number must be 1 or more: ${n}`);
  let letters = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) {
    letters = String.fromCharCode(65 + ((k - 1) % 26)) + letters;
  }
  return letters;
}

/**
 * The anonymous descriptor a case goes by in channels and papers: "Baby (under 2),
 * Young Person (3-17) or Adult (18+)" with a letter (Suffolk guidance). The guidance
 * leaves age 2 out; it falls to Young Person here, since a two-year-old is not under 2.
 * The letter comes from the case's place in the year's sequence, so it is unique in
 * the year and says nothing about the person.
 */
export function describeAnonymously(ageGroup: AgeGroup, sequence: number): string {
  return `${LABELS[ageGroup]} ${caseLetter(sequence)}`;
}
