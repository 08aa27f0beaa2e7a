/**
 * A small synthetic market split as the swarm splits real data: train, valid,
 * and a test period agents must never touch. `poisoned` gives the same market
 * with every field and label cell from the first test day on replaced by
 * garbage, so a test can prove nothing agent-side reads them.
 */
import type { EvaluationData } from '../../agents/evaluation/candidateScorer.js';
import { syntheticMarket, SYNTHETIC_LABEL } from '../../evaluator/data/index.js';
import { FactorEngine } from '../../evaluator/engine.js';
import type { AgentSplits, SplitRange } from '../../evaluator/metrics/index.js';
import type { Panel } from '../../evaluator/panel.js';
import { compileLabel } from '../../operators/compile.js';

export interface Market {
  readonly data: EvaluationData;
  /** The first test day (= splits.lastDay). */
  readonly testStart: number;
}

function range(calendar: readonly string[], start: number, end: number): SplitRange {
  return { start, end, first: calendar[start]!, last: calendar[end - 1]! };
}

export function market(options: { instruments?: number; days?: number; seed?: number } = {}): Market {
  const panel = syntheticMarket({ instruments: options.instruments ?? 60, days: options.days ?? 400, seed: options.seed ?? 3 });
  const T = panel.T;
  const trainEnd = Math.floor(T * 0.55);
  const validEnd = Math.floor(T * 0.8);
  const splits: AgentSplits = { train: range(panel.calendar, 0, trainEnd), valid: range(panel.calendar, trainEnd, validEnd), lastDay: validEnd, notes: [] };
  const universe = panel.universes.synth30!.mask;
  const compiled = compileLabel(SYNTHETIC_LABEL);
  if (!compiled.ok) throw compiled.error;
  const label = new FactorEngine(panel, { universe, lastDay: splits.lastDay }).evaluate(compiled.ast);
  return { data: { panel, universe, splits, label }, testStart: validEnd };
}

/** The same market with every cell on or after `testStart` of every field and of the label set to garbage, and universe membership flipped there. */
export function poisoned({ data, testStart }: Market): Market {
  const { panel } = data;
  const poison = (series: Float64Array): Float64Array => {
    const out = Float64Array.from(series);
    for (let i = 0; i < panel.N; i++) for (let t = testStart; t < panel.T; t++) out[i * panel.T + t] = (i + t) % 3 === 0 ? NaN : 1e9 * ((i * 7 + t) % 11) - 3e9;
    return out;
  };
  const fields = Object.fromEntries(Object.entries(panel.fields).map(([name, values]) => [name, poison(values)]));
  const universe = Uint8Array.from(data.universe!);
  for (let i = 0; i < panel.N; i++) for (let t = testStart; t < panel.T; t++) universe[i * panel.T + t] ^= 1;
  const poisonedPanel: Panel = { ...panel, fields };
  return { data: { ...data, panel: poisonedPanel, universe, label: poison(data.label) }, testStart };
}
