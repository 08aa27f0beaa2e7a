/**
 * Benchmark of factor scoring: milliseconds per candidate for
 * `scoreWithContext` (IC, RankIC, HAC t-stats, MI, quantiles, autocorrelation,
 * turnover, coverage) over a CSI 300-sized panel, best and median of several
 * runs, with the label context prepared once as the swarm does. Also times
 * the ranking alone against the obvious alternative (native
 * Float64Array.prototype.sort of a copy, then a binary search per value).
 *
 *   npm run build && node dist/bench/metrics.js [--runs 7] [--days 2917] [--instruments 736] [--members 300] [--range 2430]
 *
 * The synthetic panel has point-in-time membership (~members per day,
 * instruments joining and leaving), suspensions as NaN runs, and a two-day
 * forward return label. `--range` is the scored day count: 2430 days is
 * train + valid (2010-2019) of the project's CSI 300 splits. When the shared
 * CSI 300 data is present, the same is timed on it with real membership,
 * its qlib label and two price factors, and the agents' fitness
 * (fitnessForAgents: train 2010-2018 + valid 2019, what the swarm's evaluator
 * runs per candidate) over the typical candidate expressions of measure.ts,
 * computed once with the engine clipped at the agents' lastDay.
 */

import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadPanel } from '../evaluator/data/index.js';
import { FactorEngine } from '../evaluator/engine.js';
import { createAgentContexts, fitnessForAgents } from '../evaluator/metrics/agentScores.js';
import { DEFAULT_LABEL } from '../evaluator/pool.js';
import { compileFactor, compileLabel } from '../operators/compile.js';
import { ValidSlice } from '../agents/evaluation/validSlice.js';
import { TYPICAL_EXPRESSIONS, loadData } from './measure.js';
import { createLabelContext } from '../evaluator/metrics/labelContext.js';
import { RankScratch, rankValues } from '../operators/kernels/ranking.js';
import { correlateWithLibrary } from '../evaluator/metrics/redundancy.js';
import { scoreFactor, scoreWithContext } from '../evaluator/metrics/score.js';
import type { ScoringInputs } from '../evaluator/metrics/types.js';
import { mulberry32 } from '../agents/mulberry32.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const RUNS = Number(option('runs', '7'));
const T = Number(option('days', '2917'));
const N = Number(option('instruments', '736'));
const MEMBERS = Number(option('members', '300'));
const RANGE = { start: 0, end: Math.min(T, Number(option('range', '2430'))) };

