/**
 * Every operator against the pandas reference (tests/oracle/qlib_reference.py)
 * on random panels: NaN runs, ties, instruments starting mid-panel and
 * ending early, windows from 1 to longer than the series, expanding windows.
 */
import { describe, expect, it } from 'vitest';
import { KERNELS } from '../../operators/kernels/index.js';
import { OPERATORS } from '../../operators/registry.js';
import { pandasPython } from '../helpers/python.js';
import { kernelArgs, mismatches, type OracleCase, runOracle } from './oracle.js';
import { randomPanel } from './panels.js';

const python = pandasPython();

const SERIES = ['price', 'ret', 'volume', 'steps', 'wild'];
const WINDOWS = [1, 2, 5, 10, 20, 70, 0, 500];
const ROLLING = ['Mean', 'Sum', 'Std', 'Var', 'Skew', 'Kurt', 'Max', 'Min', 'Med', 'Mad', 'Slope', 'Rsquare', 'Resi',
  'Rank', 'Count', 'WMA', 'IdxMax', 'IdxMin'];
const MIN_WINDOW: Record<string, number> = { Skew: 3, Kurt: 4 };

function buildCases(): OracleCase[] {
  const cases: OracleCase[] = [];
  const add = (op: string, ...args: OracleCase['args']): void => {
    cases.push({ id: `${op}(${args.map((a) => ('series' in a ? a.series : a.const)).join(',')})`, op, args });
  };
  const s = (name: string) => ({ series: name });
  const c = (value: number) => ({ const: value });
  for (const x of ['price', 'ret', 'flag', 'wild']) for (const op of ['Abs', 'Sign', 'Log', 'Not']) add(op, s(x));
  for (const e of [2, 0.5, -1, 3]) add('Power', s('ret'), c(e));
  for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Greater', 'Less', 'Gt', 'Ge', 'Lt', 'Le', 'Eq', 'Ne', 'And', 'Or']) {
    add(op, s('price'), s('steps'));
    add(op, s('steps'), s('flag'));
    add(op, s('ret'), c(0));
    add(op, s('wild'), s('ret'));
    add(op, c(1), s('steps'));
  }
  add('If', s('flag'), s('price'), s('steps'));
  add('If', s('flag'), c(1), s('ret'));
  add('If', s('ret'), s('price'), c(-1));
  add('If', s('flag'), c(2), c(3));
  for (const lag of [1, 3, 0, -2, 400]) add('Ref', s('price'), c(lag));
  for (const lag of [1, 5, 0]) add('Delta', s('price'), c(lag));
  for (const op of ROLLING) {
    for (const x of SERIES) {
      for (const w of WINDOWS) if (w === 0 || w >= (MIN_WINDOW[op] ?? 1)) add(op, s(x), c(w));
    }
  }
  for (const x of SERIES) for (const w of [1, 5, 20, 70, 0]) for (const q of [0, 0.25, 0.5, 0.8, 1]) add('Quantile', s(x), c(w), c(q));
  for (const x of ['price', 'ret', 'steps', 'wild']) for (const span of [1, 2.5, 10, 0.3, 0]) add('EMA', s(x), c(span));
  for (const op of ['Corr', 'Cov']) {
    for (const [a, b] of [['price', 'volume'], ['ret', 'steps'], ['steps', 'flag'], ['wild', 'price']] as const) {
      for (const w of [2, 5, 20, 70, 0]) add(op, s(a), s(b), c(w));
    }
  }
  for (const x of ['ret', 'steps', 'price', 'wild']) {
    for (const op of ['CSRank', 'CSZScore', 'CSDemean', 'CSScale']) add(op, s(x));
    for (const q of [0, 0.05, 0.25]) add('CSWinsorize', s(x), c(q));
  }
  return cases;
}

interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
  /** Compare squares (Std is compared as a variance). */
  readonly squared?: boolean;
}

/** Largest finite |value| of a series (at least 1). */
function magnitude(a: Float64Array): number {
  let m = 1;
  for (const v of a) if (Number.isFinite(v) && Math.abs(v) > m) m = Math.abs(v);
  return m;
}

/**
 * 1e-9 relative, with an absolute slack for values that should be ~0 scaled
 * by the inputs' magnitude. Looser where pandas itself rounds worse than the
 * kernels (tests/kernels/numerics.test.ts checks the kernels against exact
 * rational arithmetic instead, at 1e-12):
 * - Var/Std: pandas' Welford add/remove drifts by ~eps * x^2 per update, so
 *   a tiny window variance of cent prices carries ~1e-8 relative error.
   (Skew/Kurt use pandas' formula evaluated two-pass per window in the
 *   reference, because pandas' own sums of raw 3rd/4th powers lose up to 1e-3
 *   relative on trending prices; see qlib_reference.py.)
 * - Cov/Corr: pandas computes mean(xy) - mean(x) mean(y), cancelling digits
 *   when the means are large next to the deviations (prices times volumes).
 */
function tolerance(op: string, args: readonly Float64Array[]): Tolerance {
  const scale = args.length > 0 ? magnitude(args[0]!) : 1;
  const scale2 = args.length > 1 ? magnitude(args[1]!) : scale;
  switch (op) {
    case 'Var': return { rtol: 1e-9, atol: 1e-12 * scale * scale };
    case 'Std': return { rtol: 1e-9, atol: 1e-12 * scale * scale, squared: true };
    case 'Skew': case 'Kurt': return { rtol: 1e-9, atol: 1e-9 };
    case 'Cov': return { rtol: 1e-6, atol: 1e-12 * scale * scale2 };
    case 'Corr': return { rtol: 0, atol: 1e-6 };
    case 'Mean': case 'Sum': case 'Med': case 'Mad': case 'Slope': case 'Resi': case 'WMA': case 'Quantile':
    case 'EMA': case 'Delta': case 'Sub': case 'Add': case 'CSDemean':
      return { rtol: 1e-9, atol: 1e-12 * scale };
    default: return { rtol: 1e-9, atol: 1e-12 };
  }
}

function squares(a: Float64Array): Float64Array {
  return a.map((v) => v * v);
}

describe.skipIf(!python)('kernels match the pandas reference (qlib semantics)', () => {
  for (const seed of [1, 2, 3]) {
    it(`random panel #${seed}: every operator, several windows`, () => {
      const { ctx, series } = randomPanel(seed, 150, 7);
      const cases = buildCases();
      const covered = new Set(cases.map((c) => c.op));
      expect([...OPERATORS.keys()].filter((op) => !covered.has(op))).toEqual([]);
      const expected = runOracle(python!, ctx, series, cases);
      const failures: string[] = [];
      for (const c of cases) {
        const out = new Float64Array(ctx.N * ctx.T);
        const args = kernelArgs(c, series);
        KERNELS[c.op]!(ctx, args, out);
        const tol = tolerance(c.op, args.filter((a): a is Float64Array => a instanceof Float64Array));
        const want = expected.get(c.id)!;
        const bad = tol.squared
          ? mismatches(squares(want), squares(out), tol.rtol, tol.atol)
          : mismatches(want, out, tol.rtol, tol.atol);
        if (bad.length > 0) {
          failures.push(`${c.id}: ${bad.map((m) => `[i=${Math.floor(m.index / ctx.T)} t=${m.index % ctx.T}] pandas ${m.expected} kernel ${m.actual}`).join('; ')}`);
        }
      }
      expect(failures).toEqual([]);
    }, 120_000);
  }
});
