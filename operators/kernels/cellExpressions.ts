/**
 * The per-cell arithmetic of every element-wise, pair and conditional
 * kernel, as JavaScript expression text, so the engine can fuse a tree of
 * them into one loop (evaluator/engine/fusion.ts) with no intermediate
 * arrays. Each template is character for character the expression its
 * kernel evaluates per cell (elementwise.ts, pair.ts, conditional.ts), so a
 * fused loop computes bit-identical values; tests/engine/fusion.test.ts
 * checks every operator against its kernel.
 *
 * Operands are the names of local variables or parenthesised numeric
 * literals, never arbitrary text (the caller guarantees it). An argument
 * that must be a literal (Power's exponent) is passed as its number.
 */

/** Expression of one cell from its operands' expressions; `literals[k]` is the number of a literal operand k, else undefined. */
export type CellExpression = (operands: readonly string[], literals: readonly (number | undefined)[]) => string;

const truth = (condition: string): string => `(${condition} ? 1 : 0)`;

export const CELL_EXPRESSIONS: Readonly<Record<string, CellExpression>> = Object.freeze({
  Abs: ([x]) => `Math.abs(${x})`,
  Sign: ([x]) => `(${x} > 0 ? 1 : ${x} < 0 ? -1 : ${x} === 0 ? 0 : NaN)`,
  Log: ([x]) => `Math.log(${x})`,
  // Power's kernel squares by multiplication and calls Math.pow otherwise.
  Power: ([x, e], [, exponent]) => (exponent === 2 ? `(${x} * ${x})` : `Math.pow(${x}, ${e})`),
  Not: ([x]) => truth(`${x} === 0`),

  Add: ([a, b]) => `(${a} + ${b})`,
  Sub: ([a, b]) => `(${a} - ${b})`,
  Mul: ([a, b]) => `(${a} * ${b})`,
  Div: ([a, b]) => `(${a} / ${b})`,
  Greater: ([a, b]) => `Math.max(${a}, ${b})`,
  Less: ([a, b]) => `Math.min(${a}, ${b})`,
  Gt: ([a, b]) => truth(`${a} > ${b}`),
  Ge: ([a, b]) => truth(`${a} >= ${b}`),
  Lt: ([a, b]) => truth(`${a} < ${b}`),
  Le: ([a, b]) => truth(`${a} <= ${b}`),
  Eq: ([a, b]) => truth(`${a} === ${b}`),
  Ne: ([a, b]) => truth(`${a} !== ${b}`),
  And: ([a, b]) => truth(`${a} !== 0 && ${b} !== 0`),
  Or: ([a, b]) => truth(`${a} !== 0 || ${b} !== 0`),

  If: ([cond, a, b]) => `(${cond} !== 0 ? ${a} : ${b})`,
});