function gaussian(uniform: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** Best and median milliseconds of `RUNS` calls after one warm-up call. */
function time(run: () => unknown): { best: number; median: number } {
  run();
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { best: times[0]!, median: times[times.length >> 1]! };
}

function row(name: string, t: { best: number; median: number }, extra = ''): void {
  console.log(name.padEnd(56) + t.best.toFixed(1).padStart(9) + t.median.toFixed(1).padStart(11) + (extra ? `   ${extra}` : ''));
}

function syntheticMarket(): { inputs: ScoringInputs; returns: Float64Array } {
  const rand = mulberry32(7);
  const z = gaussian(rand);
  const returns = new Float64Array(N * T).fill(NaN);
  const universe = new Uint8Array(N * T);
  const share = MEMBERS / N;
  for (let i = 0; i < N; i++) {
    let member = rand() < share;
    let suspended = 0;
    for (let t = 0; t < T; t++) {
      // Membership flips rarely, keeping about `share` of the instruments in.
      if (rand() < 0.002) member = rand() < share;
      if (member) universe[i * T + t] = 1;
      if (suspended > 0 || rand() < 0.001) {
        suspended = suspended > 0 ? suspended - 1 : Math.floor(rand() * 15);
        continue;
      }
      returns[i * T + t] = 0.02 * z();
    }
  }
  // qlib's default label: the return from the next close to the one after.
  const label = new Float64Array(N * T).fill(NaN);
  for (let i = 0; i < N; i++) for (let t = 0; t + 2 < T; t++) label[i * T + t] = returns[i * T + t + 2]!;
  return { inputs: { N, T, label, universe }, returns };
}

function factorKinds(returns: Float64Array): Record<string, Float64Array> {
  const rand = mulberry32(11);
  const z = gaussian(rand);
  const noise = Float64Array.from({ length: N * T }, z);
  const smooth = new Float64Array(N * T).fill(NaN);
  for (let i = 0; i < N; i++) {
    let sum = 0;
    let count = 0;
    for (let t = 0; t < T; t++) {
      const r = returns[i * T + t]!;
      const old = t >= 20 ? returns[i * T + t - 20]! : NaN;
      if (Number.isFinite(r)) (sum += r), count++;
      if (Number.isFinite(old)) (sum -= old), count--;
      if (count >= 10) smooth[i * T + t] = sum / count;
    }
  }
  return {
    'iid normal': noise,
    '20-day mean return (smooth)': smooth,
    'exp(3z) (heavy-tailed)': noise.map((v) => Math.exp(3 * v)),
    '5 levels (ties)': noise.map((v) => Math.round(Math.max(-2, Math.min(2, v)))),
    'iid normal, 20% missing': noise.map((v) => (rand() < 0.2 ? NaN : v)),
  };
}

console.log(`metrics benchmark (node ${process.version}), best and median of ${RUNS} runs`);
const { inputs, returns } = syntheticMarket();
let memberDays = 0;
for (let t = RANGE.start; t < RANGE.end; t++) for (let i = 0; i < N; i++) memberDays += inputs.universe![i * T + t]!;
console.log(
  `synthetic panel ${N} instruments x ${T} days, scored days [${RANGE.start}, ${RANGE.end}), ` +
    `${(memberDays / (RANGE.end - RANGE.start)).toFixed(0)} members/day on average`,
);
console.log('what'.padEnd(56) + 'best ms'.padStart(9) + 'median ms'.padStart(11));
let context = createLabelContext(inputs, RANGE);
row('createLabelContext (once per label)', time(() => (context = createLabelContext(inputs, RANGE))));
const kinds = factorKinds(returns);
for (const [name, factor] of Object.entries(kinds)) {
  const score = scoreWithContext(factor, context);
  row(`scoreWithContext: ${name}`, time(() => scoreWithContext(factor, context)), `days ${score.rankIc.days}`);
}
row('scoreFactor (context built per call)', time(() => scoreFactor(kinds['iid normal']!, inputs, RANGE)));
const library = Object.entries(kinds).map(([name, values]) => ({ name, values }));
const redundancy = time(() => correlateWithLibrary(kinds['20-day mean return (smooth)']!, library, context));
row(`correlateWithLibrary, ${library.length} factors`, redundancy, `${(redundancy.median / library.length).toFixed(1)} ms per library factor`);

/** Ranks every scored day of `factor` with `rank`, the way the cross-section does. */
function rankDays(factor: Float64Array, rank: (values: Float64Array, n: number) => void): void {
  const values = new Float64Array(context.maxMembers);
  for (let d = 0; d < RANGE.end - RANGE.start; d++) {
    let n = 0;
    for (let s = context.dayStart[d]!; s < context.dayStart[d + 1]!; s++) {
      const v = factor[context.instrument[s]! * T + RANGE.start + d]!;
      if (Number.isFinite(v)) values[n++] = v;
    }
    rank(values, n);
  }
}
const scratch = new RankScratch(context.maxMembers);
const ranks = new Float64Array(context.maxMembers);
const order = new Int32Array(context.maxMembers);
const sorted = new Float64Array(context.maxMembers);
const nativeSortRanks = (values: Float64Array, n: number): void => {
  const s = sorted.subarray(0, n);
  s.set(values.subarray(0, n));
  s.sort();
  for (let k = 0; k < n; k++) {
    const v = values[k]!;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    ranks[k] = lo + 1; // lowest rank of a tie; average ranks would need one more search
  }
};
for (const name of ['iid normal', 'exp(3z) (heavy-tailed)']) {
  const factor = kinds[name]!;
  row(`ranking only, ${name}: rankValues`, time(() => rankDays(factor, (v, n) => rankValues(v, n, ranks, order, scratch))));
  row(`ranking only, ${name}: native sort`, time(() => rankDays(factor, nativeSortRanks)));
}

const dataDir = resolve(
  process.env.ALPHASWARM_SHARED_DATA ?? resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/data'),
  'cn_csi300',
);
if (!existsSync(dataDir)) {
  console.log(`[skip] real CSI 300 data not found at ${dataDir}`);
} else {
  const panel = loadPanel(dataDir, { universe: 'csi300', fields: ['close'] });
  const close = panel.fields.close!;
  const { N: n, T: days } = panel;
  const label = new Float64Array(n * days).fill(NaN);
  const momentum = new Float64Array(n * days).fill(NaN);
  const reversal = new Float64Array(n * days).fill(NaN);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < days; t++) {
      const c = i * days + t;
      if (t + 2 < days) label[c] = close[c + 2]! / close[c + 1]! - 1;
      if (t >= 20) momentum[c] = close[c]! / close[c - 20]! - 1;
      if (t >= 1) reversal[c] = close[c - 1]! / close[c]! - 1;
    }
  }
  const end = panel.calendar.findIndex((d) => d >= '2020-01-01');
  const range = { start: 0, end: end < 0 ? days : end };
  const real: ScoringInputs = { N: n, T: days, label, universe: panel.universes.csi300!.mask };
  const realContext = createLabelContext(real, range);
  const members = (realContext.instrument.length / (range.end - range.start)).toFixed(0);
  console.log(
    `real CSI 300 panel ${n} instruments x ${days} days, scored ${panel.calendar[0]} .. ${panel.calendar[range.end - 1]} ` +
      `(${range.end - range.start} days, ${members} members/day); label Ref($close,-2)/Ref($close,-1)-1`,
  );
  row('createLabelContext (once per label)', time(() => createLabelContext(real, range)));
  for (const [name, factor] of [
    ['$close/Ref($close,20)-1', momentum],
    ['Ref($close,1)/$close-1', reversal],
  ] as const) {
    const score = scoreWithContext(factor, realContext);
    row(
      `scoreWithContext: ${name}`,
      time(() => scoreWithContext(factor, realContext)),
      `RankIC ${score.rankIc.mean.toFixed(4)}, MI ${score.mutualInformation.toFixed(4)}`,
    );
  }
}

