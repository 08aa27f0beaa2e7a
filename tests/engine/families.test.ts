/**
 * Kernel families: operators computed together over one window structure
 * give, bit for bit, what each operator's own kernel gives, whichever
 * members are asked together; and the engine groups them.
 */
import { describe, expect, it } from 'vitest';
import { FactorEngine } from '../../evaluator/engine.js';
import { familyOf } from '../../operators/kernels/families.js';
import { KERNELS } from '../../operators/kernels/index.js';
import type { FamilyRequest, KernelArg, KernelFamily } from '../../operators/kernels/types.js';
import { randomPanel } from '../kernels/panels.js';
import { bitDifferences, call, enginePanel, field, num, referenceEvaluate } from './helpers.js';

const { ctx, series } = randomPanel(5, 260, 6);
const WINDOWS = [1, 2, 5, 20, 70, 0, 500];

/** Each member with the own parameters to try. */
const MEMBERS: Record<string, number[][]> = {
  Sum: [[]], Mean: [[]], Var: [[]], Std: [[]],
  Slope: [[]], Rsquare: [[]], Resi: [[]],
  Max: [[]], IdxMax: [[]], Min: [[]], IdxMin: [[]],
  Rank: [[]], Med: [[]], Quantile: [[0], [0.2], [0.5], [0.8], [1]],
};

function familyMembers(family: KernelFamily): { op: string; params: number[] }[] {
  return Object.keys(family.shared).flatMap((op) => MEMBERS[op]!.map((params) => ({ op, params })));
}

/** Every non-empty subset of the members (families are small). */
function subsets<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let mask = 1; mask < 1 << items.length; mask++) out.push(items.filter((_, k) => (mask >> k) & 1));
  return out;
}

describe('families equal their members’ kernels', () => {
  const families = [...new Set(Object.keys(MEMBERS).map((op) => familyOf(op)!))];

  it('every grouped operator is in a family, and only those', () => {
    expect(families.map((f) => f.name).sort()).toEqual(['max', 'min', 'moments', 'order', 'regression']);
    for (const op of Object.keys(KERNELS)) expect(familyOf(op) !== undefined).toBe(op in MEMBERS);
  });

  for (const family of families) {
    it(`${family.name}: any subset of members, windows ${WINDOWS.join(' ')}`, () => {
      const members = familyMembers(family);
      // the order family's members with five quantile levels: pairs and the full set keep this bounded
      const groups = members.length > 5 ? [...members.map((m) => [m]), ...members.flatMap((a, i) => members.slice(i + 1).map((b) => [a, b])), members] : subsets(members);
      for (const name of ['price', 'wild', 'steps']) {
        for (const window of WINDOWS) {
          // the leading arguments the family shares (series, and the window unless it groups windows too); the rest are each request's own
          const args = (m: { params: number[] }): KernelArg[] => [series[name]!, window, ...m.params];
          const sharedCount = family.shared[members[0]!.op]!;
          const shared = args(members[0]!).slice(0, sharedCount);
          const expected = new Map(members.map((m) => {
            const out = new Float64Array(ctx.N * ctx.T);
            KERNELS[m.op]!(ctx, args(m), out);
            return [m, out] as const;
          }));
          for (const group of groups) {
            const requests: FamilyRequest[] = group.map((m) => ({ op: m.op, params: args(m).slice(sharedCount) as number[], out: new Float64Array(ctx.N * ctx.T).fill(7) }));
            family.kernel(ctx, shared, requests);
            group.forEach((m, k) => {
              expect(bitDifferences(expected.get(m)!, requests[k]!.out), `${m.op}(${name}, ${window}, ${m.params}) with ${group.map((g) => g.op)}`).toEqual([]);
            });
          }
        }
      }
    });
  }

  it('a member asked twice, or a stranger, is refused', () => {
    const out = new Float64Array(ctx.N * ctx.T);
    expect(() => familyOf('Max')!.kernel(ctx, [series.price!], [{ op: 'Max', params: [5], out }, { op: 'Max', params: [5], out }])).toThrow(/twice/);
    expect(() => familyOf('Mean')!.kernel(ctx, [series.price!, 5], [{ op: 'Mean', params: [], out }, { op: 'Mean', params: [], out }])).toThrow(/twice/);
    expect(() => familyOf('Mean')!.kernel(ctx, [series.price!, 5], [{ op: 'Slope', params: [], out }])).toThrow(/not a member/);
  });

  it('argument errors are the kernels’ own', () => {
    const out = new Float64Array(ctx.N * ctx.T);
    expect(() => KERNELS.Quantile!(ctx, [series.price!, 5, 1.5], out)).toThrow('Quantile: argument 3 must be a number in [0, 1], got 1.5');
    expect(() => KERNELS.Rank!(ctx, [series.price!, 2.5], out)).toThrow(/Rank: argument 2 must be/);
    expect(() => KERNELS.Max!(ctx, [5, 5], out)).toThrow(/Max: argument 1 must be a series/);
  });
});

