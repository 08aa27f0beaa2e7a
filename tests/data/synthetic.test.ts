import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';

import { DataError } from '../../evaluator/data/errors.js';
import { syntheticMarket, type PlantedSignal } from '../../evaluator/data/synthetic/market.js';
import { averageRanks } from '../../evaluator/data/synthetic/rankIc.js';
import { SeededRandom } from '../../evaluator/data/synthetic/random.js';
import type { Panel } from '../../evaluator/panel.js';

// ---- the test's own computation of expressions, label and RankIC (independent of the generator's code) ----

type Cell = (panel: Panel, i: number, t: number) => number;
const at = (panel: Panel, field: string, i: number, t: number) => panel.fields[field]![i * panel.T + t]!;

/** Values of the window [max(first, t-n+1), t] that are not NaN. */
function windowOf(panel: Panel, field: string, i: number, t: number, n: number): number[] {
  const out: number[] = [];
  for (let u = Math.max(panel.start[i]!, t - n + 1); u <= t; u++) if (!Number.isNaN(at(panel, field, i, u))) out.push(at(panel, field, i, u));
  return out;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
function sampleStd(xs: number[]): number {
  const m = mean(xs);
  return xs.length < 2 ? NaN : Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
}

const EXPRESSIONS: Record<string, Cell> = {
  '-($close/Ref($close,5)-1)': (p, i, t) => (t - 5 < p.start[i]! ? NaN : -(at(p, 'close', i, t) / at(p, 'close', i, t - 5) - 1)),
  '$volume/Mean($volume,20)': (p, i, t) => at(p, 'volume', i, t) / mean(windowOf(p, 'volume', i, t, 20)),
  '($high-$low)/$open': (p, i, t) => (at(p, 'high', i, t) - at(p, 'low', i, t)) / at(p, 'open', i, t),
  '($close-$open)/$open': (p, i, t) => (at(p, 'close', i, t) - at(p, 'open', i, t)) / at(p, 'open', i, t),
  'Corr($close,$volume,10)': (p, i, t) => {
    if (sampleStd(windowOf(p, 'close', i, t, 10)) <= 2e-5 || sampleStd(windowOf(p, 'volume', i, t, 10)) <= 2e-5) return NaN;
    const pairs: [number, number][] = [];
    for (let u = Math.max(p.start[i]!, t - 9); u <= t; u++) {
      const [c, v] = [at(p, 'close', i, u), at(p, 'volume', i, u)];
      if (!Number.isNaN(c) && !Number.isNaN(v)) pairs.push([c, v]);
    }
    return pairs.length < 2 ? NaN : pearsonOf(pairs.map((q) => q[0]), pairs.map((q) => q[1]));
  },
};

function pearsonOf(x: number[], y: number[]): number {
  const [mx, my] = [mean(x), mean(y)];
  let [sxy, sxx, syy] = [0, 0, 0];
  x.forEach((_, k) => {
    sxy += (x[k]! - mx) * (y[k]! - my);
    sxx += (x[k]! - mx) ** 2;
    syy += (y[k]! - my) ** 2;
  });
  return sxy / Math.sqrt(sxx * syy);
}

function evaluate(panel: Panel, cell: Cell): Float64Array {
  const out = new Float64Array(panel.N * panel.T).fill(NaN);
  for (let i = 0; i < panel.N; i++) for (let t = panel.start[i]!; t < panel.end[i]!; t++) out[i * panel.T + t] = cell(panel, i, t);
  return out;
}

/** qlib's default label Ref($close,-2)/Ref($close,-1)-1. */
const label: Cell = (p, i, t) => (t + 2 >= p.end[i]! ? NaN : at(p, 'close', i, t + 2) / at(p, 'close', i, t + 1) - 1);

/** Ranks 1..n with ties averaged, by plain sorting. */
function ranks(xs: number[]): number[] {
  const order = xs.map((x, k) => [x, k] as const).sort((a, b) => a[0] - b[0]);
  const out = new Array<number>(xs.length);
  for (let lo = 0; lo < order.length; ) {
    let hi = lo;
    while (hi + 1 < order.length && order[hi + 1]![0] === order[lo]![0]) hi++;
    for (let k = lo; k <= hi; k++) out[order[k]![1]] = (lo + hi) / 2 + 1;
    lo = hi + 1;
  }
  return out;
}

/** Mean daily Spearman correlation over days [from, to), members only when a mask is given. */
function rankIc(panel: Panel, signal: Float64Array, y: Float64Array, from = 0, to = panel.T, mask?: Uint8Array): number {
  const daily: number[] = [];
  for (let t = from; t < to; t++) {
    const xs: number[] = [];
    const ys: number[] = [];
    for (let i = 0; i < panel.N; i++) {
      const k = i * panel.T + t;
      if ((mask && !mask[k]) || !Number.isFinite(signal[k]!) || !Number.isFinite(y[k]!)) continue;
      xs.push(signal[k]!);
      ys.push(y[k]!);
    }
    // A day whose signal is the same for everyone (e.g. day one of a rolling ratio) has no IC.
    const ic = xs.length >= 10 ? pearsonOf(ranks(xs), ranks(ys)) : NaN;
    if (Number.isFinite(ic)) daily.push(ic);
  }
  return mean(daily);
}

// ---- tests ----

describe('SeededRandom', () => {
  it('reproduces the reference xoshiro128** outputs from state {1, 2, 3, 4}', () => {
    // From the reference C implementation (prng.di.unimi.it/xoshiro128starstar.c).
    const random = SeededRandom.fromState([1, 2, 3, 4]);
    expect(Array.from({ length: 8 }, () => random.nextUint32())).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849]);
  });

  it('draws standard normals and repeats for a seed', () => {
    const a = new SeededRandom(42);
    const xs = Array.from({ length: 200_000 }, () => a.normal());
    expect(Math.abs(mean(xs))).toBeLessThan(0.01);
    expect(Math.abs(sampleStd(xs) - 1)).toBeLessThan(0.01);
    expect(xs.filter((x) => Math.abs(x) > 1.96).length / xs.length).toBeCloseTo(0.05, 2);
    const b = new SeededRandom(42);
    expect(Array.from({ length: 5 }, () => b.normal())).toEqual(xs.slice(0, 5));
    expect(new SeededRandom(43).normal()).not.toBe(xs[0]);
    expect(new SeededRandom(42 + 2 ** 32).normal()).not.toBe(xs[0]);
    expect(new SeededRandom(42, 1).normal()).not.toBe(xs[0]);
  });
});

