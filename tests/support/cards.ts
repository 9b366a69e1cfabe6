/** Helpers to read Adaptive Card JSON in assertions. */
export type Json = Record<string, unknown>;

/** Visits every object in a JSON tree, depth first, with the array it sits in. */
export function walk(
  node: unknown,
  visit: (obj: Json, siblings: readonly unknown[] | undefined) => void,
  siblings?: readonly unknown[],
): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit, node));
  else if (node !== null && typeof node === 'object') {
    visit(node as Json, siblings);
    for (const v of Object.values(node as Json)) walk(v, visit);
  }
}

export function inputs(card: unknown): Json[] {
  const found: Json[] = [];
  walk(card, (o) => {
    if (typeof o.type === 'string' && o.type.startsWith('Input.')) found.push(o);
  });
  return found;
}

export function input(card: unknown, id: string): Json {
  const found = inputs(card).find((i) => i.id === id);
  if (!found) throw new Error(`no input ${id}`);
  return found;
}

/** The error shown under an input: the Attention TextBlock right after it. */
export function errorUnder(card: unknown, id: string): string | undefined {
  let message: string | undefined;
  walk(card, (o) => {
    const items = o.items;
    if (!Array.isArray(items)) return;
    const at = items.findIndex((i: Json) => i.id === id);
    const next = at >= 0 ? (items[at + 1] as Json | undefined) : undefined;
    if (next && next.type === 'TextBlock' && next.color === 'Attention') message = String(next.text);
  });
  return message;
}

export function texts(card: unknown): string[] {
  const found: string[] = [];
  walk(card, (o) => {
    if (o.type === 'TextBlock' && typeof o.text === 'string') found.push(o.text);
    if (o.type === 'RichTextBlock' && Array.isArray(o.inlines)) {
      found.push((o.inlines as Json[]).map((i) => String(i.text)).join(''));
    }
    if (typeof o.title === 'string' && typeof o.value === 'string') found.push(`${o.title}: ${o.value}`);
  });
  return found;
}

export function actions(card: unknown): Json[] {
  const found: Json[] = [];
  walk(card, (o) => {
    if (o.type === 'Action.Execute') found.push(o);
  });
  return found;
}

/** The card attached to a connector call's activity. */
export function cardOf(activity: Json): Json {
  const attachments = activity.attachments as { content: Json }[] | undefined;
  const card = attachments?.[0]?.content;
  if (!card) throw new Error(`no card in ${JSON.stringify(activity)}`);
  return card;
}
