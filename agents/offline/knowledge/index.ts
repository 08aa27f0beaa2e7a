/** The knowledge base: every family, by specialist and by id. */
import { LEVEL1 } from './level1.js';
import { LEVEL2 } from './level2.js';
import { LEVEL3 } from './level3.js';
import { LEVEL4 } from './level4.js';
import { LEVEL5 } from './level5.js';
import { LEVEL6 } from './level6.js';
import { LEVEL7 } from './level7.js';
import type { Family } from './types.js';

export { GATE_BY_ID, GATE_STATES, SIGNAL_BY_ID, SIGNALS } from './signals.js';
export { MACROS, WINDOW_LADDERS, renderExpression, renderText, sampleWindows } from './templates.js';
export type { BlockValues, PhraseValues, Windows } from './templates.js';
export type { BlockSlot, Family, GateState, Mechanism, Signal, SignalSource, TimeScale } from './types.js';

export const FAMILIES: readonly Family[] = [...LEVEL1, ...LEVEL2, ...LEVEL3, ...LEVEL4, ...LEVEL5, ...LEVEL6, ...LEVEL7];

export const FAMILY_BY_ID: ReadonlyMap<string, Family> = new Map(FAMILIES.map((f) => [f.id, f]));

const bySpecialist = new Map<string, Family[]>();
for (const family of FAMILIES) {
  const list = bySpecialist.get(family.specialist) ?? [];
  list.push(family);
  bySpecialist.set(family.specialist, list);
}

/** The families of a specialist's remit (empty for an unknown, e.g. attached, specialist). */
export function familiesOf(specialist: string): readonly Family[] {
  return bySpecialist.get(specialist) ?? [];
}
