/**
 * The typed AST of the factor language (qlib's expression syntax).
 *
 * Every infix operator is parsed into a call of its registry operator
 * (`a + b` is `Add(a, b)`), so the tree has exactly three node kinds.
 * `span` locates a node in the source text for error messages; it never
 * takes part in printing, hashing or comparison.
 */

export interface Span {
  /** 0-based offset of the first character. */
  readonly start: number;
  /** 0-based offset one past the last character. */
  readonly end: number;
}

export interface NumberNode {
  readonly kind: 'number';
  readonly value: number;
  readonly span?: Span;
}

export interface FieldNode {
  readonly kind: 'field';
  /** Field name without the `$`, lower-case as in the data (`close`, `volume`). */
  readonly name: string;
  readonly span?: Span;
}

export interface CallNode {
  readonly kind: 'call';
  /** Registry operator name, e.g. `Mean`, `Add`, `CSRank`. */
  readonly op: string;
  readonly args: readonly Node[];
  readonly span?: Span;
}

export type Node = NumberNode | FieldNode | CallNode;

/** What an expression evaluates to: a panel of values, or one constant. */
export type ValueType = 'series' | 'number';
