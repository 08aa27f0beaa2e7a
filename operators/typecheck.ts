/**
 * Checks a parsed AST against the registry and returns it normalised:
 * field names lower-cased, constant pair sub-expressions folded. Every
 * argument must fit its ArgKind (spec.ts); windows and lags are literals, so
 * the look-ahead rule is decided here: a factor may not read a day after the
 * current one (no negative lag, no negative window). Labels set `allowFuture`
 * to accept negative Ref lags.
 *
 * After checking, a node is a number only when it is a NumberNode: every
 * call that survives folding evaluates to a series.
 */

import type { CallNode, FieldNode, Node, NumberNode, ValueType } from './ast.js';
import { FactorError, quote } from './errors.js';
import { DEFAULT_FIELDS, normaliseFields } from './fields.js';
import { foldPair } from './fold.js';
import { printFactor } from './printer.js';
import { OPERATORS } from './registry.js';
import type { ArgSpec, OperatorSpec } from './spec.js';
import { didYouMean, suggestFields, suggestOperators } from './suggest.js';

export interface TypecheckOptions {
  /** Fields the data has, lower-case. Default DEFAULT_FIELDS. */
  readonly fields?: ReadonlySet<string>;
  /** Accept negative Ref lags (labels only: they read the future by design). */
  readonly allowFuture?: boolean;
}

export type TypecheckResult =
  | { readonly ok: true; readonly ast: Node; readonly type: ValueType }
  | { readonly ok: false; readonly error: FactorError };

interface Context {
  readonly fields: ReadonlySet<string>;
  readonly allowFuture: boolean;
}

export function typecheck(ast: Node, options: TypecheckOptions = {}): TypecheckResult {
  const context: Context = {
    fields: options.fields ? normaliseFields(options.fields) : DEFAULT_FIELDS,
    allowFuture: options.allowFuture ?? false,
  };
  try {
    const checked = check(ast, context);
    return { ok: true, ast: checked, type: checked.kind === 'number' ? 'number' : 'series' };
  } catch (error) {
    if (error instanceof FactorError) return { ok: false, error };
    throw error;
  }
}

function check(node: Node, context: Context): Node {
  switch (node.kind) {
    case 'number':
      if (!Number.isFinite(node.value)) throw new FactorError('argument', `number ${String(node.value)} is not finite`, node.span);
      return node;
    case 'field':
      return checkField(node, context);
    case 'call':
      return checkCall(node, context);
  }
}

const FIELD_HINTS: Readonly<Record<string, string>> = {
  return: 'daily return: $close/Ref($close,1)-1',
  returns: 'daily return: $close/Ref($close,1)-1',
  ret: 'daily return: $close/Ref($close,1)-1',
};

function checkField(node: FieldNode, context: Context): FieldNode {
  const name = node.name;
  const lower = name.toLowerCase();
  if (context.fields.has(lower)) return lower === name ? node : { ...node, name: lower };
  const available = [...context.fields].map((f) => `$${f}`).join(', ');
  const hint = FIELD_HINTS[lower] ? `; ${FIELD_HINTS[lower]}` : '';
  throw new FactorError(
    'unknown_field',
    `unknown field ${quote(`$${name}`)}${didYouMean(suggestFields(lower, context.fields), '$')} (available: ${available}${hint})`,
    node.span,
  );
}

function checkCall(node: CallNode, context: Context): Node {
  const spec = OPERATORS.get(node.op);
  const nameSpan = node.span && { start: node.span.start, end: node.span.start + node.op.length };
  if (!spec) {
    throw new FactorError('unknown_operator', `unknown operator ${quote(node.op)}${didYouMean(suggestOperators(node.op))}`, nameSpan);
  }
  if (node.args.length !== spec.args.length) {
    const signature = `${spec.name}(${spec.args.map((a) => a.name).join(', ')})`;
    throw new FactorError(
      'arity',
      `${spec.name} takes ${spec.args.length} argument${spec.args.length === 1 ? '' : 's'}, ${signature}, but was given ${node.args.length}`,
      node.span,
    );
  }
  const args = node.args.map((arg) => check(arg, context));
  const checked: CallNode = { kind: 'call', op: node.op, args, ...(node.span ? { span: node.span } : {}) };
  args.forEach((arg, i) => checkArgument(spec, spec.args[i]!, arg, checked, context));
  if (spec.category === 'pair' && args.every((a) => a.kind === 'number')) {
    return fold(spec, args as NumberNode[], checked);
  }
  return checked;
}