describe('extremes over several windows of one series', () => {
  // Alpha158's windows; chains of doublings; sums of non-neighbours, expanding and longer than the series
  const WINDOW_SETS = [[5, 10, 20, 30, 60], [1, 2, 3, 4, 8, 16], [0, 7, 14, 21, 35, 1000, 1007], [3, 5, 8, 13, 250, 500]];
  for (const [family, valueOp, positionOp] of [['max', 'Max', 'IdxMax'], ['min', 'Min', 'IdxMin']] as const) {
    it(`${family}: every window of a set in one call equals its own kernels, whichever outputs are asked`, () => {
      for (const name of ['price', 'steps', 'wild', 'flag']) {
        for (const windows of WINDOW_SETS) {
          // per window: both outputs, only the value, or only the position (so joins also run from unasked answers)
          for (let variant = 0; variant < 3; variant++) {
            const asked = windows.flatMap((w, k) => {
              const which = (k + variant) % 3;
              return [...(which !== 2 ? [valueOp] : []), ...(which !== 1 ? [positionOp] : [])].map((op) => ({ op, w }));
            });
            const requests: FamilyRequest[] = asked.map(({ op, w }) => ({ op, params: [w], out: new Float64Array(ctx.N * ctx.T).fill(7) }));
            familyOf(valueOp)!.kernel(ctx, [series[name]!], requests);
            asked.forEach(({ op, w }, k) => {
              const expected = new Float64Array(ctx.N * ctx.T);
              KERNELS[op]!(ctx, [series[name]!, w], expected);
              expect(bitDifferences(expected, requests[k]!.out), `${op}(${name}, ${w}) with windows ${windows}`).toEqual([]);
            });
          }
        }
      }
    });
  }

  it('a bad window is the kernel’s own error', () => {
    const out = new Float64Array(ctx.N * ctx.T);
    expect(() => familyOf('Max')!.kernel(ctx, [series.price!], [{ op: 'Max', params: [5], out }, { op: 'IdxMax', params: [2.5], out }])).toThrow(/IdxMax: argument 2 must be/);
  });
});

describe('the engine groups family members', () => {
  const { panel, universe } = enginePanel(8, 200, 9);
  const engine = new FactorEngine(panel, { universe, blockBytes: 2 * 200 * 8 });
  const close = field('price');
  const roots = [
    call('Quantile', close, num(20), num(0.8)),
    call('Quantile', close, num(20), num(0.2)),
    call('Rank', close, num(20)),
    call('Slope', close, num(10)),
    call('Rsquare', close, num(10)),
    call('Resi', close, num(10)),
    call('Max', field('volume'), num(5)),
    call('IdxMax', field('volume'), num(5)),
    call('Mean', close, num(20)),
    call('Std', close, num(20)),
    call('Div', call('Sum', field('ret'), num(5)), call('Mean', field('ret'), num(5))),
    call('Rank', close, num(30)), // another window: another step
    call('Max', field('volume'), num(20)), // extremes group windows: the same step as Max(volume, 5)
  ];

  it('one step per (family, series, window); extremes: per (family, series), any windows', () => {
    expect(engine.summarize(roots).steps).toEqual({ kernel: 0, fused: 1, family: 6 });
    const windows = [5, 10, 20, 30, 60];
    const extremes = windows.flatMap((w) => [call('Max', field('volume'), num(w)), call('IdxMax', field('volume'), num(w)), call('Min', close, num(w))]);
    expect(engine.summarize(extremes).steps).toEqual({ kernel: 0, fused: 0, family: 2 });
  });

  it('with the same values as separate kernels', () => {
    engine.evaluateBatch(roots, (k, values) => {
      expect(bitDifferences(referenceEvaluate(panel, roots[k]!, universe), values)).toEqual([]);
    });
  });
});