describe('averageRanks', () => {
  it('equals plain sorting with averaged ties, including many ties', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 80 }), (ints) => {
        const values = Float64Array.from(ints, (v) => v / 2);
        expect(Array.from(averageRanks(values))).toEqual(ranks(Array.from(values)));
      }),
    );
  });
});

describe('syntheticMarket: a realistic panel', () => {
  let panel: Panel;
  beforeAll(() => {
    panel = syntheticMarket({ seed: 11, instruments: 120, days: 700, startDate: '2019-12-28' });
  });

  it('is the same for a seed and different for another', () => {
    const again = syntheticMarket({ seed: 11, instruments: 120, days: 700, startDate: '2019-12-28' });
    for (const f of Object.keys(panel.fields)) expect(Buffer.from(again.fields[f]!.buffer).equals(Buffer.from(panel.fields[f]!.buffer))).toBe(true);
    for (const u of Object.keys(panel.universes)) expect(again.universes[u]!.mask).toEqual(panel.universes[u]!.mask);
    const other = syntheticMarket({ seed: 12, instruments: 120, days: 700 });
    expect(other.fields.close![0]).not.toBe(panel.fields.close![0]);
  });

  it('has a weekday calendar without 1 January and 25 December', () => {
    expect(panel.calendar[0]).toBe('2019-12-30'); // 28 and 29 December 2019 are a weekend
    expect(panel.calendar).not.toContain('2020-01-01');
    expect(panel.calendar).not.toContain('2020-12-25');
    for (const d of panel.calendar) expect([0, 6]).not.toContain(new Date(`${d}T00:00:00Z`).getUTCDay());
    expect(panel.symbols[0]).toBe('SYN001');
  });

  it('has consistent OHLC, NaN only outside ranges and on whole suspended days', () => {
    const { N, T } = panel;
    const problems: string[] = [];
    let suspendedRuns = 0;
    for (let i = 0; i < N; i++) {
      for (let t = 0; t < T; t++) {
        const [o, h, l, c, v] = ['open', 'high', 'low', 'close', 'volume'].map((f) => at(panel, f, i, t)) as [number, number, number, number, number];
        const inside = t >= panel.start[i]! && t < panel.end[i]!;
        if (!inside || Number.isNaN(c)) {
          if (Object.keys(panel.fields).some((f) => !Number.isNaN(at(panel, f, i, t)))) problems.push(`${i},${t}: a value on a day without close`);
          const next = t + 1 < panel.end[i]! ? at(panel, 'close', i, t + 1) : 0;
          if (inside && t > panel.start[i]! && !Number.isNaN(at(panel, 'close', i, t - 1)) && Number.isNaN(next)) suspendedRuns++;
          continue;
        }
        if (!(l > 0 && l <= Math.min(o, c) && h >= Math.max(o, c))) problems.push(`${i},${t}: OHLC ${o} ${h} ${l} ${c}`);
        if (!(v > 0) || at(panel, 'factor', i, t) !== 1) problems.push(`${i},${t}: volume ${v}`);
      }
    }
    expect(problems).toEqual([]);
    expect(suspendedRuns).toBeGreaterThan(0); // suspensions of two days or more inside a range
    expect([...panel.start].filter((s) => s > 0).length).toBeGreaterThan(5); // listed mid-panel
    expect([...panel.end].filter((e) => e < panel.T).length).toBeGreaterThan(3); // delisted early
  });

  it('has persistent volumes and clustered volatility', () => {
    const { N } = panel;
    const autocorrelations = { logVolume: [] as number[], absReturn: [] as number[] };
    for (let i = 0; i < N; i++) {
      const lv: [number, number][] = [];
      const ar: [number, number][] = [];
      for (let t = panel.start[i]! + 2; t < panel.end[i]!; t++) {
        const [v0, v1] = [at(panel, 'volume', i, t - 1), at(panel, 'volume', i, t)];
        if (v0 > 0 && v1 > 0) lv.push([Math.log(v0), Math.log(v1)]);
        const r0 = Math.abs(at(panel, 'close', i, t - 1) / at(panel, 'close', i, t - 2) - 1);
        const r1 = Math.abs(at(panel, 'close', i, t) / at(panel, 'close', i, t - 1) - 1);
        if (Number.isFinite(r0) && Number.isFinite(r1)) ar.push([r0, r1]);
      }
      autocorrelations.logVolume.push(pearsonOf(lv.map((p) => p[0]), lv.map((p) => p[1])));
      autocorrelations.absReturn.push(pearsonOf(ar.map((p) => p[0]), ar.map((p) => p[1])));
    }
    expect(mean(autocorrelations.logVolume)).toBeGreaterThan(0.5);
    expect(mean(autocorrelations.absReturn)).toBeGreaterThan(0.03);
  });

  it('has a point-in-time index universe of 60 (half of 120 instruments) that changes over time', () => {
    const index = panel.universes.synth60!;
    expect(Object.keys(panel.universes).sort()).toEqual(['all', 'synth60']);
    expect(panel.source.meta?.universe).toBe('synth60');
    const { N, T } = panel;
    const counts = Array.from({ length: T }, (_, t) => Array.from({ length: N }, (_, i) => index.mask[i * T + t]!).reduce((a, b) => a + b, 0));
    expect(Math.max(...counts)).toBe(60);
    expect(Math.min(...counts)).toBeGreaterThan(50); // delistings between reviews
    let entries = 0;
    let exits = 0;
    for (let i = 0; i < N; i++) {
      for (let t = 1; t < T; t++) {
        const [was, is] = [index.mask[i * T + t - 1], index.mask[i * T + t]];
        if (is && !was) entries++;
        if (was && !is) exits++;
        if (is) expect(t >= panel.start[i]! && t < panel.end[i]!).toBe(true);
      }
    }
    expect(entries).toBeGreaterThan(0);
    expect(exits).toBeGreaterThan(0);
  });

  it('validates its options', () => {
    expect(() => syntheticMarket({ instruments: 5 })).toThrow(DataError);
    expect(() => syntheticMarket({ days: 10 })).toThrow('days must be an integer in 60..20000');
    expect(() => syntheticMarket({ instruments: 5000, days: 5000 })).toThrow('more than 10 million cells');
    expect(() => syntheticMarket({ startDate: '2020-02-30' })).toThrow('start date "2020-02-30" is malformed');
    expect(() => syntheticMarket({ signals: [{ name: 'momentum' as never, targetRankIc: 0.02 }] })).toThrow('unknown planted signal "momentum"');
    expect(() => syntheticMarket({ signals: [{ name: 'reversal5', targetRankIc: 0.5 }] })).toThrow('must be in -0.1..0.1');
  });
});

