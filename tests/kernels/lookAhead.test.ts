/**
 * No look-ahead: for every operator (except Ref with a negative lag, which
 * exists for labels), changing any input after day t leaves every output at
 * or before day t bit-for-bit unchanged, for random panels, windows and t.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { KERNELS } from '../../operators/kernels/index.js';
import type { KernelArg, KernelContext } from '../../operators/kernels/types.js';
import { OPERATORS } from '../../operators/registry.js';
import type { ArgSpec } from '../../operators/spec.js';
import { mulberry32 } from './panels.js';

const T = 48;
const N = 4;

/** A random series: cent-rounded walk with NaN runs, occasional +-inf and ties; NaN outside ranges. */
function randomSeries(ctx: KernelContext, rand: () => number): Float64Array {
  const a = new Float64Array(N * T).fill(NaN);
  for (let i = 0; i < N; i++) {
    let p = 1 + 20 * rand();
    for (let t = ctx.start[i]!; t < ctx.end[i]!; t++) a[i * T + t] = nextValue(rand, (p *= 1 + (rand() - 0.5) * 0.1));
  }
  return a;
}

function nextValue(rand: () => number, p: number): number {
  const u = rand();
  if (u < 0.08) return NaN;
  if (u < 0.1) return u < 0.09 ? Infinity : -Infinity;
  if (u < 0.2) return Math.round(p);
  return Math.round(p * 100) / 100;
}

/** The same series with every value after day t replaced. */
function perturbAfter(ctx: KernelContext, a: Float64Array, t: number, rand: () => number): Float64Array {
  const b = a.slice();
  for (let i = 0; i < N; i++) {
    for (let d = Math.max(t + 1, ctx.start[i]!); d < ctx.end[i]!; d++) b[i * T + d] = nextValue(rand, 1 + 50 * rand());
  }
  return b;
}

function literal(spec: ArgSpec, rand: () => number): number {
  switch (spec.kind) {
    case 'window': return rand() < 0.25 ? 0 : Math.max(spec.minWindow ?? 1, Math.floor(rand() * 80));
    case 'lag': return Math.floor(rand() * 6);
    case 'span': return [0, 0.3, 1, 3, 10][Math.floor(rand() * 5)]!;
    case 'quantile': return rand() * 0.49;
    default: return [2, 0.5, -1, 3][Math.floor(rand() * 4)]!;
  }
}

function sameBits(a: number, b: number): boolean {
  return Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));
}

describe('no operator reads the future', () => {
  for (const [name, spec] of OPERATORS) {
    it(name, () => {
      fc.assert(
        fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.integer({ min: 0, max: T - 2 }), (seed, t) => {
          const rand = mulberry32(seed);
          const start = Int32Array.from({ length: N }, (_, i) => (i === 0 ? 0 : Math.floor(rand() * T * 0.5)));
          const end = Int32Array.from({ length: N }, (_, i) => (rand() < 0.5 ? T : Math.max(start[i]!, T - Math.floor(rand() * 10))));
          const universe = Uint8Array.from({ length: N * T }, () => (rand() < 0.8 ? 1 : 0));
          const ctx: KernelContext = { T, N, start, end, universe };
          const before: KernelArg[] = [];
          const after: KernelArg[] = [];
          spec.args.forEach((arg, k) => {
            const asConstant = arg.kind === 'operand' && k > 0 && rand() < 0.3;
            if (arg.kind === 'series' || (arg.kind === 'operand' && !asConstant)) {
              const s = randomSeries(ctx, rand);
              before.push(s);
              after.push(perturbAfter(ctx, s, t, rand));
            } else {
              const v = arg.kind === 'operand' ? 1.5 : literal(arg, rand);
              before.push(v);
              after.push(v);
            }
          });
          const out1 = new Float64Array(N * T), out2 = new Float64Array(N * T);
          KERNELS[name]!(ctx, before, out1);
          KERNELS[name]!(ctx, after, out2);
          for (let i = 0; i < N; i++) {
            for (let d = 0; d <= t; d++) {
              const k = i * T + d;
              if (!sameBits(out1[k]!, out2[k]!)) {
                throw new Error(`${name}(${before.map((a) => (typeof a === 'number' ? a : 'series')).join(',')}): day ${d} of instrument ${i} changed (${out1[k]} -> ${out2[k]}) when days after ${t} changed`);
              }
            }
          }
        }),
        { numRuns: 60 },
      );
    });
  }
});
