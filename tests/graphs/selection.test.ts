/**
 * CogAlpha's selection and QuantaAlpha's reward, checked against values
 * computed by hand (the percentile arithmetic is written out in comments).
 */
import { describe, expect, it } from 'vitest';
import type { AgentMetrics, SplitMetrics } from '../../agents/domain.js';
import { trajectoryReward } from '../../graphs/reward.js';
import { COGALPHA_SELECTION, orientMetrics, percentile, selectByNiche, selectGeneration } from '../../graphs/selection.js';

function split(ic: number, icir: number, rankIc: number, rankIcir: number, mi: number, nanRatio = 0.01): SplitMetrics {
  return { ic, icir, rankIc, rankIcir, mi, rankIcT: rankIc * 100, nanRatio, days: 500 };
}
function metrics(train: SplitMetrics, validRankIc: number, validNan = 0.01): AgentMetrics {
  return { train, valid: split(validRankIc, validRankIc * 10, validRankIc, validRankIc * 10, 0.001, validNan) };
}

describe('percentile', () => {
  it('interpolates linearly between closest ranks (numpy default)', () => {
    expect(percentile([0.03, 0.005, 0.02, 0.01, 0.025], 0.65)).toBeCloseTo(0.023, 12); // sorted .005 .01 .02 .025 .03; 2.6 -> .02 + .6*.005
    expect(percentile([0.03, 0.005, 0.02, 0.01, 0.025], 0.8)).toBeCloseTo(0.026, 12); // 3.2 -> .025 + .2*.005
    expect(percentile([7], 0.65)).toBe(7);
    expect(percentile([1, 2], 1)).toBe(2);
  });
});