if (existsSync(dataDir)) {
  // What the swarm's evaluator does per candidate: fitnessForAgents over the agents' splits.
  const { panel, universe, splits } = loadData({ kind: 'qlib', dir: dataDir, universe: 'csi300' });
  const fields = new Set(Object.keys(panel.fields));
  const engine = new FactorEngine(panel, { universe, lastDay: splits.lastDay });
  const compiledLabel = compileLabel(DEFAULT_LABEL, { fields });
  if (!compiledLabel.ok) throw compiledLabel.error;
  const inputs: ScoringInputs = { N: panel.N, T: panel.T, label: engine.evaluate(compiledLabel.ast), universe };
  const contexts = createAgentContexts(inputs, splits);
  const factors = TYPICAL_EXPRESSIONS.map((expression) => {
    const compiled = compileFactor(expression, { fields });
    if (!compiled.ok) throw compiled.error;
    return engine.evaluate(compiled.ast).slice();
  });
  const slots = contexts.train.instrument.length + contexts.valid.instrument.length;
  console.log(
    `agents' fitness on ${dataDir}: train ${splits.train.first} .. ${splits.train.last}, valid ${splits.valid.first} .. ${splits.valid.last}, ` +
      `${slots} member-days; ${factors.length} typical expressions (bench/measure.ts), values computed once`,
  );
  row('createAgentContexts (once per label)', time(() => createAgentContexts(inputs, splits)));
  const all = time(() => {
    for (const factor of factors) fitnessForAgents(factor, contexts);
  });
  row('fitnessForAgents, ms per candidate', { best: all.best / factors.length, median: all.median / factors.length });
  // The evaluator's other per-candidate scoring: its valid-period slice, correlated with every library factor.
  const slice = new ValidSlice(contexts.valid);
  const library = factors.map((factor) => slice.slice(factor));
  slice.correlations(library[0]!, library);
  const sliced = time(() => {
    for (const factor of factors) slice.correlations(slice.slice(factor), library);
  });
  const perPair = (ms: number): number => ms / (factors.length * library.length);
  row(`ValidSlice slice + correlations, ms per library factor`, { best: perPair(sliced.best), median: perPair(sliced.median) }, `library of ${library.length}`);
}
