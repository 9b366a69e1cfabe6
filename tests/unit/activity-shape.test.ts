import { describe, expect, it } from 'vitest';
import { activityShape } from '../../bot/activity-shape.js';
import { channelMention, personalMessage, type Activity } from '../support/activities.js';

const URL = 'https://smba.example/';
const problems = (activity: Activity) => {
  const parsed = activityShape.safeParse(activity);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join('.'));
};

describe('the activity shape checked before a turn', () => {
  it("takes Teams' own activities: a message, a channel mention, a card action, a conversation update", () => {
    expect(problems(personalMessage(URL, 'dana', 'help'))).toEqual([]);
    expect(problems(channelMention(URL, 'sam', 'use this channel for referrals'))).toEqual([]);
    expect(
      problems({ ...personalMessage(URL, 'dana', ''), type: 'conversationUpdate', text: undefined, membersAdded: [{ id: '28:x' }] }),
    ).toEqual([]);
  });

  it('refuses what the Bot Connector client would refuse to echo back in a reply: fields of the wrong type', () => {
    const message = personalMessage(URL, 'dana', 'help');
    expect(problems({ ...message, id: 42 })).toEqual(['id']);
    expect(problems({ ...message, recipient: { id: '28:panel', aadObjectId: false } })).toEqual(['recipient.aadObjectId']);
    expect(problems({ ...message, conversation: { id: 'a:x', aadObjectId: 1e308 } })).toEqual(['conversation.aadObjectId']);
    expect(problems({ ...message, conversation: { id: 'a:x', isGroup: 'yes' } })).toEqual(['conversation.isGroup']);
    expect(problems({ ...message, replyToId: {} })).toEqual(['replyToId']);
    expect(problems({ ...message, locale: 7 })).toEqual(['locale']);
  });

  it('refuses what botbuilder would fail on removing the mention: text or entities of the wrong type', () => {
    const mention = channelMention(URL, 'sam', 'help');
    expect(problems({ ...mention, text: {} })).toEqual(['text']);
    expect(problems({ ...mention, text: undefined })).toEqual(['text']);
    expect(problems({ ...mention, entities: null })).toEqual(['entities']);
    expect(problems({ ...mention, entities: [[1]] })).toEqual(['entities.0']);
    expect(problems({ ...mention, entities: [{ type: 'mention', text: '<at>Panel</at>' }] })).toEqual(['entities.0.mentioned.id']);
    expect(problems({ ...mention, entities: [{ type: 'mention', mentioned: { id: '28:panel-bot' } }] })).toEqual(['entities.0.text']);
    expect(problems({ ...mention, entities: [{ text: 'x' }] })).toEqual(['entities.0.type']);
  });
});
