/** CogAlpha's 21 specialists: names, levels and layers as the paper gives them; each is a valid specialist module. */
import { describe, expect, it } from 'vitest';
import { GUIDANCE_MODES } from '../../agents/roles.js';
import { specialistFromModule } from '../../agents/specialistDefinition.js';
import { LAYERS, SPECIALISTS, builtInSpecialist } from '../../agents/specialists/catalog.js';

/** Section 3.1 of the paper, level by level. */
const PAPER: Readonly<Record<number, readonly string[]>> = {
  1: ['AgentMarketCycle', 'AgentVolatilityRegime'],
  2: ['AgentTailRisk', 'AgentCrashPredictor'],
  3: ['AgentLiquidity', 'AgentOrderImbalance', 'AgentPriceVolumeCoherence', 'AgentVolumeStructure'],
  4: ['AgentDailyTrend', 'AgentReversal', 'AgentRangeVol', 'AgentLagResponse', 'AgentVolAsymmetry'],
  5: ['AgentDrawdown', 'AgentFractal'],
  6: ['AgentRegimeGating', 'AgentStability'],
  7: ['AgentBarShape', 'AgentCreative', 'AgentComposite', 'AgentHerding'],
};

describe('specialist catalog', () => {
  it('has the 21 specialists of the paper at their levels, with kebab-case bus names', () => {
    expect(SPECIALISTS).toHaveLength(21);
    for (const [level, names] of Object.entries(PAPER)) {
      expect(SPECIALISTS.filter((s) => s.level === Number(level)).map((s) => s.paperName).sort()).toEqual([...names].sort());
    }
    expect(builtInSpecialist('price-volume-coherence')?.paperName).toBe('AgentPriceVolumeCoherence');
    expect(builtInSpecialist('vol-asymmetry')?.paperName).toBe('AgentVolAsymmetry');
    expect(builtInSpecialist('range-vol')?.level).toBe(4);
    expect(builtInSpecialist('nope')).toBeUndefined();
    expect(new Set(SPECIALISTS.map((s) => s.name)).size).toBe(21);
  });

  it('names the seven layers as Appendix A.1 does', () => {
    expect(LAYERS.map((l) => l.name)).toEqual([
      'Market Structure & Cycle Layer',
      'Extreme Risk & Fragility Layer',
      'Price–Volume Dynamics Layer',
      'Price–Volatility Behavior Layer',
      'Multi-Scale Complexity Layer',
      'Stability & Regime-Gating Layer',
      'Geometric & Fusion Layer',
    ]);
    for (const s of SPECIALISTS) expect(s.layer).toBe(LAYERS[s.level - 1]!.name);
  });

  it('gives each specialist five distinct paraphrases, the concrete one with a formula', () => {
    for (const s of SPECIALISTS) {
      const texts = GUIDANCE_MODES.map((mode) => s.paraphrases[mode]);
      expect(texts.every((t) => t.length > 40), s.name).toBe(true);
      expect(new Set(texts).size, s.name).toBe(5);
      expect(s.paraphrases.concrete, s.name).toMatch(/\(|\//);
      expect(s.guidance).toBe(s.paraphrases.light);
    }
  });

  it('is valid as specialist modules (name, level, guidance, version, capabilities)', () => {
    for (const s of SPECIALISTS) {
      const definition = specialistFromModule({ name: s.name, level: s.level, guidance: s.guidance, version: s.version, capabilities: s.capabilities }, s.name);
      expect(definition).toMatchObject({ name: s.name, level: s.level, guidance: s.guidance });
    }
  });
});
