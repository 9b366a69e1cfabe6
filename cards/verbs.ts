/**
 * Every card action verb, declared once. Each has one handler in bot/handlers/.
 * Card data never decides who may do what: handlers check the caller's identity.
 */
export const VERBS = {
  /** Referral step 1 → 2: the kind of review is chosen; show the form for it. */
  chooseReferralKind: 'referral.chooseKind',
  /** Referral step 2: validate and store, or show the form again with its problems. */
  submitReferral: 'referral.submit',
  /** Channel card: show the full referral to a business-unit member, only to them. */
  viewCaseDetails: 'case.viewDetails',
  /** Channel card: back to the anonymised view. */
  hideCaseDetails: 'case.hideDetails',
} as const;
