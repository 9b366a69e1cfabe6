import type { CaseRecord } from '../review/case.js';
import type { Versioned } from '../review/store.js';
import type { PanelDeps } from './deps.js';

/**
 * Does what the turn's change owes (its effects, stored with it), straight after the
 * turn is answered: a Teams invoke must be answered within 5 seconds. If Panel stops
 * first, the sweep does them. `known` is the version the turn wrote, to save a read.
 */
export function runAfterTurn(deps: PanelDeps, reference: string, known?: Versioned<CaseRecord>): void {
  deps.background.run('effects', async () => {
    await deps.effects.run(reference, known);
  });
}
