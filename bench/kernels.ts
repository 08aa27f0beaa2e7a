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
import type { KernelArg } from '../operators/kernels/types.js';
import { makePanel } from './syntheticPanel.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const T = Number(option('days', '2917'));
const N = Number(option('instruments', '736'));
const RUNS = Number(option('runs', '7'));
const ONLY = option('only', '').split(',').filter(Boolean);

const { ctx, close, volume, ret } = makePanel(T, N);
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