describe('selectGeneration', () => {
  // Five survivors; per metric, sorted, with p65 / p80:
  //   ic       .005 .01 .02 .025 .03        -> .023   / .026
  //   icir     .05 .1 .2 .25 .3             -> .23    / .26
  //   rankIc   .008 .012 .03 .035 .04       -> .033   / .036
  //   rankIcir .08 .12 .3 .35 .4            -> .33    / .36
  //   mi       .0004 .0009 .0015 .0018 .002 -> .00168 / .00184
  const A = { id: 'A', reward: 0.03, metrics: metrics(split(0.03, 0.3, 0.04, 0.4, 0.002), 0.02) };
  const B = { id: 'B', reward: 0.02, metrics: metrics(split(0.02, 0.2, 0.03, 0.3, 0.0015), 0.01) };
  // Negative train RankIC: oriented it is .025 .25 .035 .35 (MI has no sign).
  const C = { id: 'C', reward: 0.025, metrics: metrics(split(-0.025, -0.25, -0.035, -0.35, 0.0018), -0.015) };
  const D = { id: 'D', reward: 0.004, metrics: metrics(split(0.005, 0.05, 0.008, 0.08, 0.0004), 0.001) };
  const E = { id: 'E', reward: 0.05, metrics: metrics(split(0.05, 0.5, 0.06, 0.6, 0.003, 0.4), 0.03) };
  const F = { id: 'F', reward: 0.006, metrics: metrics(split(0.01, 0.1, 0.012, 0.12, 0.0009), -0.003) };

  it('discards, orients, qualifies and elects as CogAlpha does', () => {
    const result = selectGeneration([A, B, C, D, E, F]);
    const kind = Object.fromEntries(result.verdicts.map((v) => [v.id, v.kind]));
    expect(kind).toEqual({ A: 'elite', B: 'evaluated', C: 'qualified', D: 'evaluated', E: 'discarded', F: 'evaluated' });
    expect(result.thresholds!.qualified.ic).toBeCloseTo(0.023, 12);
    expect(result.thresholds!.elite.mi).toBeCloseTo(0.00184, 12);
    // A is an elite that generalises; C (qualified) and B (not even qualified) are good outright: oriented train
    // metrics at the elite bounds, train RankIC t >= 3 (3.5 and 3.0), oriented valid RankIC >= .01 (.015 and .01).
    // D misses the elite bounds (IC .005), F generalises badly (valid -.003).
    expect(result.toLibrary).toEqual(['A', 'C', 'B']);
    expect(result.parents).toEqual(['A', 'C']); // qualified and elite, best reward first
    expect(result.carried).toEqual(['A']);
    const c = result.verdicts.find((v) => v.id === 'C')!;
    expect(c).toMatchObject({ kind: 'qualified', orientation: -1, reason: 'not elite: oriented train ic 0.0250 < 0.0260' });
    expect(result.verdicts.find((v) => v.id === 'B')).toMatchObject({ reason: 'not qualified: oriented train ic 0.0200 < 0.0230' });
    expect(result.verdicts.find((v) => v.id === 'E')).toMatchObject({ kind: 'discarded', reason: '40.0% missing values on train (> 30%)' });
  });

  it('offers an elite to the librarian only when its oriented valid RankIC clears the minimum bound, another candidate only when good outright', () => {
    const overfit = { ...A, metrics: metrics(A.metrics.train, 0.004) };
    const weakC = { ...C, metrics: metrics(C.metrics.train, -0.008) }; // oriented valid .008 < .01
    const result = selectGeneration([overfit, B, weakC, D, F]);
    expect(result.verdicts[0]).toMatchObject({ kind: 'elite', generalises: false, reason: 'does not generalise: oriented valid RankIC 0.0040 < 0.005' });
    expect(result.verdicts[2]).toMatchObject({ kind: 'qualified', generalises: false });
    expect(result.toLibrary).toEqual(['B']);
    // Without significance B is not offered: t 2.9 < 3.
    const shaky = { ...B, metrics: { ...B.metrics, train: { ...B.metrics.train, rankIcT: 2.9 } } };
    expect(selectGeneration([overfit, shaky, weakC, D, F]).toLibrary).toEqual([]);
    expect(result.carried).toEqual(['A']); // still an elite parent
  });

  it('applies the minimum bounds even to the best of a weak generation', () => {
    const weak = (id: string, r: number) => ({ id, reward: r, metrics: metrics(split(r, r * 10, r, r * 10, 0.001), r) });
    // Alone, each is its generation's every percentile; 0.004 < 0.005 (IC, RankIC) and 0.04 < 0.05 (ICIR).
    expect(selectGeneration([weak('w', 0.004)]).verdicts[0]).toMatchObject({ kind: 'evaluated', reason: 'not qualified: oriented train ic 0.0040 < 0.0050' });
    // 0.008 qualifies (>= .005/.05) but is below the elite bounds (.01, .1).
    expect(selectGeneration([weak('q', 0.008)]).verdicts[0]).toMatchObject({ kind: 'qualified', reason: 'not elite: oriented train ic 0.0080 < 0.0100' });
    // MI below the qualified bound 0.0003 fails even at the top of its generation.
    const lowMi = { id: 'm', reward: 0.02, metrics: metrics(split(0.02, 0.2, 0.02, 0.2, 0.0002), 0.02) };
    expect(selectGeneration([lowMi]).verdicts[0]).toMatchObject({ kind: 'evaluated', reason: 'not qualified: oriented train mi 0.0002 < 0.0003' });
  });

  it('discards candidates without a train RankIC sign or with missing NaN shares', () => {
    const flat = { id: 'z', reward: 0, metrics: metrics(split(0, 0, 0, 0, 0), 0.01) };
    const noNan = { id: 'n', reward: 0, metrics: { ...A.metrics, valid: { ...A.metrics.valid, nanRatio: null } } };
    const result = selectGeneration([flat, noNan]);
    expect(result.verdicts).toEqual([
      { id: 'z', kind: 'discarded', reason: 'no train RankIC to orient by' },
      { id: 'n', kind: 'discarded', reason: 'n/a% missing values on valid (> 30%)' },
    ]);
    expect(result.thresholds).toBeNull();
  });

  it('keeps at most parentPoolSize parents and carriedElites elites', () => {
    const many = Array.from({ length: 6 }, (_, k) => ({ id: `e${k}`, reward: k / 100, metrics: A.metrics }));
    const result = selectGeneration(many, { ...COGALPHA_SELECTION, parentPoolSize: 3 });
    expect(result.parents).toEqual(['e5', 'e4', 'e3']);
    expect(result.carried).toEqual(['e5', 'e4']);
    expect(result.toLibrary).toHaveLength(6);
  });
});

