import type { TurnContext } from 'botbuilder';
import { ROLE_NAMES } from '../../review/roles.js';
import { callerOf, conversationKind } from '../caller.js';
import type { PanelDeps } from '../deps.js';

/** `help`: what the caller can do here, by their roles. */
export async function help(context: TurnContext, deps: PanelDeps): Promise<void> {
  const caller = callerOf(context);
  const person = deps.review.directory.find(caller?.aadObjectId);
  const roles = person?.roles ?? [];
  const lines: string[] = [];
  if (conversationKind(context) === 'personal') {
    lines.push(
      `**Panel** helps ${deps.review.partnership.name} decide on safeguarding practice reviews.`,
      '',
      'Anyone can:',
      '- **refer** (or "new referral", "make a referral"): ask for a review of a case',
      '- **status REF-2026-0001**: see where a case you referred has got to',
      '- **my tasks**: what you owe, with due dates',
      '- **actions**: the review actions you own (or, for the Learning and Improvement Group and the business unit, every open one)',
    );
  } else {
    lines.push('Here, mention Panel: **@Panel help**. Referrals and case details stay in a personal chat with Panel.');
  }
  if (roles.includes('businessUnit')) {
    lines.push(
      '',
      `As **${ROLE_NAMES.businessUnit}** you can also:`,
      '- **status REF-…** on any case, with its full details',
      '- **@Panel use this channel for referrals** in a Teams channel: new referrals are posted there, anonymised',
      '- **View details** on a referral card in that channel: the full referral, shown to you alone',
      '- **Start rapid review** on that card: ask the agencies what they knew; the card shows their returns as they arrive',
      '- **Close returns**, then **View collation** (or **collation REF-…** here): the returns, agency by agency',
      "- **Put on hold** and **Take off hold** on that card: the case's clocks and reminders stop, then resume",
      "- **@Panel use this channel for the panel** in the panel's channel, then **agenda** and **post agenda** (which opens each case's vote)",
      '- **List for panel** on a case card: on the next agenda before its returns are in',
      "- **Review plan** on a review's card in the case's thread: mark steps done, move or add them, request agency reports, arrange meetings, the family log, the action plan, publication",
      "- **audit REF-…**: the case's audit trail (who did or saw what, when), and whether it is intact",
      '- **report 2026**: the annual summary of the partnership year from 1 April 2026, with its workbook to save (no personal data)',
    );
  }
  if (roles.includes('lead')) {
    lines.push(
      '',
      `As **${ROLE_NAMES.lead}** you get the rapid review requests for your agency here. Answer on the card ` +
        '(a nil return is one press), save a draft and come back, or hand the request to a colleague.',
    );
  }
  if (roles.includes('reviewer')) {
    lines.push('', `As **${ROLE_NAMES.reviewer}**, **family REF-…** opens a review's family involvement log, to you alone.`);
  }
  if (roles.includes('learningGroup')) {
    lines.push(
      '',
      `As **${ROLE_NAMES.learningGroup}** you see every open review action by agency with **actions**, the overdue ones first, and sign done ones off.`,
    );
  }
  if (roles.includes('panelMember') || roles.includes('independentChair')) {
    lines.push(
      '',
      "For the panel: **agenda** lists the next panel's cases; **collation REF-…** shows a case's collated rapid review returns, to you alone. " +
        "Vote on each case's decision card in the panel's channel; **my tasks** lists the votes waiting for you.",
    );
  }
  const others = roles.filter((r) => r !== 'businessUnit');
  if (others.length > 0) {
    lines.push('', `You are listed as: ${others.map((r) => ROLE_NAMES[r]).join(', ')}.`);
  }
  await context.sendActivity({ type: 'message', textFormat: 'markdown', text: lines.join('\n') });
}

/** Anything Panel does not understand: a pointer to `help`, never silence. */
export async function unknownMessage(context: TurnContext): Promise<void> {
  await context.sendActivity('Sorry, I did not understand that. Type **help** to see what I can do.');
}

/** When Panel is added to a personal chat. */
export async function welcome(context: TurnContext, deps: PanelDeps): Promise<void> {
  await context.sendActivity(
    `Hello, I am **Panel**, the safeguarding practice review assistant of ${deps.review.partnership.name}. ` +
      'Type **refer** to make a referral, or **help** to see what I can do.',
  );
}
