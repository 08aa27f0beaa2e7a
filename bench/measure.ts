/**
 * One benchmark measurement, run in its own process so its peak memory
 * (maxRSS) is its own: `node dist/bench/measure.js '<json spec>'` prints one
 * JSON line. bench/run.ts starts these and prints the tables.
 *
 *   alpha158  Alpha158 over the whole panel: the engine in process, or the
 *             pool with 1 or 2 workers; the first run (cold: JIT, buffers)
 *             and later runs timed separately
 *   naive     Alpha158 with the straightforward evaluator (naive.ts) over
 *             every k-th instrument; the caller scales by cells
 *   latency   per expression: parse + compute (clipped at the agents'
 *             lastDay) + train/valid fitness, p50/p95 over a set of
 *             typical expressions, and each one's fastest run split into
 *             those three parts; and the straightforward baseline
 *             (naive compute + daily sort-based RankIC) for some of them
 *   fitness   candidates scored per second through the pool
 */

import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Node } from '../operators/ast.js';
import { compileFactor, compileLabel } from '../operators/compile.js';
import { loadPanel, syntheticMarket } from '../evaluator/data/index.js';
import { resolveDateRange } from '../evaluator/data/dates.js';
import { FactorEngine } from '../evaluator/engine.js';
import { instrumentRange } from '../evaluator/engine/instrumentRange.js';
import { alpha158 } from '../evaluator/libraries/alpha158.js';
import { createAgentContexts, fitnessForAgents } from '../evaluator/metrics/index.js';
import { makeAgentSplits, type AgentSplits } from '../evaluator/metrics/splits.js';
import type { Panel } from '../evaluator/panel.js';
import { DEFAULT_LABEL, EvaluationPool } from '../evaluator/pool.js';
import { naiveEvaluate, naiveRankIc } from './naive.js';

export type DataSpec = { readonly kind: 'qlib'; readonly dir: string; readonly universe: string } | { readonly kind: 'synthetic'; readonly instruments: number; readonly days: number };

export type MeasureSpec =
  | { readonly what: 'alpha158'; readonly data: DataSpec; readonly mode: 'engine' | 'stream' | 'pool'; readonly workers?: number; readonly runs: number }
  | { readonly what: 'naive'; readonly data: DataSpec; readonly every: number }
  | { readonly what: 'latency'; readonly data: DataSpec; readonly baselineExpressions: number }
  | { readonly what: 'fitness'; readonly data: DataSpec; readonly workers: number; readonly candidates: number };

/** Typical candidates, as agents write them: rolling statistics, ratios, correlations, cross-sectional ranks. */
export const TYPICAL_EXPRESSIONS: readonly string[] = [
  '$close/Ref($close,20)-1',
  'Mean($close,5)/$close',
  'Std($close/Ref($close,1)-1,20)',
  'Corr($close,Log($volume+1),10)',
  '($close-Min($low,20))/(Max($high,20)-Min($low,20)+1e-12)',
  'CSRank(Mean($volume,5)/Mean($volume,60))',
  'Rank($close,20)',
  'Quantile($close,60,0.8)/$close',
  'Slope($close,20)/$close',
  'Rsquare($close,10)',
  'CSZScore(Delta($close,5)/$close)',
  'Sum(Greater($close-Ref($close,1),0),14)/(Sum(Abs($close-Ref($close,1)),14)+1e-12)',
  'EMA($close,12)/EMA($close,26)-1',
  '-Corr(CSRank($volume),CSRank($close),10)',
  'If($close>Mean($close,20),Std($close,10),-Std($close,10))/$close',
  'IdxMax($high,30)/30-IdxMin($low,30)/30',
  'WMA($close,10)/$close',
  'Skew($close/Ref($close,1)-1,20)',
  'Resi($close,20)/$close',
  'CSRank($close/Ref($close,5))-CSRank($volume/Ref($volume,5))',
];

export interface LoadedData {
  readonly panel: Panel;
  readonly universe: Uint8Array | null;
  readonly splits: AgentSplits;
  readonly description: string;
}

