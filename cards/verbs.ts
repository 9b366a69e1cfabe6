/**
 * Every card action verb, declared once. Each has one handler in bot/handlers/.
 * Card data never decides who may do what: handlers check the caller's identity.
 */
export const VERBS = {
  /** Referral step 1 → 2: the kind of review is chosen; show the form for it. */
  chooseReferralKind: 'referral.chooseKind',
  /** Referral step 2: validate and store, or show the form again with its problems. */
  submitReferral: 'referral.submit',
  /** Referral step 2: add or remove a family member's or a professional's row, keeping what was typed. */
  changeReferralRows: 'referral.rows',
  /** Channel card: show the full referral to a business-unit member, only to them. */
  viewCaseDetails: 'case.viewDetails',
  /** Channel card: back to the anonymised view. */
  hideCaseDetails: 'case.hideDetails',
  /** Channel card or details: the business unit chooses agencies and the due date. */
  startRapidReview: 'rapidReview.start',
  /** Start card: send the requests. */
  confirmRapidReview: 'rapidReview.confirm',
  /** Channel card: try again to reach the leads Panel could not. */
  resendRequests: 'rapidReview.resend',
  /** Channel card: no more returns or amendments; collate. */
  closeReturns: 'rapidReview.close',
  /** Channel card: the collated returns, to the business unit or the panel, in a view only they see. */
  viewCollation: 'rapidReview.viewCollation',
  /** Channel card: the business unit puts the case on hold (reason, and an end date or none). */
  holdCase: 'case.hold',
  /** Hold card: put it on hold. */
  confirmHold: 'case.confirmHold',
  /** Channel card: take the case off hold; its clocks resume with the time that was left. */
  releaseHold: 'case.release',
  /** Channel card: the business unit chooses a statutory duty to record as done. */
  chooseDuty: 'duty.choose',
  /** Duty card: record it as done. */
  recordDuty: 'duty.record',
  /** Safety concern card, one to one: the business unit acknowledges it, saying what was done. */
  acknowledgeSafety: 'safety.acknowledge',
  /** Details card: the business unit sends a serious child incident to the fast-track subgroup for a decision. */
  fastTrack: 'case.fastTrack',
  /** Details card: the business unit opens the review's plan, shown to them only. */
  showPlan: 'plan.show',
  /** Plan card opened from the review's card: back to the review's card. */
  showReview: 'review.show',
  /** Plan card: mark a step done, or move its date with a reason. */
  updatePlan: 'plan.update',
  /** Plan card: the publication date and the pre-publication checklist. */
  updatePublication: 'publication.update',
  /** Plan card (or directly, for the reviewer): the family's involvement and the log of contacts, to them only. */
  showFamily: 'family.show',
  /** Family card: the level agreed, the liaison officer, the interpreter, and a contact logged once. */
  updateFamily: 'family.update',
  /** Plan card: the business unit asks the agencies for their reports, by a due date. */
  requestReports: 'reports.request',
  /** Plan card: the agencies' reports as returned, to the business unit only. */
  readReports: 'reports.read',
  /** Report card, one to one: a lead sends their agency's report. */
  submitReport: 'report.submit',
  /** Report card: keep what is typed so far. */
  saveReportDraft: 'report.saveDraft',
  /** Plan card: the business unit arranges a meeting; each invitee is told one to one. */
  arrangeMeeting: 'meeting.arrange',
  /** Plan card: a meeting's minutes or outcome; the plan's step is done. */
  recordMeeting: 'meeting.record',
  /** Plan card: the business unit adds an action to the review's action plan. */
  addAction: 'action.add',
  /** Action card, one to one: its owner updates its status and evidence. */
  updateAction: 'action.update',
  /** Actions card: the Learning and Improvement Group signs a done action off. */
  signOffAction: 'action.signOff',
  /** Plan card: a decision not to publish, its reasons, and who was told. */
  notPublishing: 'publication.notPublishing',
  /** Audit trail card, one to one: another page of a case's trail (business unit only). */
  showAuditTrail: 'audit.show',
  /** Channel card: the business unit asks to close the case. */
  closeCase: 'case.close',
  /** Close card: close it; its retention starts. */
  confirmClose: 'case.confirmClose',
  /** Request card: the return form, from the agency's draft or current return. */
  openReturn: 'return.open',
  /** Request card: "we had no involvement", in one press. */
  nilReturn: 'return.nil',
  /** Return form: record the return. */
  submitReturn: 'return.submit',
  /** Return form: keep what is typed so far. */
  saveReturnDraft: 'return.saveDraft',
  /** Request card: choose a colleague to hand the request to. */
  chooseDelegate: 'return.chooseDelegate',
  /** Delegate card: hand it over. */
  delegateRequest: 'return.delegate',
  /** Back to the request card from the form or the delegate card. */
  showRequest: 'return.showRequest',
  /** Channel card: the business unit lists the case for the next panel before returns are collated. */
  listForPanel: 'case.listForPanel',
  /** Decision card: each viewer's own view (Teams' refresh), or back to it. */
  showDecision: 'decision.show',
  /** Decision card: a voter votes or changes their vote. */
  castVote: 'decision.vote',
  /** Decision card: the chair's form to close the vote. */
  closeVoteForm: 'decision.closeForm',
  /** Close form: record the decision. */
  closeVote: 'decision.close',
  /** Decided card: the chair opens a new vote, whose decision supersedes this one. */
  reopenVote: 'decision.reopen',
  /** Approval card, one to one: the approver of the case's kind approves the panel's recommendation. */
  approveDecision: 'decision.approve',
  /** Approval card: the approver sends the recommendation back, with a reason; the vote reopens. */
  sendBackDecision: 'decision.sendBack',
} as const;