describe('selectByNiche', () => {
  const m = (rankIc: number, mi = 0.002) => metrics(split(rankIc, rankIc * 10, rankIc, rankIc * 10, mi), rankIc);
  it('takes percentiles within each niche, so a weaker niche still has its elite', () => {
    const strong = [0.05, 0.04, 0.03].map((r, k) => ({ id: `s${k}`, niche: 'reversal', reward: r, metrics: m(r) }));
    const weak = [0.015, 0.012, 0.011].map((r, k) => ({ id: `w${k}`, niche: 'volume', reward: r, metrics: m(r) }));
    // Together, the weak niche sits below every 65th percentile.
    expect(selectGeneration([...strong, ...weak]).verdicts.filter((v) => v.id.startsWith('w')).map((v) => v.kind)).toEqual(['evaluated', 'evaluated', 'evaluated']);
    const result = selectByNiche([...strong, ...weak]);
    const kind = Object.fromEntries(result.verdicts.map((v) => [v.id, v.kind]));
    expect(kind).toEqual({ s0: 'elite', s1: 'evaluated', s2: 'evaluated', w0: 'elite', w1: 'evaluated', w2: 'evaluated' });
    expect(Object.keys(result.thresholds).sort()).toEqual(['reversal', 'volume']);
    expect(result.thresholds.volume!.elite.rankIc).toBeCloseTo(0.0138, 12); // .011 .012 .015: position 1.6 -> .012 + .6*.003
    // Elites first; then s1 and s2, good outright (t 4.0 and 3.0); w1 and w2 are not significant (t 1.2, 1.1).
    expect(result.toLibrary).toEqual(['s0', 'w0', 's1', 's2']);
    expect(result.carried).toEqual(['s0', 'w0']);
  });

  it('fills the parent pool from the niches in turn, best niche first', () => {
    const niche = (name: string, base: number) => [0, 1, 2, 3].map((k) => ({ id: `${name}${k}`, niche: name, reward: base - k / 1000, metrics: m(0.03) }));
    // Equal metrics: everyone is at every percentile, so all are elites and parents.
    const result = selectByNiche([...niche('a', 0.05), ...niche('b', 0.04), ...niche('c', 0.06)], { ...COGALPHA_SELECTION, parentPoolSize: 5 });
    expect(result.parents).toEqual(['c0', 'a0', 'b0', 'c1', 'a1']);
    expect(result.carried).toEqual(['c0', 'c1']);
  });
});

describe('orientMetrics', () => {
  it('turns signed metrics and leaves MI, NaN share and days', () => {
    const m = metrics(split(-0.02, -0.2, -0.03, -0.3, 0.001, 0.05), -0.01);
    const o = orientMetrics(m, -1);
    expect(o.train).toEqual({ ic: 0.02, icir: 0.2, rankIc: 0.03, rankIcir: 0.3, mi: 0.001, rankIcT: 3, nanRatio: 0.05, days: 500 });
    expect(o.valid.rankIc).toBe(0.01);
  });
});

describe('trajectoryReward', () => {
  it('is the oriented mean of train and valid RankIC minus the weighted penalties', () => {
    // orientation -1: fit = (0.04 + 0.02) / 2 = 0.03
    // penalties: complexity 20 * 0.0001 = 0.002; similarity 0.5 * 0.01 = 0.005; |corr| 0.6 * 0.01 = 0.006; family 0.25 * 0.01 = 0.0025
    const r = trajectoryReward({
      metrics: metrics(split(-0.03, -0.3, -0.04, -0.4, 0.002), -0.02),
      complexity: 20,
      similarity: 0.5,
      libraryCorrelation: -0.6,
      familyShare: 0.25,
    });
    expect(r.fit).toBeCloseTo(0.03, 12);
    expect(r.penalties).toEqual({ complexity: expect.closeTo(0.002, 12), similarity: 0.005, correlation: 0.006, family: 0.0025 });
    expect(r.reward).toBeCloseTo(0.0145, 12);
  });

  it('counts a missing RankIC as zero fit and clamps penalties to their ranges', () => {
    const m = metrics(split(0.01, 0.1, 0.02, 0.2, 0.001), 0);
    const r = trajectoryReward({ metrics: { ...m, valid: { ...m.valid, rankIc: null } }, complexity: 0, similarity: 3, libraryCorrelation: NaN, familyShare: -1 });
    expect(r.fit).toBeCloseTo(0.01, 12);
    expect(r.penalties).toEqual({ complexity: 0, similarity: 0.01, correlation: 0, family: 0 });
  });
});
