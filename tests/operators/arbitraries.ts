/**
 * fast-check generators of ASTs built from the operator registry, and a
 * span-free view of trees for comparisons.
 */
import fc from 'fast-check';
import type { Node } from '../../operators/ast.js';
import { OPERATORS } from '../../operators/registry.js';
import type { ArgSpec, OperatorSpec } from '../../operators/spec.js';

/** The tree without spans, for deep equality. */
export function withoutSpans(node: Node): Node {
  switch (node.kind) {
    case 'number':
      return { kind: 'number', value: node.value };
    case 'field':
      return { kind: 'field', name: node.name };
    case 'call':
      return { kind: 'call', op: node.op, args: node.args.map(withoutSpans) };
  }
}

const FIELDS = ['open', 'high', 'low', 'close', 'volume', 'factor', 'change'];

/** Any finite double except -0 (which prints as 0). Includes 5e-324, 1e308, 1e21. */
export const finiteNumber = fc
  .oneof(fc.integer({ min: -100, max: 100 }), fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ noNaN: true, noDefaultInfinity: true }))
  .map((v) => (Object.is(v, -0) ? 0 : v));
const numberNode = finiteNumber.map((value): Node => ({ kind: 'number', value }));
const fieldNode = fc.constantFrom(...FIELDS).map((name): Node => ({ kind: 'field', name }));

function literal(arb: fc.Arbitrary<number>): fc.Arbitrary<Node> {
  return arb.map((value) => ({ kind: 'number', value: value === 0 ? 0 : value }));
}

function windowArb(arg: ArgSpec): fc.Arbitrary<number> {
  const min = arg.minWindow ?? 1;
  return fc.oneof(fc.constant(0), fc.integer({ min, max: 500 }));
}

/** A literal argument that satisfies `arg` for a factor (no look-ahead). */
function literalFor(arg: ArgSpec): fc.Arbitrary<Node> {
  switch (arg.kind) {
    case 'window':
      return literal(windowArb(arg));
    case 'lag':
      return literal(fc.integer({ min: 0, max: 500 }));
    case 'span':
      return literal(fc.oneof(fc.integer({ min: 0, max: 500 }), fc.double({ min: 0, max: 1, noNaN: true })));
    case 'quantile':
      return literal(arg.below === undefined ? fc.double({ min: 0, max: 1, noNaN: true }) : fc.double({ min: 0, max: arg.below, maxExcluded: true, noNaN: true }));
    case 'number':
      return numberNode;
    case 'series':
    case 'operand':
      throw new Error(`${arg.kind} is not a literal`);
  }
}

const SPECS = [...OPERATORS.values()];

/**
 * Valid factors: every argument fits its kind, pair operators have at least
 * one series operand (so nothing constant-folds), fields lower-case. Compiling
 * their printed text must give the same tree back.
 */
export function validFactor(maxDepth = 4): fc.Arbitrary<Node> {
  const { series } = fc.letrec<{ series: Node; call: Node }>((tie) => ({
    series: fc.oneof({ maxDepth, depthSize: 'xlarge', depthIdentifier: 'factor' }, { arbitrary: fieldNode, weight: 1 }, { arbitrary: tie('call'), weight: 3 }),
    call: fc.constantFrom(...SPECS).chain((spec) => argumentsFor(spec, tie('series') as fc.Arbitrary<Node>)),
  }));
  return series;
}

function argumentsFor(spec: OperatorSpec, series: fc.Arbitrary<Node>): fc.Arbitrary<Node> {
  const operand = fc.oneof(series, numberNode);
  const perArg = spec.args.map((arg) => (arg.kind === 'series' ? series : arg.kind === 'operand' ? operand : literalFor(arg)));
  let args = fc.tuple(...perArg);
  if (spec.category === 'pair') {
    // at least one series operand: the other may be a constant on either side
    args = fc.oneof(fc.tuple(series, operand), fc.tuple(numberNode, series));
  }
  return args.map((a): Node => ({ kind: 'call', op: spec.name, args: a }));
}

/**
 * Any tree of registry operators with the right arities, including the shapes
 * compilation would fold or reject: constant pairs, `Mul(-1, x)`, negative
 * literals everywhere, numbers where series belong. The printer must
 * round-trip all of them through the parser.
 */
export function anyTree(maxDepth = 4): fc.Arbitrary<Node> {
  const { node } = fc.letrec<{ node: Node; call: Node }>((tie) => ({
    node: fc.oneof(
      { maxDepth, depthSize: 'xlarge', depthIdentifier: 'tree' },
      { arbitrary: fieldNode, weight: 1 },
      { arbitrary: numberNode, weight: 1 },
      { arbitrary: tie('call'), weight: 4 },
    ),
    call: fc
      .constantFrom(...SPECS)
      .chain((spec) => fc.tuple(...spec.args.map(() => tie('node') as fc.Arbitrary<Node>)).map((args): Node => ({ kind: 'call', op: spec.name, args }))),
  }));
  return node;
}