export function loadData(spec: DataSpec): LoadedData {
  if (spec.kind === 'qlib') {
    const panel = loadPanel(spec.dir, { universe: spec.universe, fields: ['open', 'high', 'low', 'close', 'volume'] });
    const range = (start: string, end: string): { start: number; end: number; first: string; last: string } => {
      const r = resolveDateRange(panel.calendar, start, end);
      return { start: r.startIndex, end: r.endIndex, first: panel.calendar[r.startIndex]!, last: panel.calendar[r.endIndex - 1]! };
    };
    // The project's CSI 300 splits (../shared/data/README.md): train 2010-2018, valid 2019; agents never see 2020 on.
    const splits = makeAgentSplits(range('2010-01-01', '2018-12-31'), range('2019-01-01', '2019-12-31'), []);
    return { panel, universe: panel.universes[spec.universe]!.mask, splits, description: `${spec.dir} (${spec.universe})` };
  }
  const panel = syntheticMarket({ instruments: spec.instruments, days: spec.days });
  const T = panel.T;
  const at = (fraction: number): number => Math.floor(T * fraction);
  const day = (t: number): string => panel.calendar[t]!;
  const splits = makeAgentSplits(
    { start: 0, end: at(0.7), first: day(0), last: day(at(0.7) - 1) },
    { start: at(0.7), end: at(0.85), first: day(at(0.7)), last: day(at(0.85) - 1) },
    [],
  );
  const index = Object.values(panel.universes).find((u) => u.name !== 'all')!;
  return { panel, universe: index.mask, splits, description: 'synthetic market (seed 1)' };
}

function compileAll(expressions: readonly string[], panel: Panel): Node[] {
  const fields = new Set(Object.keys(panel.fields));
  return expressions.map((e) => {
    const c = compileFactor(e, { fields });
    if (!c.ok) throw new Error(`${e}: ${c.error.message}`);
    return c.ast;
  });
}

const quantileOf = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)))]!;

