/**
 * Bernoulli Thompson sampling over named arms: each arm keeps a Beta(alpha,
 * beta) posterior of its success rate, starting from Beta(1, 1) (so an arm
 * seen for the first time, e.g. a specialist attached mid-run, gets a fresh
 * uniform prior). A reward r in [0, 1] is a fractional success:
 * alpha += r, beta += 1 - r.
 */
import type { Random } from './random.js';

export type BetaPosterior = readonly [alpha: number, beta: number];

export const UNIFORM_PRIOR: BetaPosterior = [1, 1];

export class BetaArms {
  private readonly arms: Map<string, BetaPosterior>;

  constructor(initial: Readonly<Record<string, BetaPosterior>> = {}) {
    this.arms = new Map(Object.entries(initial));
  }

  posterior(arm: string): BetaPosterior {
    return this.arms.get(arm) ?? UNIFORM_PRIOR;
  }

  /** Posterior mean alpha / (alpha + beta). */
  mean(arm: string): number {
    const [a, b] = this.posterior(arm);
    return a / (a + b);
  }

  update(arm: string, reward: number): void {
    const r = Math.min(1, Math.max(0, reward));
    const [a, b] = this.posterior(arm);
    this.arms.set(arm, [a + r, b + 1 - r]);
  }

  /** One posterior draw per candidate arm; the arm with the largest draw (the first on ties). */
  choose(candidates: readonly string[], random: Random): string {
    if (candidates.length === 0) throw new RangeError('no arms to choose from');
    let best = candidates[0]!;
    let bestDraw = -1;
    for (const arm of candidates) {
      const [a, b] = this.posterior(arm);
      const draw = random.beta(a, b);
      if (draw > bestDraw) {
        best = arm;
        bestDraw = draw;
      }
    }
    return best;
  }

  toJSON(): Record<string, [number, number]> {
    return Object.fromEntries([...this.arms].map(([arm, [a, b]]) => [arm, [a, b]]));
  }
}