function fold(spec: OperatorSpec, args: readonly NumberNode[], node: CallNode): NumberNode {
  const value = foldPair(spec.name, args[0]!.value, args[1]!.value);
  if (value === undefined) throw new FactorError('internal', `no constant-folding rule for pair operator ${spec.name}`, node.span);
  if (!Number.isFinite(value)) {
    throw new FactorError('constant', `constant expression ${quote(printFactor(node))} is not finite (${String(value)})`, node.span);
  }
  return { kind: 'number', value, ...(node.span ? { span: node.span } : {}) };
}

/** How an argument is named in messages: `argument 'N' of Mean`. */
function argumentName(spec: OperatorSpec, arg: ArgSpec): string {
  return `argument '${arg.name}' of ${spec.name}`;
}

function found(node: Node): string {
  return node.kind === 'number' ? `the number ${String(node.value)}` : quote(printFactor(node));
}

function literal(spec: OperatorSpec, arg: ArgSpec, node: Node, what: string): number {
  if (node.kind !== 'number') {
    throw new FactorError('argument', `${argumentName(spec, arg)} must be ${what} (a number literal), found ${found(node)}`, node.span);
  }
  return node.value;
}

function integer(spec: OperatorSpec, arg: ArgSpec, node: Node, what: string): number {
  const value = literal(spec, arg, node, what);
  if (!Number.isInteger(value)) throw new FactorError('argument', `${argumentName(spec, arg)} must be ${what}, found ${String(value)}`, node.span);
  return value;
}

function checkArgument(spec: OperatorSpec, arg: ArgSpec, node: Node, call: CallNode, context: Context): void {
  switch (arg.kind) {
    case 'series':
      if (node.kind === 'number') {
        throw new FactorError('argument', `${argumentName(spec, arg)} must be a series (an expression over fields), found ${found(node)}`, node.span);
      }
      return;
    case 'operand':
      return;
    case 'window': {
      const days = integer(spec, arg, node, 'an integer window in days');
      if (days < 0) {
        throw new FactorError('lookahead', `${argumentName(spec, arg)} is ${days}: a negative window would read the future; windows count days back and must be >= 0`, node.span);
      }
      if (days !== 0 && arg.minWindow !== undefined && days < arg.minWindow) {
        throw new FactorError('argument', `${argumentName(spec, arg)} must be at least ${arg.minWindow} (or 0 for an expanding window), found ${days}`, node.span);
      }
      return;
    }
    case 'lag': {
      const days = integer(spec, arg, node, 'an integer lag in days');
      if (days < 0 && !context.allowFuture) {
        throw new FactorError(
          'lookahead',
          `${quote(printFactor(call))} reads the future (${-days} day${days === -1 ? '' : 's'} ahead): a factor may use only data up to the current day, so lags must be >= 0`,
          node.span,
        );
      }
      return;
    }
    case 'span': {
      const value = literal(spec, arg, node, 'a span');
      if (value < 0) throw new FactorError('argument', `${argumentName(spec, arg)} must be >= 0, found ${String(value)}`, node.span);
      return;
    }
    case 'quantile': {
      const value = literal(spec, arg, node, 'a quantile');
      const upper = arg.below ?? 1;
      const inRange = value >= 0 && (arg.below === undefined ? value <= upper : value < upper);
      if (!inRange) {
        const range = arg.below === undefined ? '[0, 1]' : `[0, ${String(upper)})`;
        throw new FactorError('argument', `${argumentName(spec, arg)} must be in ${range}, found ${String(value)}`, node.span);
      }
      return;
    }
    case 'number':
      literal(spec, arg, node, 'a constant');
      return;
  }
}
