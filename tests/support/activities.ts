import { randomUUID } from 'node:crypto';

/** The demo partnership's people (partnership/demo.yaml), as Teams identifies them. */
export const PEOPLE = {
  dana: { id: '29:dana', aadObjectId: '11111111-1111-4111-8111-111111111111', name: 'Dana Evans' },
  sam: { id: '29:sam', aadObjectId: '22222222-2222-4222-8222-222222222222', name: 'Sam Patel' },
  alex: { id: '29:alex', aadObjectId: '33333333-3333-4333-8333-333333333333', name: 'Alex Jones' },
  priya: { id: '29:priya', aadObjectId: '44444444-4444-4444-8444-444444444444', name: 'Priya Shah' },
  jo: { id: '29:jo', aadObjectId: '55555555-5555-4555-8555-555555555555', name: 'Jo Reed' },
  kim: { id: '29:kim', aadObjectId: '66666666-6666-4666-8666-666666666666', name: 'Kim Lee' },
  lee: { id: '29:lee', aadObjectId: '77777777-7777-4777-8777-777777777777', name: 'Lee Morgan' },
  ravi: { id: '29:ravi', aadObjectId: '88888888-8888-4888-8888-888888888888', name: 'Ravi Kumar' },
  morgan: { id: '29:morgan', aadObjectId: '99999999-9999-4999-8999-999999999999', name: 'Morgan Price' },
  chris: { id: '29:chris', aadObjectId: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', name: 'Chris Hall' },
  taylor: { id: '29:taylor', aadObjectId: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', name: 'Taylor Ward' },
  noor: { id: '29:noor', aadObjectId: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc', name: 'Noor Ali' },
  ellis: { id: '29:ellis', aadObjectId: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd', name: 'Ellis Grant' },
  rowan: { id: '29:rowan', aadObjectId: 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee', name: 'Rowan Blake' },
  sasha: { id: '29:sasha', aadObjectId: 'ffffffff-ffff-4fff-8fff-ffffffffffff', name: 'Sasha Cole' },
  quinn: { id: '29:quinn', aadObjectId: '12121212-1212-4121-8121-121212121212', name: 'Quinn Doyle' },
  avery: { id: '29:avery', aadObjectId: '13131313-1313-4131-8131-131313131313', name: 'Avery Moss' },
  jamie: { id: '29:jamie', aadObjectId: '14141414-1414-4141-8141-141414141414', name: 'Jamie Frost' },
} as const;
export type PersonKey = keyof typeof PEOPLE;

export const TENANT = '8f1c7a52-3f0e-4d7b-9a51-5a8f3c2e1d00';
export const BOT = { id: '28:panel-bot', name: 'Panel' };
export const REFERRALS_CHANNEL = '19:referrals@thread.tacv2';
export const TEAM = '19:team@thread.tacv2';
export const PANEL_CHANNEL = '19:panel@thread.tacv2';

export type Activity = Record<string, unknown>;

function base(serviceUrl: string, who: PersonKey, conversation: Record<string, unknown>): Activity {
  return {
    id: randomUUID(),
    channelId: 'msteams',
    serviceUrl,
    timestamp: new Date().toISOString(),
    from: PEOPLE[who],
    recipient: BOT,
    conversation: { tenantId: TENANT, ...conversation },
    channelData: { tenant: { id: TENANT } },
  };
}

const personalChat = (who: PersonKey) => ({ id: `a:personal-${who}`, conversationType: 'personal' });

/** A message in `who`'s personal chat with Panel. */
export function personalMessage(serviceUrl: string, who: PersonKey, text: string): Activity {
  return { ...base(serviceUrl, who, personalChat(who)), type: 'message', text };
}

/** A post in a channel (the referrals channel unless named) that @mentions Panel. */
export function channelMention(serviceUrl: string, who: PersonKey, text: string, channel = REFERRALS_CHANNEL): Activity {
  return {
    ...base(serviceUrl, who, {
      id: `${channel};messageid=${Date.now()}`,
      conversationType: 'channel',
      isGroup: true,
    }),
    type: 'message',
    text: `<at>Panel</at> ${text}`,
    entities: [{ type: 'mention', text: '<at>Panel</at>', mentioned: BOT }],
    channelData: { tenant: { id: TENANT }, team: { id: TEAM }, channel: { id: channel } },
  };
}

/** An Adaptive Card Action.Execute from `who`, in a personal chat, the referrals channel or the panel's. */
export function cardAction(
  serviceUrl: string,
  who: PersonKey,
  verb: string,
  data: Record<string, unknown>,
  where: 'personal' | 'channel' | 'panel' = 'personal',
): Activity {
  const conversation =
    where === 'personal'
      ? personalChat(who)
      : { id: `${where === 'panel' ? PANEL_CHANNEL : REFERRALS_CHANNEL};messageid=1`, conversationType: 'channel', isGroup: true };
  return {
    ...base(serviceUrl, who, conversation),
    type: 'invoke',
    name: 'adaptiveCard/action',
    replyToId: 'card-1',
    value: { action: { type: 'Action.Execute', verb, data } },
  };
}
