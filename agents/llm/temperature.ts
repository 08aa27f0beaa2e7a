/**
 * Sampling temperatures per CogAlpha ("Cognitive Alpha Mining", section 4.1): the
 * generating agents draw a temperature at random from {0.7, ..., 1.2} to keep
 * their ideas diverse; the quality checkers run at a fixed 0.8.
 *
 * The draw is a pure function of (seed, agent, that agent's call number), so a
 * run is reproducible even when many agents call concurrently in any order.
 */

import { mulberry32 } from '../mulberry32.js';

/** What a role does: invents candidates (diverse sampling) or judges them (steady sampling). */
export type RoleKind = 'generating' | 'checker';

export const GENERATING_TEMPERATURES = [0.7, 0.8, 0.9, 1.0, 1.1, 1.2] as const;
export const CHECKER_TEMPERATURE = 0.8;

/** The temperature for an agent's `callIndex`-th call (0-based) in a run seeded with `seed`. */
export function cogAlphaTemperature(kind: RoleKind, seed: number, agent: string, callIndex: number): number {
  if (kind === 'checker') return CHECKER_TEMPERATURE;
  const u = mulberry32(fnv1a(`${seed}\u0000${agent}\u0000${callIndex}`))();
  return GENERATING_TEMPERATURES[Math.floor(u * GENERATING_TEMPERATURES.length)]!;
}

/** 32-bit FNV-1a hash of a string's UTF-16 code units. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}
