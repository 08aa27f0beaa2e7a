import { describe, expect, it } from 'vitest';
import { summarizeDaily } from '../../evaluator/metrics/dailySummary.js';
import { defaultHacLags, neweyWestT } from '../../evaluator/metrics/hac.js';

describe('Newey–West t-statistic', () => {
  // x = 1 2 3 4 10: mean 4, e = -3 -2 -1 0 6.
  // gamma0 = (9 + 4 + 1 + 0 + 36) / 5 = 10
  // gamma1 = (6 + 2 + 0 + 0) / 5 = 1.6
  // gamma2 = (3 + 0 - 6) / 5 = -0.6
  const x = Float64Array.from([1, 2, 3, 4, 10]);

  it('matches a hand computation with Bartlett weights', () => {
    // L = 0: var = 10, se = sqrt(10 / 5).
    expect(neweyWestT(x, 0).t).toBeCloseTo(4 / Math.sqrt(2), 14);
    // L = 1: var = 10 + 2 * (1/2) * 1.6 = 11.6.
    expect(neweyWestT(x, 1).t).toBeCloseTo(4 / Math.sqrt(11.6 / 5), 14);
    // L = 2: var = 10 + 2 * (2/3) * 1.6 + 2 * (1/3) * (-0.6).
    const r = neweyWestT(x, 2);
    expect(r.se).toBeCloseTo(Math.sqrt((10 + (4 / 3) * 1.6 - (2 / 3) * 0.6) / 5), 14);
    expect(r.t).toBeCloseTo(4 / r.se, 14);
    expect(r.lags).toBe(2);
    expect(r.n).toBe(5);
  });

  it('drops missing days and treats the rest as consecutive', () => {
    const withGaps = Float64Array.from([NaN, 1, 2, Infinity, 3, 4, 10, NaN]);
    expect(neweyWestT(withGaps, 1).t).toBeCloseTo(4 / Math.sqrt(11.6 / 5), 14);
  });

  it('uses floor(4 (n/100)^(2/9)) lags by default', () => {
    expect(defaultHacLags(100)).toBe(4);
    expect(defaultHacLags(250)).toBe(4); // 4 * 1.2258
    expect(defaultHacLags(2400)).toBe(8); // 4 * 2.0265
    expect(defaultHacLags(5)).toBe(2); // 4 * 0.5145
    expect(neweyWestT(x).lags).toBe(2);
    expect(neweyWestT(x).t).toBeCloseTo(neweyWestT(x, 2).t, 15);
  });

  it('is undefined for constant or too short series', () => {
    expect(neweyWestT(Float64Array.from([1, 1, 1]), 1).t).toBeNaN();
    expect(neweyWestT(Float64Array.from([1]), 0).t).toBeNaN();
  });

  it('is reported in daily summaries with the lag used', () => {
    const s = summarizeDaily(x, 1);
    expect(s.hacT).toBeCloseTo(4 / Math.sqrt(11.6 / 5), 14);
    expect(s.hacLags).toBe(1);
    expect(s.mean).toBe(4);
    expect(s.std).toBeCloseTo(Math.sqrt(50 / 4), 14);
  });
});
