/**
 * The criteria for a review (Suffolk, "Referral Decision"): whether the case highlights
 * or may highlight each. "Not all criteria need to be met for a review to be initiated":
 * the panel records which it found met, and each agency's return says which it supports.
 */
export const CRITERIA = ['improvements', 'recurrentThemes', 'workingTogether', 'seriousHarm', 'death'] as const;
export type Criterion = (typeof CRITERIA)[number];

export const CRITERION_NAMES: Record<Criterion, string> = {
  improvements: 'Improvements needed to safeguard and promote their welfare (including ones identified before)',
  recurrentThemes: 'Recurrent themes in safeguarding and promoting their welfare',
  workingTogether: 'Concerns about two or more agencies working together effectively',
  seriousHarm: 'Evidence of serious abuse, neglect, permanent harm, reduced capacity or quality of life',
  death: 'A death which is or could be the result of abuse or neglect',
};

/** Short names, for a line on a card that lists several. */
export const CRITERION_SHORT: Record<Criterion, string> = {
  improvements: 'improvements needed',
  recurrentThemes: 'recurrent themes',
  workingTogether: 'agencies working together',
  seriousHarm: 'serious abuse or harm',
  death: 'death from abuse or neglect',
};

/** The criteria a card's multi-select sent ("a,b"), in the order above; `unknown` says whether any was not one. */
export function criteriaOf(value: string): { criteria: Criterion[]; unknown: boolean } {
  const asked = value === '' ? [] : value.split(',').map((s) => s.trim());
  return { criteria: CRITERIA.filter((c) => asked.includes(c)), unknown: asked.some((a) => !(CRITERIA as readonly string[]).includes(a)) };
}
