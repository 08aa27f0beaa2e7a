/**
 * Micro-benchmark of every operator kernel on a panel the size of CSI 300
 * (2917 days x 736 instruments): ns per cell, best and median of several runs
 * (the best run is the least disturbed by other processes on a shared machine).
 *
 *   npm run build && node dist/bench/kernels.js [--days 2917] [--instruments 736] [--runs 5] [--only Mean,Std]
 *
 * The panel is synthetic (prices rounded to cents, so ties occur; suspensions
 * as NaN runs; instruments listed or delisted mid-panel) and generated from a
 * fixed seed, so runs are comparable.
 */

import { performance } from 'node:perf_hooks';
import { KERNELS } from '../operators/kernels/index.js';
import type { KernelArg, KernelContext } from '../operators/kernels/types.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const T = Number(option('days', '2917'));
const N = Number(option('instruments', '736'));
const RUNS = Number(option('runs', '7'));
const ONLY = option('only', '').split(',').filter(Boolean);

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function makePanel(): { ctx: KernelContext; close: Float64Array; volume: Float64Array; ret: Float64Array } {
  const rand = mulberry32(42);
  const start = new Int32Array(N), end = new Int32Array(N);
  const close = new Float64Array(N * T).fill(NaN);
  const volume = new Float64Array(N * T).fill(NaN);
  const ret = new Float64Array(N * T).fill(NaN);
  const universe = new Uint8Array(N * T);
  for (let i = 0; i < N; i++) {
    start[i] = rand() < 0.3 ? Math.floor(rand() * T * 0.5) : 0;
    end[i] = rand() < 0.1 ? Math.floor(T * (0.6 + 0.4 * rand())) : T;
    let p = 5 + 50 * rand();
    let suspended = 0;
    for (let t = start[i]!; t < end[i]!; t++) {
      const k = i * T + t;
      if (suspended > 0 || rand() < 0.002) {
        suspended = suspended > 0 ? suspended - 1 : Math.floor(rand() * 20);
        continue;
      }
      const r = (rand() - 0.5) * 0.04;
      p *= 1 + r;
      close[k] = Math.round(p * 100) / 100;
      volume[k] = Math.round(1e6 * (0.5 + rand()));
      ret[k] = r;
      universe[k] = rand() < 0.4 ? 1 : 0;
    }
  }
  return { ctx: { T, N, start, end, universe }, close, volume, ret };
}

const { ctx, close, volume, ret } = makePanel();
const out = new Float64Array(N * T);

interface Case { name: string; op: string; args: KernelArg[] }
const cases: Case[] = [];
const add = (op: string, args: KernelArg[], label = ''): void => {
  cases.push({ name: `${op}${label}`, op, args });
};

for (const op of ['Abs', 'Sign', 'Log', 'Not']) add(op, [close]);
add('Power', [ret, 2]);
for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Greater', 'Less', 'Gt', 'Ge', 'Lt', 'Le', 'Eq', 'Ne', 'And', 'Or']) {
  add(op, [close, volume], '(x,y)');
  add(op, [close, 1], '(x,c)');
}
add('If', [ret, close, volume]);
add('Ref', [close, 1], '(1)');
add('Delta', [close, 5], '(5)');
const rolling = ['Mean', 'Sum', 'Std', 'Var', 'Skew', 'Kurt', 'Max', 'Min', 'Med', 'Mad', 'Slope', 'Rsquare', 'Resi',
  'Rank', 'Count', 'WMA', 'IdxMax', 'IdxMin'];
for (const op of rolling) for (const w of [5, 20, 60]) add(op, [close, w], `(${w})`);
for (const op of ['Mean', 'Std', 'Max', 'Rank', 'Med', 'Slope']) add(op, [close, 0], '(0)');
for (const w of [5, 20, 60]) add('Quantile', [close, w, 0.8], `(${w},0.8)`);
add('Rank', [close, 500], '(500)');
add('EMA', [close, 12], '(12)');
add('EMA', [close, 0.1], '(0.1)');
add('EMA', [close, 0], '(0)'); // qlib's expanding EMA: O(T^2) per instrument by definition
for (const w of [5, 20, 60]) {
  add('Corr', [close, volume, w], `(${w})`);
  add('Cov', [close, volume, w], `(${w})`);
}
for (const op of ['CSRank', 'CSZScore', 'CSDemean', 'CSScale']) add(op, [ret]);
add('CSWinsorize', [ret, 0.05]);

const cells = N * T;
console.log(`kernel benchmark: ${T} days x ${N} instruments = ${cells} cells, best and median of ${RUNS} runs (node ${process.version})`);
console.log('kernel'.padEnd(24) + 'min ns/cell'.padStart(12) + 'median'.padStart(9) + 'min ms/call'.padStart(13));
for (const c of cases) {
  if (ONLY.length > 0 && !ONLY.includes(c.op)) continue;
  const kernel = KERNELS[c.op]!;
  const times: number[] = [];
  kernel(ctx, c.args, out); // warm-up (and JIT)
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    kernel(ctx, c.args, out);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const best = times[0]!, median = times[times.length >> 1]!;
  const perCell = (ms: number): string => ((ms * 1e6) / cells).toFixed(2);
  console.log(c.name.padEnd(24) + perCell(best).padStart(12) + perCell(median).padStart(9) + best.toFixed(1).padStart(13));
}
