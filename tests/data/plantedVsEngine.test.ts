/**
 * The contract between the synthetic market and the factor engine: each
 * planted expression, compiled and evaluated by the engine on the panel, has
 * exactly the values the generator planted (so a miner that finds the
 * expression finds the planted signal), and the RankIC the metadata reports.
 */
import { beforeAll, describe, expect, it } from 'vitest';

import { syntheticMarket, type PlantedSignal } from '../../evaluator/data/synthetic/market.js';
import { PLANTED_SIGNALS, type SignalFields } from '../../evaluator/data/synthetic/plantedSignals.js';
import { meanRankIcs } from '../../evaluator/data/synthetic/rankIc.js';
import { FactorEngine } from '../../evaluator/engine.js';
import type { Panel } from '../../evaluator/panel.js';
import { compileFactor, compileLabel } from '../../operators/compile.js';

describe('planted signals through the factor engine', () => {
  let panel: Panel;
  let engine: FactorEngine;
  beforeAll(() => {
    panel = syntheticMarket({ seed: 4, instruments: 120, days: 600 });
    engine = new FactorEngine(panel);
  });

  it('the engine computes every planted expression exactly as the generator did', () => {
    const label = compileLabel(panel.source.meta!.label as string);
    if (!label.ok) throw label.error;
    const labelValues = engine.evaluate(label.ast);
    for (const planted of panel.source.meta!.plantedSignals as PlantedSignal[]) {
      const compiled = compileFactor(planted.expression);
      if (!compiled.ok) throw compiled.error;
      const values = engine.evaluate(compiled.ast);
      const spec = PLANTED_SIGNALS.find((s) => s.name === planted.name)!;
      const mismatches: string[] = [];
      for (let i = 0; i < panel.N; i++) {
        for (let t = 0; t < panel.T; t++) {
          const inside = t >= panel.start[i]! && t < panel.end[i]!;
          const expected = inside ? spec.value(panel.fields as unknown as SignalFields, i * panel.T, panel.start[i]!, t) : NaN;
          const actual = values[i * panel.T + t]!;
          const same = Number.isNaN(expected) ? Number.isNaN(actual) : Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
          if (!same && mismatches.length < 3) mismatches.push(`${planted.name} at ${i},${t}: engine ${actual}, generator ${expected}`);
        }
      }
      expect(mismatches).toEqual([]);
      // Values equal to ~1e-12 can still swap the order of two nearly tied instruments: RankICs agree to 1e-4.
      expect(meanRankIcs([values], labelValues, panel.N, panel.T)[0]).toBeCloseTo(planted.realisedRankIc, 4);
    }
  });
});
