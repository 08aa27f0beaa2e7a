/**
 * The fast fitness path (fitness.ts: prepared label side, sortForRanks,
 * ranks read off the sorted values) against a straightforward reference
 * written from the definitions: per day, the members with factor and label
 * finite, a two-pass Pearson IC, Spearman as Pearson of average ranks found
 * by sorting, equal-frequency rank bins pooled for the MI, the missing share
 * over all members. Random panels with everything that takes a special
 * path: ties in factor and label, NaN and ±Infinity, days where some names
 * with a label lack a factor, constant days on either side, magnitudes
 * Pearson has to rescale, sparse days under minNames. Values agree to 1e-12
 * (relative), and bit for bit with scoreWithContext's fields.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { summarizeDaily } from '../../evaluator/metrics/dailySummary.js';
import { fitnessWithContext } from '../../evaluator/metrics/fitness.js';
import { createLabelContext } from '../../evaluator/metrics/labelContext.js';
import { millerMadowMutualInformation } from '../../evaluator/metrics/mutualInformation.js';
import { RankScratch, sortForRanks } from '../../operators/kernels/ranking.js';
import { scoreWithContext } from '../../evaluator/metrics/score.js';
import type { DailySummary, DayRange, ScoringInputs } from '../../evaluator/metrics/types.js';
import { normals, rng } from './fixtures.js';

function averageRanks(values: readonly number[]): number[] {
  const order = values.map((_, k) => k).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Array<number>(values.length);
  for (let a = 0; a < order.length; ) {
    let b = a + 1;
    while (b < order.length && values[order[b]!] === values[order[a]!]) b++;
    for (let k = a; k < b; k++) ranks[order[k]!] = (a + b + 1) / 2;
    a = b;
  }
  return ranks;
}

function correlation(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < n; k++) {
    sxy += (x[k]! - mx) * (y[k]! - my);
    sxx += (x[k]! - mx) ** 2;
    syy += (y[k]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

interface Reference {
  ic: DailySummary;
  rankIc: DailySummary;
  mutualInformation: number;
  nanRatio: number;
  dayCoverage: number;
}

/** The selection scores from their definitions, for values of ordinary magnitude. */
function reference(factor: Float64Array, inputs: ScoringInputs, range: DayRange, minNames: number, bins: number): Reference {
  const { N, T, label, universe } = inputs;
  const days = range.end - range.start;
  const ic = new Float64Array(days).fill(NaN);
  const rankIc = new Float64Array(days).fill(NaN);
  const counts = new Float64Array(bins * bins);
  let members = 0;
  let missing = 0;
  let scored = 0;
  for (let d = 0; d < days; d++) {
    const t = range.start + d;
    const x: number[] = [];
    const y: number[] = [];
    for (let i = 0; i < N; i++) {
      if (universe && !universe[i * T + t]) continue;
      members++;
      const f = factor[i * T + t]!;
      if (!Number.isFinite(f)) missing++;
      else if (Number.isFinite(label[i * T + t]!)) (x.push(f), y.push(label[i * T + t]!));
    }
    if (x.length < minNames) continue;
    scored++;
    const constant = (v: number[]): boolean => v.every((w) => w === v[0]);
    const rx = averageRanks(x);
    const ry = averageRanks(y);
    if (!constant(x) && !constant(y)) ic[d] = correlation(x, y);
    if (!constant(rx) && !constant(ry)) rankIc[d] = correlation(rx, ry);
    const n = x.length;
    for (let k = 0; k < n; k++) counts[Math.floor(((rx[k]! - 0.5) / n) * bins) * bins + Math.floor(((ry[k]! - 0.5) / n) * bins)]!++;
  }
  return {
    ic: summarizeDaily(ic),
    rankIc: summarizeDaily(rankIc),
    mutualInformation: millerMadowMutualInformation(counts, bins),
    nanRatio: members > 0 ? missing / members : NaN,
    dayCoverage: days > 0 ? scored / days : NaN,
  };
}

