/**
 * What one operator is: its name, taxonomy, signature, semantics and kernel.
 * The registry (registry.ts) holds one OperatorSpec per operator; the parser,
 * type checker, engine and the DSL text shown to LLMs all read from it.
 */

import type { Kernel } from './kernels/types.js';

/** The operator taxonomy, after qlib's data/ops.py plus cross-sectional operators. */
export type OperatorCategory =
  | 'elementwise' // one series in, one out, day by day
  | 'pair' // two operands (series or constant), day by day
  | 'conditional' // If(cond, a, b)
  | 'rolling' // one series and a window, per instrument over its own dates
  | 'pairRolling' // two series and a window
  | 'crossSectional'; // across the universe's instruments, day by day

/**
 * The kind of one argument.
 * - series: an expression whose value is a series (a field or an operator over fields).
 * - operand: a series or a numeric constant (broadcast to every cell).
 * - window: an integer literal >= 0; 0 means an expanding window from the instrument's first day (as qlib).
 * - lag: an integer literal; > 0 looks back, 0 means the instrument's first value (as qlib),
 *   < 0 reads the future and is allowed only in labels.
 * - span: a numeric literal: >= 1 is an EMA span, in (0, 1) a smoothing factor alpha, 0 expanding (as qlib).
 * - quantile: a numeric literal in [0, 1].
 * - number: any finite numeric literal.
 */
export type ArgKind = 'series' | 'operand' | 'window' | 'lag' | 'span' | 'quantile' | 'number';

export interface ArgSpec {
  readonly name: string;
  readonly kind: ArgKind;
  /** Smallest value allowed for a window (qlib requires Skew >= 3, Kurt >= 4 unless 0). */
  readonly minWindow?: number;
  /** Exclusive upper bound of a quantile argument, when tighter than 1 (CSWinsorize's q < 0.5). */
  readonly below?: number;
}

export interface OperatorSpec {
  readonly name: string;
  readonly category: OperatorCategory;
  readonly args: readonly ArgSpec[];
  /** Infix spelling when the operator has one (`+` for Add). */
  readonly infix?: string;
  /** True when swapping the two operands leaves the value unchanged (Add, Mul, Eq, ...). */
  readonly commutative?: boolean;
  /** One paragraph: exactly what the operator computes, including NaN handling. */
  readonly doc: string;
  /** A short usage example in the factor language. */
  readonly example: string;
  readonly kernel: Kernel;
}
