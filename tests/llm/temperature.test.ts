import { describe, expect, it } from 'vitest';
import { CHECKER_TEMPERATURE, GENERATING_TEMPERATURES, cogAlphaTemperature } from '../../agents/llm/temperature.js';

describe('CogAlpha temperatures', () => {
  it('checkers always sample at 0.8', () => {
    expect(CHECKER_TEMPERATURE).toBe(0.8);
    for (let i = 0; i < 50; i++) expect(cogAlphaTemperature('checker', i, `c${i}`, i)).toBe(0.8);
  });

  it('generators draw each of {0.7, ..., 1.2} about equally often', () => {
    expect([...GENERATING_TEMPERATURES]).toEqual([0.7, 0.8, 0.9, 1.0, 1.1, 1.2]);
    const counts = new Map<number, number>();
    for (let i = 0; i < 6000; i++) {
      const t = cogAlphaTemperature('generating', 42, `agent${i % 7}`, Math.floor(i / 7));
      counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([0.7, 0.8, 0.9, 1.0, 1.1, 1.2]);
    // 1000 expected per value; a binomial sd is ~29, so 850..1150 fails only on a real bias
    for (const n of counts.values()) expect(n).toBeGreaterThan(850), expect(n).toBeLessThan(1150);
  });

  it('is a pure function of (seed, agent, call number)', () => {
    const seq = (seed: number, agent: string) => Array.from({ length: 40 }, (_, i) => cogAlphaTemperature('generating', seed, agent, i));
    expect(seq(1, 'a')).toEqual(seq(1, 'a'));
    expect(seq(1, 'a')).not.toEqual(seq(2, 'a'));
    expect(seq(1, 'a')).not.toEqual(seq(1, 'b'));
  });
});
