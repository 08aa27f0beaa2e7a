/**
 * QuantaAlpha's expression language as its own small AST, kept apart from
 * ours: their names, their operators, their number spellings (a window
 * written `20.0` fails in pandas, `20` does not), with spans into the source
 * so every problem can point at the place in the text the user has.
 */
import type { Span } from '../../../operators/index.js';

export type QaBinaryOperator = '+' | '-' | '*' | '/' | '>' | '<' | '>=' | '<=' | '==' | '!=' | '&&' | '||';

export interface QaNumber {
  readonly kind: 'number';
  readonly value: number;
  /** As written (sign included when a unary minus was folded in): `20`, `20.0`, `1e-8`, `-1`. */
  readonly text: string;
  readonly span: Span;
}

export interface QaField {
  readonly kind: 'field';
  /** Without the `$`, case as written. */
  readonly name: string;
  readonly span: Span;
}

/** An identifier not followed by `(`: not part of the language (fields start with `$`), except TRUE/FALSE/NaN spellings. */
export interface QaName {
  readonly kind: 'name';
  readonly name: string;
  readonly span: Span;
}

export interface QaCall {
  readonly kind: 'call';
  readonly name: string;
  readonly args: readonly QaNode[];
  readonly span: Span;
}

export interface QaUnary {
  readonly kind: 'unary';
  readonly operator: '-' | '+';
  readonly operand: QaNode;
  readonly span: Span;
}

export interface QaBinary {
  readonly kind: 'binary';
  /** `&` and `|` are stored as `&&` and `||`: QuantaAlpha's parser treats them alike. */
  readonly operator: QaBinaryOperator;
  readonly left: QaNode;
  readonly right: QaNode;
  readonly span: Span;
}

/** `test ? then : otherwise`, QuantaAlpha's WHERE. */
export interface QaConditional {
  readonly kind: 'conditional';
  readonly test: QaNode;
  readonly then: QaNode;
  readonly otherwise: QaNode;
  readonly span: Span;
}

export type QaNode = QaNumber | QaField | QaName | QaCall | QaUnary | QaBinary | QaConditional;
