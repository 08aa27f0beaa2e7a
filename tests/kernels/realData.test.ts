/**
 * Rolling operators on real CSI 300 data (close and volume of a few stocks,
 * with their real suspensions and listing dates) against the pandas
 * reference. Reads qlib .bin files directly (a tiny reader local to this
 * test: little-endian float32, element 0 = index of the first day in
 * calendars/day.txt). Skips when the shared data is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNELS } from '../../operators/kernels/index.js';
import type { KernelContext } from '../../operators/kernels/types.js';
import { pandasPython } from '../helpers/python.js';
import { sharedDataSet } from '../helpers/sharedData.js';
import { kernelArgs, mismatches, type OracleCase, runOracle } from './oracle.js';

const dataDir = sharedDataSet('cn_csi300');
const python = pandasPython();

// the index, two long-lived large caps, and stocks listed mid-sample (chosen for suspensions and late starts)
const SYMBOLS = ['sh000300', 'sh600000', 'sh600519', 'sz300750', 'sh601012', 'sz000725'];

function readBin(path: string): { first: number; values: Float64Array } {
  const buf = readFileSync(path);
  const f = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  return { first: f[0]!, values: Float64Array.from(f.subarray(1)) };
}

function loadPanel(dir: string): { ctx: KernelContext; series: Record<string, Float64Array> } {
  const T = readFileSync(join(dir, 'calendars/day.txt'), 'utf8').trim().split('\n').length;
  const symbols = SYMBOLS.filter((s) => existsSync(join(dir, 'features', s, 'close.day.bin')));
  const N = symbols.length;
  const start = new Int32Array(N), end = new Int32Array(N);
  const series: Record<string, Float64Array> = { close: new Float64Array(N * T).fill(NaN), volume: new Float64Array(N * T).fill(NaN) };
  symbols.forEach((sym, i) => {
    for (const field of ['close', 'volume']) {
      const { first, values } = readBin(join(dir, 'features', sym, `${field}.day.bin`));
      start[i] = first;
      end[i] = Math.min(T, first + values.length);
      series[field]!.set(values.subarray(0, end[i]! - first), i * T + first);
    }
  });
  return { ctx: { T, N, start, end, universe: null }, series };
}

const ROLLING = ['Mean', 'Sum', 'Std', 'Var', 'Skew', 'Kurt', 'Max', 'Min', 'Med', 'Mad', 'Slope', 'Rsquare', 'Resi',
  'Rank', 'Count', 'WMA', 'IdxMax', 'IdxMin', 'Delta', 'Ref'];

/** As in oracle.test.ts: pandas' own rounding limits the agreement for these (see there). */
function tolerance(op: string): { rtol: number; atol: number } {
  if (op === 'Skew' || op === 'Kurt') return { rtol: 1e-9, atol: 1e-9 };
  if (op === 'Corr') return { rtol: 0, atol: 1e-6 };
  if (op === 'Cov' || op === 'Var' || op === 'Std') return { rtol: 1e-6, atol: 0 };
  return { rtol: 1e-9, atol: 1e-9 };
}

describe.skipIf(!dataDir || !python)('rolling operators on real CSI 300 data match pandas', () => {
  it('close and volume, windows 5 / 20 / 60 / expanding', () => {
    const { ctx, series } = loadPanel(dataDir!);
    expect(ctx.N).toBeGreaterThanOrEqual(4);
    const cases: OracleCase[] = [];
    for (const x of ['close', 'volume']) {
      for (const op of ROLLING) for (const w of [5, 20, 60, 0]) cases.push({ id: `${op}(${x},${w})`, op, args: [{ series: x }, { const: w }] });
      for (const w of [5, 20, 60]) cases.push({ id: `Quantile(${x},${w},0.8)`, op: 'Quantile', args: [{ series: x }, { const: w }, { const: 0.8 }] });
      for (const span of [12, 0.1]) cases.push({ id: `EMA(${x},${span})`, op: 'EMA', args: [{ series: x }, { const: span }] });
    }
    for (const op of ['Corr', 'Cov']) for (const w of [5, 20, 60]) {
      cases.push({ id: `${op}(close,volume,${w})`, op, args: [{ series: 'close' }, { series: 'volume' }, { const: w }] });
    }
    const expected = runOracle(python!, ctx, series, cases);
    const failures: string[] = [];
    for (const c of cases) {
      const out = new Float64Array(ctx.N * ctx.T);
      KERNELS[c.op]!(ctx, kernelArgs(c, series), out);
      const { rtol, atol } = tolerance(c.op);
      const bad = mismatches(expected.get(c.id)!, out, rtol, atol);
      if (bad.length > 0) failures.push(`${c.id}: ${bad.map((m) => `[i=${Math.floor(m.index / ctx.T)} t=${m.index % ctx.T}] pandas ${m.expected} kernel ${m.actual}`).join('; ')}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);
});