describe('syntheticMarket: planted signals', () => {
  let panel: Panel;
  let planted: PlantedSignal[];
  let y: Float64Array;
  beforeAll(() => {
    panel = syntheticMarket({ seed: 3 }); // the default size: 200 instruments x 1500 days
    planted = panel.source.meta!.plantedSignals as PlantedSignal[];
    y = evaluate(panel, label);
  });

  it('names each planted expression and its target', () => {
    expect(panel.N).toBe(200);
    expect(panel.T).toBe(1500);
    expect(panel.source.meta?.label).toBe('Ref($close,-2)/Ref($close,-1)-1');
    expect(planted.map((p) => [p.name, p.expression, p.targetRankIc])).toEqual([
      ['reversal5', '-($close/Ref($close,5)-1)', 0.05],
      ['volumeSurge20', '$volume/Mean($volume,20)', -0.03],
      ['intradayRange', '($high-$low)/$open', -0.04],
      ['priceVolumeCorr10', 'Corr($close,$volume,10)', -0.03],
      ['intradayReturn', '($close-$open)/$open', -0.04],
    ]);
  });

  it("each planted expression, computed here from the panel, has its target RankIC: whole panel, each half, the index universe", () => {
    const index = panel.universes[panel.source.meta!.universe as string]!.mask;
    const half = Math.floor(panel.T / 2);
    for (const p of planted) {
      const signal = evaluate(panel, EXPRESSIONS[p.expression]!);
      const whole = rankIc(panel, signal, y);
      expect(Math.abs(whole - p.targetRankIc), `${p.name}: realised ${whole}`).toBeLessThan(0.002);
      expect(whole).toBeCloseTo(p.realisedRankIc, 6); // the generator computed the same thing
      for (const [from, to] of [[0, half], [half, panel.T]] as const) {
        const part = rankIc(panel, signal, y, from, to);
        expect(Math.abs(part - p.targetRankIc), `${p.name} days ${from}..${to}: ${part}`).toBeLessThan(0.012);
      }
      const inIndex = rankIc(panel, signal, y, 0, panel.T, index);
      expect(Math.abs(inIndex - p.targetRankIc), `${p.name} in the index: ${inIndex}`).toBeLessThan(0.012);
    }
  });

  it('a random unrelated signal has a RankIC of about zero', () => {
    const random = new SeededRandom(2024, 7);
    const noise = evaluate(panel, () => random.normal());
    expect(Math.abs(rankIc(panel, noise, y))).toBeLessThan(0.005);
  });

  it('plants only the signals asked for, at their targets', () => {
    const custom = syntheticMarket({ seed: 5, instruments: 150, days: 900, signals: [{ name: 'intradayRange', targetRankIc: 0.06 }] });
    const meta = custom.source.meta!.plantedSignals as PlantedSignal[];
    expect(meta.map((p) => p.name)).toEqual(['intradayRange']);
    const yc = evaluate(custom, label);
    expect(Math.abs(rankIc(custom, evaluate(custom, EXPRESSIONS['($high-$low)/$open']!), yc) - 0.06)).toBeLessThan(0.002);
    // Not planted here: the reversal carries no signal.
    expect(Math.abs(rankIc(custom, evaluate(custom, EXPRESSIONS['-($close/Ref($close,5)-1)']!), yc))).toBeLessThan(0.01);
  });
});
