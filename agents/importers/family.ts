/**
 * A family tag for an imported factor, read off its expression (the
 * libraries we import carry none). The first rule that matches wins:
 *
 *   trend         a rolling regression (Slope, Resi, Rsquare)
 *   price-volume  reads $volume and a price field
 *   volume        reads $volume only
 *   volatility    a dispersion statistic (Std, Var, Skew, Kurt, Mad)
 *   range         reads both $high and $low
 *   momentum      compares with the past (Ref, Delta)
 *   price         anything else
 */
import type { Node } from '../../operators/index.js';

const TREND = new Set(['Slope', 'Resi', 'Rsquare']);
const DISPERSION = new Set(['Std', 'Var', 'Skew', 'Kurt', 'Mad']);
const PAST = new Set(['Ref', 'Delta']);
const PRICES = ['open', 'high', 'low', 'close', 'vwap'];

function collect(node: Node, ops: Set<string>, fields: Set<string>): void {
  if (node.kind === 'field') fields.add(node.name);
  if (node.kind !== 'call') return;
  ops.add(node.op);
  for (const arg of node.args) collect(arg, ops, fields);
}

export function deriveFamily(ast: Node): string {
  const ops = new Set<string>();
  const fields = new Set<string>();
  collect(ast, ops, fields);
  const has = (set: ReadonlySet<string>): boolean => [...set].some((op) => ops.has(op));
  if (has(TREND)) return 'trend';
  if (fields.has('volume')) return PRICES.some((f) => fields.has(f)) ? 'price-volume' : 'volume';
  if (has(DISPERSION)) return 'volatility';
  if (fields.has('high') && fields.has('low')) return 'range';
  if (has(PAST)) return 'momentum';
  return 'price';
}
