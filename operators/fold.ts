/**
 * Compile-time values of pair operators whose operands are both constants
 * (`$close * (1 + 1)` is `$close * 2`), with the kernels' semantics for
 * finite inputs: comparisons and logic give 1 or 0.
 */

const truth = (b: boolean): number => (b ? 1 : 0);

const PAIR_FOLDS: Readonly<Record<string, (a: number, b: number) => number>> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  Div: (a, b) => a / b,
  Greater: (a, b) => Math.max(a, b),
  Less: (a, b) => Math.min(a, b),
  Gt: (a, b) => truth(a > b),
  Ge: (a, b) => truth(a >= b),
  Lt: (a, b) => truth(a < b),
  Le: (a, b) => truth(a <= b),
  Eq: (a, b) => truth(a === b),
  Ne: (a, b) => truth(a !== b),
  And: (a, b) => truth(a !== 0 && b !== 0),
  Or: (a, b) => truth(a !== 0 || b !== 0),
};

/** The value of pair operator `op` on two constants, or undefined when `op` has no fold rule. */
export function foldPair(op: string, a: number, b: number): number | undefined {
  const fold = PAIR_FOLDS[op];
  if (!fold) return undefined;
  const value = fold(a, b);
  return value === 0 ? 0 : value; // no -0: it would print as 0 and parse back differently
}
