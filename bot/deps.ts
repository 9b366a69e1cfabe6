import type { TeamsAdapter } from '@microsoft/teams-ai';
import type { ReviewDeps } from '../review/deps.js';
import type { BackgroundWork } from './background.js';
import type { EffectRunner } from '../review/run-effects.js';
import type { PersonalChats } from './personal-chats.js';
import type { TeamsUsers } from './teams-users.js';
import type { TeamsSender } from './teams-sender.js';
import type { Logger } from './logger.js';

/** What every handler may use. Built once at start-up (bot/server.ts). */
export interface PanelDeps {
  review: ReviewDeps;
  log: Logger;
  adapter: TeamsAdapter;
  /** The bot's Microsoft App ID; empty in local mode. */
  botAppId: string;
  /** The tenants served: the partnership's and any allowed (BOT_ALLOWED_TENANTS), lower case; when set, no other is. */
  tenants?: string[];
  /** New ids for referral submissions; injected so tests can predict them. */
  newId: () => string;
  /** Work that follows a turn (its effects), so the turn is answered at once. */
  background: BackgroundWork;
  /** The one caller of the Bot Connector for posts Panel starts itself. */
  sender: TeamsSender;
  /** Does what cases owe: after a turn, and in the sweep. */
  effects: EffectRunner;
  /** Where each person's one-to-one chat with Panel is. */
  chats: PersonalChats;
  /** People's Teams user ids, which a card's refresh names them by. */
  users: TeamsUsers;
}