export async function measure(spec: MeasureSpec): Promise<Record<string, unknown>> {
  const loadStarted = performance.now();
  const data = loadData(spec.data);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const { panel, universe, splits } = data;
  const alpha = alpha158(new Set(Object.keys(panel.fields)));
  const base = { data: data.description, N: panel.N, T: panel.T, loadSeconds };

  if (spec.what === 'alpha158') {
    const roots = compileAll(alpha.map((f) => f.expression), panel);
    const runs: number[] = [];
    let checksum = 0;
    if (spec.mode === 'engine') {
      const engine = new FactorEngine(panel, { universe });
      for (let r = 0; r < spec.runs; r++) {
        const started = performance.now();
        engine.evaluateBatch(roots, (_, values) => (checksum += values[values.length >> 1]! || 0));
        runs.push(performance.now() - started);
      }
      return { ...base, factors: roots.length, runs, checksum, plan: engine.summarize(roots), maxRssKb: process.resourceUsage().maxRSS };
    }
    if (spec.mode === 'stream') {
      // As `alphaswarm compute` does: each root's values a block of instruments at a time, read while in cache.
      const engine = new FactorEngine(panel, { universe });
      for (let r = 0; r < spec.runs; r++) {
        const started = performance.now();
        engine.evaluateByBlock(roots, (_, _first, _end, values) => (checksum += values[values.length >> 1]! || 0));
        runs.push(performance.now() - started);
      }
      return { ...base, factors: roots.length, runs, checksum, maxRssKb: process.resourceUsage().maxRSS };
    }
    const pool = EvaluationPool.create(panel, { workers: spec.workers ?? 1, universe });
    try {
      for (let r = 0; r < spec.runs; r++) {
        const started = performance.now();
        await pool.evaluateBatch(roots, (_, values) => {
          checksum += values[values.length >> 1]! || 0;
        });
        runs.push(performance.now() - started);
      }
    } finally {
      await pool.close();
    }
    // Worker threads live in this process: their memory is in this maxRSS.
    return { ...base, factors: roots.length, runs, checksum, maxRssKb: process.resourceUsage().maxRSS };
  }

  if (spec.what === 'naive') {
    const roots = compileAll(alpha.map((f) => f.expression), panel);
    const engine = new FactorEngine(panel, { universe });
    let cells = 0;
    for (let i = 0; i < panel.N; i += spec.every) cells += Math.max(0, panel.end[i]! - panel.start[i]!);
    let seconds = 0;
    let worst = 0;
    const slices: Panel[] = [];
    for (let i = 0; i < panel.N; i += spec.every) slices.push(instrumentRange(panel, i, i + 1));
    roots.forEach((root, k) => {
      const started = performance.now();
      const values = slices.map((slice) => naiveEvaluate(slice, root));
      seconds += (performance.now() - started) / 1000;
      // the baseline computes what the engine computes
      const fast = engine.evaluate(root);
      values.forEach((naive, j) => {
        const i = j * spec.every;
        for (let t = 0; t < panel.T; t++) {
          const c = i * panel.T + t;
          const a = naive[t]!, b = fast[c]!;
          if (Number.isNaN(a) && Number.isNaN(b)) continue;
          const scale = Math.max(1, Math.abs(a), Math.abs(b));
          const d = a === b ? 0 : Number.isFinite(a) && Number.isFinite(b) ? Math.abs(a - b) / scale : Infinity;
          if (d > worst) {
            worst = d;
            if (d > 1e-6) console.error(`naive and engine differ: ${alpha[k]!.name} instrument ${i} cell ${c}: ${a} vs ${b}`);
          }
        }
      });
    });
    return { ...base, every: spec.every, cells, seconds, worstRelativeDifference: worst, maxRssKb: process.resourceUsage().maxRSS };
  }

  const label = compileLabel(DEFAULT_LABEL, { fields: new Set(Object.keys(panel.fields)) });
  if (!label.ok) throw label.error;
  const labelValues = new FactorEngine(panel, { universe, lastDay: splits.lastDay }).evaluate(label.ast);

  if (spec.what === 'latency') {
    const contexts = createAgentContexts({ N: panel.N, T: panel.T, label: labelValues, universe }, splits);
    const engine = new FactorEngine(panel, { universe, lastDay: splits.lastDay });
    const fields = new Set(Object.keys(panel.fields));
    // Each expression's fastest run, split into its parts (where the time goes per expression type).
    const perExpression = TYPICAL_EXPRESSIONS.map((expression) => ({ expression, parseMs: Infinity, evaluateMs: Infinity, fitnessMs: Infinity }));
    const one = (k: number): number => {
      const started = performance.now();
      const c = compileFactor(TYPICAL_EXPRESSIONS[k]!, { fields });
      if (!c.ok) throw c.error;
      const parsed = performance.now();
      // As a worker scores a candidate: evaluateBatch into the engine's recycled buffers, fitness read in the callback.
      let evaluated = parsed;
      engine.evaluateBatch([c.ast], (_, values) => {
        evaluated = performance.now();
        fitnessForAgents(values, contexts);
      });
      const done = performance.now();
      const parts = perExpression[k]!;
      parts.parseMs = Math.min(parts.parseMs, parsed - started);
      parts.evaluateMs = Math.min(parts.evaluateMs, evaluated - parsed);
      parts.fitnessMs = Math.min(parts.fitnessMs, done - evaluated);
      return done - started;
    };
    TYPICAL_EXPRESSIONS.forEach((_, k) => one(k)); // warm-up: JIT and buffers, as in a long-running worker
    for (const parts of perExpression) parts.parseMs = parts.evaluateMs = parts.fitnessMs = Infinity;
    const samples: number[] = [];
    for (let r = 0; r < 3; r++) TYPICAL_EXPRESSIONS.forEach((_, k) => samples.push(one(k)));
    samples.sort((a, b) => a - b);
    // The baseline: naive compute over the same clipped panel, then a sort-based daily RankIC on train and valid.
    const clipped: Panel = { ...panel, end: panel.end.map((e) => Math.min(e, splits.lastDay)) };
    const baseline: number[] = [];
    for (const expression of TYPICAL_EXPRESSIONS.slice(0, spec.baselineExpressions)) {
      const started = performance.now();
      const c = compileFactor(expression, { fields });
      if (!c.ok) throw c.error;
      let values: Float64Array;
      try {
        values = naiveEvaluate(clipped, c.ast);
      } catch {
        continue; // an operator the baseline does not have
      }
      naiveRankIc(values, labelValues, universe, panel.N, panel.T, [splits.train.start, splits.train.end]);
      naiveRankIc(values, labelValues, universe, panel.N, panel.T, [splits.valid.start, splits.valid.end]);
      baseline.push(performance.now() - started);
    }
    baseline.sort((a, b) => a - b);
    return {
      ...base,
      expressions: TYPICAL_EXPRESSIONS.length,
      p50: quantileOf(samples, 0.5),
      p95: quantileOf(samples, 0.95),
      baselineExpressions: baseline.length,
      baselineP50: baseline.length ? quantileOf(baseline, 0.5) : NaN,
      baselineP95: baseline.length ? quantileOf(baseline, 0.95) : NaN,
      perExpression,
      maxRssKb: process.resourceUsage().maxRSS,
    };
  }

  // fitness throughput through the pool
  const pool = EvaluationPool.create(panel, { workers: spec.workers, universe, scoring: { splits } });
  try {
    // distinct candidates: each round of the typical set with its windows and lags lengthened by one more day
    const batch = Array.from({ length: spec.candidates }, (_, k) =>
      TYPICAL_EXPRESSIONS[k % TYPICAL_EXPRESSIONS.length]!.replace(/,(\d+)\)/g, (_, n: string) => `,${Number(n) + Math.floor(k / TYPICAL_EXPRESSIONS.length)})`),
    );
    await pool.fitness(batch); // warm-up
    const started = performance.now();
    const results = await pool.fitness(batch);
    const seconds = (performance.now() - started) / 1000;
    const failed = results.filter((r) => !r.ok).length;
    return { ...base, workers: spec.workers, candidates: batch.length, seconds, perSecond: batch.length / seconds, failed, maxRssKb: process.resourceUsage().maxRSS };
  } finally {
    await pool.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await measure(JSON.parse(process.argv[2]) as MeasureSpec);
  console.log(JSON.stringify(result));
}
