/**
 * Cross-check against pandas (1.5) on a random panel with ties,
 * missing values, infinities, a universe mask and days too thin to score:
 * daily IC / RankIC by groupby-corr, quantile means (ties by instrument),
 * and alphalens-style rank autocorrelation and top-group turnover.
 */

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scoreFactor } from '../../evaluator/metrics/score.js';
import { pandasPython } from '../helpers/python.js';
import { inputsOf, normals, rng } from './fixtures.js';

const python = pandasPython();

const SCRIPT = String.raw`
import json, sys
import numpy as np, pandas as pd
d, N, T, min_names, Q = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
f = np.fromfile(d + '/factor.bin', dtype='<f8').reshape(N, T)
y = np.fromfile(d + '/label.bin', dtype='<f8').reshape(N, T)
m = np.fromfile(d + '/mask.bin', dtype=np.uint8).reshape(N, T)
inst, day = np.meshgrid(np.arange(N), np.arange(T), indexing='ij')
df = pd.DataFrame({'day': day.ravel(), 'inst': inst.ravel(), 'f': f.ravel(), 'y': y.ravel(), 'm': m.ravel()})
members = df[df.m == 1]
nan_ratio = float((~np.isfinite(members.f)).mean())
df = members.replace([np.inf, -np.inf], np.nan).dropna(subset=['f', 'y'])
df = df[df.groupby('day').f.transform('size') >= min_names].copy()
days = pd.RangeIndex(T)
pearson = df.groupby('day')[['f', 'y']].corr().xs('f', level=1)['y'].reindex(days)
spearman = df.groupby('day')[['f', 'y']].corr(method='spearman').xs('f', level=1)['y'].reindex(days)
g = df.groupby('day')
df['n'] = g.f.transform('size')
df['q'] = np.floor((g.f.rank(method='first') - 1) * Q / df.n).astype(int)
qd = df[df.n >= Q]
means = qd.groupby(['day', 'q']).y.mean().unstack()
spread = (means[Q - 1] - means[0]).reindex(days)
ranks = df.assign(r=g.f.rank()).pivot(index='day', columns='inst', values='r').reindex(days)
autocorr = ranks.corrwith(ranks.shift(1), axis=1)
top = qd[qd.q == Q - 1].groupby('day').inst.apply(set).reindex(days)
turnover = [len(top[t] - top[t - 1]) / len(top[t]) for t in range(1, T)
            if isinstance(top[t], set) and isinstance(top[t - 1], set)]
out = lambda s: [None if not np.isfinite(v) else float(v) for v in s]
print(json.dumps({
  'ic': out(pearson), 'rankIc': out(spearman),
  'icMean': float(pearson.mean()), 'icStd': float(pearson.std()),
  'rankIcMean': float(spearman.mean()), 'rankIcStd': float(spearman.std()),
  'meanLabel': out(means.mean()), 'spread': out(spread),
  'autocorrelation': float(autocorr.mean()), 'turnover': float(np.mean(turnover)), 'nanRatio': nan_ratio,
}))
`;

describe.skipIf(!python)('metrics against pandas', () => {
  it('agrees to 1e-10', () => {
    const N = 60;
    const T = 80;
    const u = rng(11);
    const z = normals(rng(12));
    const factor = new Float64Array(N * T);
    const label = new Float64Array(N * T);
    const mask = new Uint8Array(N * T);
    for (let i = 0; i < N; i++) {
      for (let t = 0; t < T; t++) {
        const c = i * T + t;
        const signal = z();
        // Half the days are coarsely rounded, so ties are everywhere there.
        factor[c] = t % 2 ? signal : Math.round(signal * 2) / 2;
        label[c] = 0.02 * (0.1 * signal + z());
        if (u() < 0.05) factor[c] = NaN;
        if (u() < 0.01) factor[c] = u() < 0.5 ? Infinity : -Infinity;
        if (u() < 0.05) label[c] = NaN;
        // Days 20-22 keep only 8 members: below minNames.
        mask[c] = (t >= 20 && t <= 22 ? i < 8 : u() < 0.85) ? 1 : 0;
      }
    }
    const dir = mkdtempSync(join(tmpdir(), 'alphaswarm-metrics-'));
    try {
      writeFileSync(join(dir, 'factor.bin'), factor);
      writeFileSync(join(dir, 'label.bin'), label);
      writeFileSync(join(dir, 'mask.bin'), mask);
      const run = spawnSync(python!, ['-c', SCRIPT, dir, String(N), String(T), '10', '5'], { encoding: 'utf8' });
      expect(run.stderr.replace(/.*Warning.*\n(.*\n)?/g, '')).toBe('');
      const want = JSON.parse(run.stdout);
      const got = scoreFactor(factor, inputsOf(label, N, T, mask), { start: 0, end: T }, { minNames: 10, quantiles: 5 });
      const same = (a: Float64Array, b: (number | null)[], what: string) => {
        expect(a.length, what).toBe(b.length);
        b.forEach((v, t) => {
          if (v === null) expect(a[t], `${what} day ${t}`).toBeNaN();
          else expect(Math.abs(a[t]! - v), `${what} day ${t}`).toBeLessThan(1e-10);
        });
      };
      same(got.icPerDay, want.ic, 'IC');
      same(got.rankIcPerDay, want.rankIc, 'RankIC');
      expect(got.ic.days).toBe(T - 3);
      expect(got.ic.mean).toBeCloseTo(want.icMean, 10);
      expect(got.ic.std).toBeCloseTo(want.icStd, 10);
      expect(got.rankIc.mean).toBeCloseTo(want.rankIcMean, 10);
      expect(got.rankIc.std).toBeCloseTo(want.rankIcStd, 10);
      same(got.quantiles.meanLabel, want.meanLabel, 'quantile means');
      same(got.quantiles.spreadPerDay, want.spread, 'spread');
      expect(got.autocorrelation).toBeCloseTo(want.autocorrelation, 10);
      expect(got.turnover).toBeCloseTo(want.turnover, 10);
      expect(got.nanRatio).toBeCloseTo(want.nanRatio, 12);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
