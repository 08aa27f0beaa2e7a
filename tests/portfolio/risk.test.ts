import { describe, expect, it } from 'vitest';

import { cumulativeSum, qlibRiskAnalysis, rdAgentRisk, sumDrawdown } from '../../evaluator/portfolio/index.js';

const r = Float64Array.from([0.01, -0.02, 0.03, -0.01]);
// mean 0.0025; deviations 0.0075, -0.0225, 0.0275, -0.0125; squares sum to 0.001475; ddof 1.
const mean = 0.0025;
const std = Math.sqrt(0.001475 / 3);

describe("qlib's risk_analysis (sum mode, 238 days)", () => {
  it('annualises the mean, scales the IR by sqrt(238) and draws down on the summed curve', () => {
    const risk = qlibRiskAnalysis(r);
    expect(risk.mean).toBeCloseTo(mean, 15);
    expect(risk.std).toBeCloseTo(std, 15);
    expect(risk.annualizedReturn).toBeCloseTo(0.0025 * 238, 12);
    expect(risk.informationRatio).toBeCloseTo((mean / std) * Math.sqrt(238), 12);
    // cumsum 0.01, -0.01, 0.02, 0.01; running max 0.01, 0.01, 0.02, 0.02 -> worst -0.02.
    expect(risk.maxDrawdown).toBeCloseTo(-0.02, 15);
    expect(risk.calmar).toBeCloseTo((0.0025 * 238) / 0.02, 10);
  });

  it('gives the chart curves', () => {
    [0.01, -0.01, 0.02, 0.01].forEach((v, d) => expect(cumulativeSum(r)[d]).toBeCloseTo(v, 15));
    [0, -0.02, 0, -0.01].forEach((v, d) => expect(sumDrawdown(r)[d]).toBeCloseTo(v, 15));
  });

  it("measures drawdown from the first day's sum, as qlib does (a first-day loss is no drawdown)", () => {
    // qlib's running max starts at the first day's sum, not at 0.
    expect(qlibRiskAnalysis(Float64Array.from([-0.05, 0.01])).maxDrawdown).toBe(0);
  });
});

describe("R&D-Agent(Q)'s Appendix C.4 (compounded, 252 days)", () => {
  it('compounds the annual return and measures drawdown from the compounded peak', () => {
    const risk = rdAgentRisk(r);
    const value = 1.01 * 0.98 * 1.03 * 0.99;
    expect(risk.annualizedReturn).toBeCloseTo(value ** (252 / 4) - 1, 12);
    expect(risk.informationRatio).toBeCloseTo((mean / std) * Math.sqrt(252), 12);
    // Peak 1.01 then 0.9898: down 2 %; later peak 1.019494 then 1.00929906: down 1 %.
    expect(risk.maxDrawdown).toBeCloseTo(-0.02, 12);
    expect(risk.calmar).toBeCloseTo((value ** 63 - 1) / 0.02, 10);
  });
});
