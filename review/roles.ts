/** The roles a partnership file can give. Anyone may refer; these need listing. */
export const ROLES = ['businessUnit', 'lead', 'panelMember', 'independentChair', 'admin', 'reviewer', 'learningGroup'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_NAMES: Record<Role, string> = {
  businessUnit: 'Business unit',
  lead: 'Agency safeguarding lead',
  panelMember: 'Panel member',
  independentChair: 'Independent chair',
  admin: 'Administrator',
  reviewer: 'Reviewer (independent or lead reviewer)',
  learningGroup: 'Learning and Improvement Group',
};
