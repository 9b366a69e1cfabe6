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
  return new ACData.Template(template).expand({ $root: data }) as AdaptiveCardJson;
}
