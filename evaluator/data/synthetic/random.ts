/**
 * A small seeded random number generator, so a synthetic market is the same
 * for the same seed on every machine: xoshiro128** (32-bit operations only,
 * exact in JavaScript) seeded through splitmix32, and Box-Muller normals.
 */

export class SeededRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Box-Muller makes normals in pairs; the second one waits here. */
  private spare: number | null = null;

  /** `stream` separates independent sequences drawn from one seed. */
  constructor(seed: number, stream = 0) {
    // Both halves of a seed up to 2^53 matter; `stream` moves to an unrelated starting point.
    const high = Math.floor(Math.trunc(seed) / 2 ** 32);
    let state = (Math.trunc(seed) ^ Math.imul(high, 0x85ebca6b) ^ Math.imul(stream + 1, 0x9e3779b9)) >>> 0;
    const splitmix32 = (): number => {
      state = (state + 0x9e3779b9) >>> 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = splitmix32();
    this.s1 = splitmix32();
    this.s2 = splitmix32();
    this.s3 = splitmix32();
  }

  /** A generator in an exact xoshiro128** state (for checking against the reference implementation's outputs). */
  static fromState(state: readonly [number, number, number, number]): SeededRandom {
    const random = new SeededRandom(0);
    [random.s0, random.s1, random.s2, random.s3] = state.map((s) => s >>> 0) as [number, number, number, number];
    return random;
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** Uniform in [lo, hi). */
  between(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Standard normal. */
  normal(): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return z;
    }
    const u1 = 1 - this.uniform(); // (0, 1]: log(u1) is finite
    const u2 = this.uniform();
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spare = radius * Math.sin(2 * Math.PI * u2);
    return radius * Math.cos(2 * Math.PI * u2);
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
