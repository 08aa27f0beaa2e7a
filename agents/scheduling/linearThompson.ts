/**
 * R&D-Agent(Q)'s scheduler between factor and model work (Appendix A.2): a
 * two-armed contextual bandit with linear rewards. Each arm a keeps a
 * Bayesian linear regression of reward on the state x (8 metrics of the
 * current pool): prior mu = 0, precision P = tau^-2 I. A round samples
 * theta(a) ~ N(mu(a), P(a)^-1) for every arm, picks the argmax of
 * theta(a)'x, and after the reward r updates the chosen arm:
 *   P <- P + x x' / sigma^2,   mu <- P^-1 (P_old mu_old + r x / sigma^2).
 * We keep b = P mu (so the update is b += r x / sigma^2) and solve for mu
 * with a Cholesky factor of P, which also gives the sample:
 * theta = mu + L'^-1 z with z ~ N(0, I) and P = L L'.
 */
import type { Random } from './random.js';

export interface LinearArmState {
  /** Precision matrix, row-major d x d. */
  readonly precision: number[];
  /** P mu. */
  readonly information: number[];
  readonly updates: number;
}

export interface LinearBanditOptions {
  readonly dimension: number;
  /** Prior standard deviation of each coefficient. */
  readonly tau: number;
  /** Reward noise standard deviation. */
  readonly sigma: number;
}

export const RD_AGENT_BANDIT: LinearBanditOptions = { dimension: 8, tau: 1, sigma: 1 };

export function priorArm(options: LinearBanditOptions): LinearArmState {
  const d = options.dimension;
  const precision = new Array<number>(d * d).fill(0);
  for (let i = 0; i < d; i++) precision[i * d + i] = 1 / (options.tau * options.tau);
  return { precision, information: new Array<number>(d).fill(0), updates: 0 };
}

/** Lower Cholesky factor of a symmetric positive-definite d x d matrix. */
export function cholesky(matrix: readonly number[], d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i * d + j]!;
      for (let k = 0; k < j; k++) sum -= L[i * d + k]! * L[j * d + k]!;
      if (i === j) {
        if (!(sum > 0)) throw new RangeError('precision matrix is not positive definite');
        L[i * d + i] = Math.sqrt(sum);
      } else {
        L[i * d + j] = sum / L[j * d + j]!;
      }
    }
  }
  return L;
}

/** Solves L y = v (forward). */
function forward(L: Float64Array, v: ArrayLike<number>, d: number): Float64Array {
  const y = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = v[i]!;
    for (let k = 0; k < i; k++) s -= L[i * d + k]! * y[k]!;
    y[i] = s / L[i * d + i]!;
  }
  return y;
}

/** Solves L' y = v (backward). */
function backward(L: Float64Array, v: ArrayLike<number>, d: number): Float64Array {
  const y = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = v[i]!;
    for (let k = i + 1; k < d; k++) s -= L[k * d + i]! * y[k]!;
    y[i] = s / L[i * d + i]!;
  }
  return y;
}

/** The posterior mean mu = P^-1 b. */
export function posteriorMean(arm: LinearArmState, d: number): Float64Array {
  const L = cholesky(arm.precision, d);
  return backward(L, forward(L, arm.information, d), d);
}

/** One draw of theta ~ N(mu, P^-1). */
export function sampleCoefficients(arm: LinearArmState, d: number, random: Random): Float64Array {
  const L = cholesky(arm.precision, d);
  const mu = backward(L, forward(L, arm.information, d), d);
  const z = Array.from({ length: d }, () => random.normal());
  const noise = backward(L, z, d);
  return mu.map((m, i) => m + noise[i]!);
}

export function updateArm(arm: LinearArmState, x: readonly number[], reward: number, options: LinearBanditOptions): LinearArmState {
  const d = options.dimension;
  const s2 = options.sigma * options.sigma;
  const precision = arm.precision.slice();
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) precision[i * d + j]! += (x[i]! * x[j]!) / s2;
  const information = arm.information.map((b, i) => b + (reward * x[i]!) / s2);
  return { precision, information, updates: arm.updates + 1 };
}

/** Thompson choice: the arm whose sampled coefficients give the largest reward for x (the first on ties). */
export function chooseArm<A extends string>(arms: Readonly<Record<A, LinearArmState>>, order: readonly A[], x: readonly number[], d: number, random: Random): A {
  let best = order[0]!;
  let bestReward = -Infinity;
  for (const a of order) {
    const theta = sampleCoefficients(arms[a], d, random);
    let r = 0;
    for (let i = 0; i < d; i++) r += theta[i]! * x[i]!;
    if (r > bestReward) {
      best = a;
      bestReward = r;
    }
  }
  return best;
}
