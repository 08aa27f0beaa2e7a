/**
 * `alphaswarm compute` through the compiled CLI: library sizes, the --exprs
 * file forms, missing-value ratios recounted in the test, and Alpha158 on
 * CSI 300 within its memory bound.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticMarket } from '../../evaluator/data/index.js';
import { ALPHA20 } from '../../evaluator/libraries/alpha20.js';
import { sharedDataSet } from '../helpers/sharedData.js';
import { runCli, runJson, tempDir } from './helpers.js';

interface ComputeJson {
  factors: number;
  library: string;
  data: string;
  universe: string;
  instruments: number;
  days: number;
  threads: number;
  seconds: number;
  load_seconds: number;
  compile_seconds: number;
  compute_seconds: number;
  peak_rss_bytes: number;
  peak_rss_mib: number;
  nan_ratio: { min: number; median: number; mean: number; max: number };
  per_factor: { name: string; expr: string; nan_ratio: number }[];
  notes: string[];
}

const GiB = 2 ** 30;
const csi300 = sharedDataSet('cn_csi300');

describe('alphaswarm compute on the embedded synthetic market', () => {
  it('--library alpha20 computes its 20 factors and reports times, memory and missing values', async () => {
    const { json, errors } = await runJson<ComputeJson>(['compute', '--library', 'alpha20', '--json']);
    expect(Object.keys(json)).toEqual([
      'factors', 'library', 'data', 'universe', 'instruments', 'days', 'threads', 'seconds', 'load_seconds', 'compile_seconds',
      'compute_seconds', 'peak_rss_bytes', 'peak_rss_mib', 'nan_ratio', 'per_factor', 'notes',
    ]);
    expect(json.factors).toBe(20);
    expect(json.per_factor.map((f) => f.name)).toEqual(ALPHA20.map((f) => f.name));
    expect([json.instruments, json.days, json.universe, json.threads]).toEqual([200, 1500, 'all', 1]);
    expect(json.seconds).toBeGreaterThanOrEqual(json.load_seconds + json.compute_seconds);
    expect(json.peak_rss_bytes).toBeGreaterThan(0);
    expect(json.nan_ratio.min).toBeLessThanOrEqual(json.nan_ratio.median);
    expect(json.nan_ratio.median).toBeLessThanOrEqual(json.nan_ratio.max);
    expect(errors).toEqual([expect.stringMatching(/^alphaswarm compute: note: no --data: using the embedded synthetic market/)]);
  });

  it('--exprs reads named and unnamed lines, skips comments, and counts missing values over universe members', async () => {
    const file = join(tempDir(), 'factors.txt');
    writeFileSync(file, ['# a comment', '', 'close = $close', 'lagged\tRef($close, 1)  # yesterday', '  Ref($close, 5)', ''].join('\n'));
    const { json } = await runJson<ComputeJson>(['compute', '--exprs', file, '--universe', 'synth100', '--seed', '3', '--json']);
    expect(json.factors).toBe(3);
    expect(json.library).toBe(file);
    expect(json.per_factor.map((f) => [f.name, f.expr])).toEqual([
      ['close', '$close'],
      ['lagged', 'Ref($close, 1)'],
      ['line5', 'Ref($close, 5)'],
    ]);

    // Recount: a member cell is missing when its day is outside the instrument's own range or the close `lag` days earlier is missing or before that range.
    const panel = syntheticMarket({ seed: 3 });
    const { T, N, start, end } = panel;
    const close = panel.fields.close!;
    const mask = panel.universes.synth100!.mask;
    const ratio = (lag: number): number => {
      let members = 0;
      let missing = 0;
      for (let i = 0; i < N; i++) {
        for (let t = 0; t < T; t++) {
          if (mask[i * T + t] !== 1) continue;
          members++;
          if (t >= end[i]! || t - lag < start[i]! || !Number.isFinite(close[i * T + t - lag]!)) missing++;
        }
      }
      return missing / members;
    };
    expect(json.per_factor.map((f) => f.nan_ratio)).toEqual([ratio(0), ratio(1), ratio(5)]);
    expect(json.per_factor[2]!.nan_ratio).toBeGreaterThan(0);
  });
});

describe('alphaswarm compute --threads', () => {
  it('a pool of 2 workers computes the same missing-value counts as one thread, cross-sectional factors included', async () => {
    const file = join(tempDir(), 'factors.txt');
    writeFileSync(file, ['Corr($close, Log($volume+1), 10)', 'CSRank(Std($close, 20))', 'Rank($close, 30)', 'EMA($close, 0)'].join('\n'));
    const [one, two] = await Promise.all(
      ['1', '2'].map(async (threads) => (await runJson<ComputeJson>(['compute', '--exprs', file, '--universe', 'synth100', '--threads', threads, '--json'])).json),
    );
    expect([one!.threads, two!.threads]).toEqual([1, 2]);
    expect(two!.per_factor).toEqual(one!.per_factor);
    expect(one!.per_factor.map((f) => f.nan_ratio > 0)).toEqual([true, true, true, false]); // EMA carries its last value over missing days
  });

  it('rejects a thread count that is not a positive whole number', async () => {
    const r = await runCli(['compute', '--library', 'alpha20', '--threads', '0']);
    expect([r.code, r.errors]).toEqual([2, ['alphaswarm compute: --threads must be a whole number from 1 to 256, got "0"']]);
  });
});

describe.skipIf(!csi300)('alphaswarm compute on cn_csi300', () => {
  it('computes Alpha158 (157 factors without $vwap) on 2 workers under 2 GiB of peak RSS', async () => {
    const r = await runCli(['compute', '--data', csi300!, '--library', 'alpha158', '--threads', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.errors).toEqual([]);
    const json = JSON.parse(r.stdout) as ComputeJson;
    expect(json.factors).toBe(157);
    expect(json.threads).toBe(2);
    expect(json.per_factor).toHaveLength(157);
    expect(json.per_factor.some((f) => f.name === 'VWAP0')).toBe(false);
    expect(json.instruments).toBe(736);
    expect(json.days).toBe(2917);
    expect(json.peak_rss_bytes).toBeGreaterThan(100 * 2 ** 20);
    expect(json.peak_rss_bytes).toBeLessThan(2 * GiB);
    // Real data has suspensions: some factor misses some cells, none misses most.
    expect(json.nan_ratio.max).toBeGreaterThan(0);
    expect(json.nan_ratio.max).toBeLessThan(0.5);
  });
});
