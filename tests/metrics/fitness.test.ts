/**
 * The agent-fitness path computes the selection scores with the same values
 * as the full scoring, bit for bit, on factors with ties, missing values,
 * heavy tails and label ties (where labels are re-ranked for the names that
 * have a factor), and reads no cell on or after the agents' lastDay.
 */
import { describe, expect, it } from 'vitest';
import { createAgentContexts, fitnessForAgents, scoreForAgents } from '../../evaluator/metrics/agentScores.js';
import { fitnessWithContext } from '../../evaluator/metrics/fitness.js';
import { createLabelContext } from '../../evaluator/metrics/labelContext.js';
import { scoreWithContext } from '../../evaluator/metrics/score.js';
import { makeAgentSplits } from '../../evaluator/metrics/splits.js';
import type { FactorScore, ScoringInputs } from '../../evaluator/metrics/types.js';
import type { FitnessScore } from '../../evaluator/metrics/fitness.js';
import { rng } from './fixtures.js';

const N = 80;
const T = 300;

function gaussian(u: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

function market(seed: number, labelLevels: number | null): ScoringInputs & { factors: Record<string, Float64Array> } {
  const u = rng(seed);
  const z = gaussian(u);
  const label = new Float64Array(N * T);
  const universe = new Uint8Array(N * T);
  const noise = new Float64Array(N * T);
  const smooth = new Float64Array(N * T);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let t = 0; t < T; t++) {
      const c = i * T + t;
      noise[c] = z();
      s = 0.9 * s + z();
      smooth[c] = s;
      const y = 0.05 * noise[c]! + z();
      label[c] = u() < 0.03 ? NaN : labelLevels === null ? y : Math.round(y * labelLevels);
      universe[c] = u() < 0.7 ? 1 : 0;
    }
  }
  const factors = {
    noise,
    smooth,
    ties: noise.map((v) => Math.round(v)),
    'heavy tails': noise.map((v) => Math.exp(4 * v)),
    '30% missing, +-inf': noise.map((v, c) => ((c * 7919) % 10 < 3 ? (c % 3 === 0 ? Infinity : NaN) : v)),
    'constant days': noise.map((v, c) => ((c % T) % 17 === 0 ? 1 : v)),
  };
  return { N, T, label, universe, factors };
}

function selectionFields(score: FactorScore | FitnessScore): unknown {
  const { range, ic, rankIc, mutualInformation, nanRatio, dayCoverage } = score;
  return { range, ic, rankIc, mutualInformation, nanRatio, dayCoverage };
}

describe('fitness equals the full score on the fields selection reads', () => {
  for (const labelLevels of [null, 2]) {
    const inputs = market(3 + (labelLevels ?? 0), labelLevels);
    const context = createLabelContext(inputs, { start: 20, end: 260 });
    for (const [name, factor] of Object.entries(inputs.factors)) {
      it(`${name}, ${labelLevels === null ? 'continuous labels' : 'labels with ties'}`, () => {
        const full = scoreWithContext(factor, context, { minNames: 5 });
        const fit = fitnessWithContext(factor, context, { minNames: 5 });
        expect(full.ic.days).toBeGreaterThan(100);
        expect(selectionFields(fit)).toEqual(selectionFields(full));
        // bit for bit, not just toEqual's numeric equality
        expect(Object.is(fit.rankIc.mean, full.rankIc.mean) && Object.is(fit.mutualInformation, full.mutualInformation)).toBe(true);
      });
    }
  }
});

describe('fitnessForAgents', () => {
  it('matches scoreForAgents and reads nothing on or after lastDay', () => {
    const inputs = market(9, null);
    const splits = makeAgentSplits(
      { start: 0, end: 150, first: 'd0', last: 'd149' },
      { start: 150, end: 200, first: 'd150', last: 'd199' },
      [],
    );
    const factor = inputs.factors.smooth!;
    const clean = fitnessForAgents(factor, createAgentContexts(inputs, splits));
    const full = scoreForAgents(factor, createAgentContexts(inputs, splits));
    expect(selectionFields(clean.train)).toEqual(selectionFields(full.train));
    expect(selectionFields(clean.valid)).toEqual(selectionFields(full.valid));
    // poison every cell on or after lastDay, factor and label, and make them members
    const poison = (a: Float64Array): Float64Array => a.map((v, c) => (c % T >= splits.lastDay ? 1e300 * ((c % 5) - 2) : v));
    const universe = inputs.universe!.map((v, c) => (c % T >= splits.lastDay ? 1 : v));
    const poisoned = fitnessForAgents(poison(factor), createAgentContexts({ ...inputs, label: poison(inputs.label), universe }, splits));
    expect(poisoned).toEqual(clean);
  });
});