function close(actual: number, expected: number, what: string): void {
  if (Number.isNaN(expected)) {
    expect(actual, what).toBeNaN();
    return;
  }
  expect(Math.abs(actual - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
}

function closeSummary(actual: DailySummary, expected: DailySummary, what: string): void {
  for (const key of Object.keys(expected) as (keyof DailySummary)[]) close(actual[key], expected[key], `${what}.${key}`);
}

interface PanelShape {
  N: number;
  T: number;
  seed: number;
  /** Share of member cells. */
  membership: number;
  /** Factor levels (ties) or 0 for continuous values. */
  levels: number;
  labelLevels: number;
  /** Share of factor cells NaN / ±Infinity. */
  missing: number;
  /** Multiplies the factor: 1e200 and 1e-200 take Pearson's rescaling. */
  magnitude: number;
  /** Multiplies the label, likewise. */
  labelMagnitude?: number;
}

function panel(shape: PanelShape): { inputs: ScoringInputs; factor: Float64Array } {
  const { N, T, seed, membership, levels, labelLevels, missing, magnitude, labelMagnitude = 1 } = shape;
  const u = rng(seed);
  const z = normals(u);
  const label = new Float64Array(N * T);
  const factor = new Float64Array(N * T);
  const universe = new Uint8Array(N * T);
  const constantFactorDay = Math.floor(u() * T);
  const constantLabelDay = Math.floor(u() * T);
  for (let i = 0; i < N; i++) {
    for (let t = 0; t < T; t++) {
      const c = i * T + t;
      const y = z();
      const f = 0.3 * y + z();
      label[c] = u() < 0.04 ? NaN : t === constantLabelDay ? 0.5 : (labelLevels ? Math.round(y * labelLevels) : y) * labelMagnitude;
      const r = u();
      factor[c] =
        r < missing * 0.7 ? NaN : r < missing ? (r < missing * 0.85 ? Infinity : -Infinity) : t === constantFactorDay ? 2 : (levels ? Math.round(f * levels) : f) * magnitude;
      universe[c] = u() < membership ? 1 : 0;
    }
  }
  return { inputs: { N, T, label, universe }, factor };
}

function selection(score: { ic: DailySummary; rankIc: DailySummary; mutualInformation: number; nanRatio: number; dayCoverage: number }): unknown {
  const { ic, rankIc, mutualInformation, nanRatio, dayCoverage } = score;
  return { ic, rankIc, mutualInformation, nanRatio, dayCoverage };
}

describe('fitnessWithContext against the definitions', () => {
  const cases: PanelShape[] = [
    { N: 60, T: 120, seed: 1, membership: 0.8, levels: 0, labelLevels: 0, missing: 0, magnitude: 1 },
    { N: 60, T: 120, seed: 2, membership: 0.7, levels: 2, labelLevels: 0, missing: 0.05, magnitude: 1 },
    { N: 60, T: 120, seed: 3, membership: 0.7, levels: 0, labelLevels: 2, missing: 0.2, magnitude: 1 },
    { N: 60, T: 120, seed: 4, membership: 0.9, levels: 1, labelLevels: 1, missing: 0.3, magnitude: 1e-3 },
    { N: 30, T: 80, seed: 5, membership: 0.4, levels: 0, labelLevels: 0, missing: 0.1, magnitude: 1e200 },
    { N: 30, T: 80, seed: 6, membership: 0.4, levels: 3, labelLevels: 0, missing: 0.1, magnitude: 1e-200 },
    { N: 30, T: 80, seed: 8, membership: 0.6, levels: 0, labelLevels: 0, missing: 0.1, magnitude: 1, labelMagnitude: 1e-200 },
    { N: 30, T: 80, seed: 9, membership: 0.6, levels: 0, labelLevels: 3, missing: 0, magnitude: 1e200, labelMagnitude: 1e200 },
    { N: 300, T: 40, seed: 7, membership: 1, levels: 0, labelLevels: 0, missing: 0.01, magnitude: 1 },
  ];
  for (const shape of cases) {
    it(`seed ${shape.seed}: ${JSON.stringify(shape)}`, () => {
      const { inputs, factor } = panel(shape);
      const range = { start: 5, end: shape.T - 3 };
      const context = createLabelContext(inputs, range);
      for (const [minNames, miBins] of [
        [5, 20],
        [12, 7],
      ] as const) {
        const options = { minNames, miBins };
        const fit = fitnessWithContext(factor, context, options);
        // the reference's plain sums would overflow or underflow: give it the factor at unit scale (same order, same ties)
        const unit = shape.magnitude === 1 ? factor : factor.map((v) => v / shape.magnitude);
        const labelMagnitude = shape.labelMagnitude ?? 1;
        const unitInputs = labelMagnitude === 1 ? inputs : { ...inputs, label: inputs.label.map((v) => v / labelMagnitude) };
        const ref = reference(unit, unitInputs, range, minNames, miBins);
        expect(fit.ic.days).toBeGreaterThan(0);
        closeSummary(fit.ic, ref.ic, 'ic');
        closeSummary(fit.rankIc, ref.rankIc, 'rankIc');
        close(fit.mutualInformation, ref.mutualInformation, 'mutualInformation');
        expect(fit.nanRatio).toBe(ref.nanRatio);
        expect(fit.dayCoverage).toBe(ref.dayCoverage);
        // and the very same doubles as the full score
        expect(selection(fit)).toEqual(selection(scoreWithContext(factor, context, options)));
      }
    });
  }

  it('is the same on a second call (reused scratch, prepared label side)', () => {
    const { inputs, factor } = panel(cases[2]!);
    const context = createLabelContext(inputs, { start: 0, end: 120 });
    const first = fitnessWithContext(factor, context);
    fitnessWithContext(factor.map((v) => -v), createLabelContext(inputs, { start: 10, end: 50 }), { miBins: 5 });
    expect(fitnessWithContext(factor, context)).toEqual(first);
  });
});

describe('sortForRanks', () => {
  const sorted = (values: readonly number[], mean: number, std: number): { keys: number[]; order: number[] } => {
    const n = values.length;
    const keys = new Float64Array(n);
    const order = new Int32Array(n);
    sortForRanks(Float64Array.from(values), n, mean, std, keys, order, new RankScratch(n));
    return { keys: [...keys], order: [...order] };
  };

  const check = (values: readonly number[], mean: number, std: number): void => {
    const { keys, order } = sorted(values, mean, std);
    expect(keys).toEqual([...values].sort((a, b) => a - b));
    expect([...order].sort((a, b) => a - b)).toEqual(values.map((_, k) => k));
    order.forEach((k, p) => expect(values[k]).toBe(keys[p]));
  };

  it('sorts whatever the hints say, and whatever the spread', () => {
    const normal = normals(rng(11));
    const bell = Array.from({ length: 300 }, normal);
    const cases: Record<string, number[]> = {
      normal: bell,
      lognormal: bell.map((v) => Math.exp(4 * v)),
      discrete: bell.map((v) => Math.round(v)),
      outlier: bell.map((v, k) => (k === 17 ? 1e12 : v)),
      extreme: bell.map((v, k) => [Number.MAX_VALUE, -Number.MAX_VALUE, 0, 1e300][k % 4]! * (1 - k / 1e4)),
      subnormal: bell.map((_, k) => ((k * 7919) % 50) * Number.MIN_VALUE),
      reversed: bell.map((_, k) => -k),
      constant: bell.map(() => 3),
    };
    for (const values of Object.values(cases)) {
      const mean = values.reduce((a, b) => a + b, 0) / values.length;
      const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
      for (const [m, s] of [
        [mean, std],
        [NaN, NaN],
        [0, 0],
        [1e300, 1e-300],
        [-5, Infinity],
      ]) {
        check(values.map((v) => (v === 0 ? 0 : v)), m!, s!);
      }
    }
  });

  it('sorts arbitrary finite doubles (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: -3, max: 3 })), { maxLength: 200 }),
        fc.double(),
        fc.double(),
        (values, mean, std) => check(values.map((v) => (v === 0 ? 0 : v)), mean, std),
      ),
    );
  });
});
