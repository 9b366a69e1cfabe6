import type { TurnContext } from 'botbuilder';
import { userKey, type ChannelAddress } from '../review/store.js';
import { callerOf } from './caller.js';
import type { PanelDeps } from './deps.js';

/**
 * People's Teams user ids (`from.id`, "29:…"), by Entra object id. A card's
 * `refresh.userIds` names people by this id, not the Entra one. Panel learns it from
 * each person's turns, and from the roster of the panel's team when it posts the
 * agenda; only for people the partnership file lists, and a setting is written only
 * when it is new or has changed.
 */
/** How long Panel takes the store's word that it knows no Teams id for someone (another instance may learn it). */
const UNKNOWN_FOR_MS = 10 * 60_000;

export class TeamsUsers {
  private readonly known = new Map<string, string>();
  /** When the store last had no Teams id for someone. */
  private readonly unknownSince = new Map<string, number>();

  /** From any turn: the sender's Teams id. */
  async remember(context: TurnContext, deps: PanelDeps): Promise<void> {
    const caller = callerOf(context);
    const id = context.activity.from?.id;
    if (caller && id) await this.learn(deps, caller.aadObjectId, id);
  }

  /** From the roster of a channel's team: everyone the partnership file lists who is in it. */
  async rememberTeam(deps: PanelDeps, channel: ChannelAddress): Promise<void> {
    const teamId = channel.teamId;
    if (!teamId) return;
    for await (const member of deps.sender.teamMembers(channel.serviceUrl, teamId)) await this.learn(deps, member.aadObjectId, member.id);
  }

  /**
   * The Teams ids Panel knows of these people; someone it has never seen is left out. The
   * store is asked about someone unknown at most once in UNKNOWN_FOR_MS: a card refreshed
   * at every vote must not read a setting per voter each time.
   */
  async idsOf(deps: PanelDeps, aadObjectIds: readonly string[]): Promise<string[]> {
    const ids: string[] = [];
    const now = deps.review.now().getTime();
    for (const aad of aadObjectIds) {
      const key = userKey(aad);
      let id = this.known.get(key);
      if (!id && (this.unknownSince.get(key) ?? -Infinity) <= now - UNKNOWN_FOR_MS) {
        id = (await deps.review.store.getSetting(key))?.id;
        if (id) this.known.set(key, id);
        else this.unknownSince.set(key, now);
      }
      if (id) ids.push(id);
    }
    return ids;
  }

  private async learn(deps: PanelDeps, aadObjectId: string, id: string): Promise<void> {
    if (!deps.review.directory.find(aadObjectId)) return;
    const key = userKey(aadObjectId);
    if (this.known.get(key) === id) return;
    await deps.review.store.putSetting(key, { id, at: deps.review.now().toISOString() });
    this.known.set(key, id);
    this.unknownSince.delete(key);
  }
}
