import * as ACData from 'adaptivecards-templating';

/** An Adaptive Card as JSON, ready to send. */
export interface AdaptiveCardJson {
  type: 'AdaptiveCard';
  version: string;
  body?: unknown[];
  actions?: unknown[];
  [key: string]: unknown;
}

/**
 * Fills a template with data. User text enters only through data binding: the
 * templating engine does not expand `${…}` found inside bound values, so nothing a
 * user types can change a card's structure.
 */
export function renderCard(template: object, data: object): AdaptiveCardJson {
  return compiled(template).expand({ $root: data }) as AdaptiveCardJson;
}

// A Template parses its expressions once; making one per card costs twenty times the
// expansion. Templates are module constants, so they are kept for the process's life.
const templates = new WeakMap<object, ACData.Template>();
function compiled(template: object): ACData.Template {
  let t = templates.get(template);
  if (!t) {
    t = new ACData.Template(template);
    templates.set(template, t);
  }
  return t;
}
