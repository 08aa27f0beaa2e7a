/**
 * How far back and forward in time an expression reads, from its window and
 * lag literals (the type checker has made sure they are literals).
 */

import type { Node } from './ast.js';
import { OPERATORS } from './registry.js';

/** Largest window or positive lag of any one operator, in days (0 when there is none). */
export function maxWindow(node: Node): number {
  if (node.kind !== 'call') return 0;
  const spec = OPERATORS.get(node.op);
  let largest = 0;
  node.args.forEach((arg, i) => {
    const kind = spec?.args[i]?.kind;
    if (arg.kind === 'number' && (kind === 'window' || kind === 'lag')) largest = Math.max(largest, arg.value);
    largest = Math.max(largest, maxWindow(arg));
  });
  return largest;
}

/**
 * How many days after the current one the expression reads: 0 for every
 * valid factor; `Ref($close,-2)/Ref($close,-1)-1` has horizon 2. Nested lags
 * add up (Ref(Ref(x,-1),-1) reads 2 days ahead; Ref(Ref(x,-3),1) 2).
 */
export function horizon(node: Node): number {
  return Math.max(0, reach(node));
}

/** Offset of the latest day read relative to the current day (negative: only the past). */
function reach(node: Node): number {
  if (node.kind === 'number') return -Infinity;
  if (node.kind === 'field') return 0;
  const kinds = OPERATORS.get(node.op)?.args.map((a) => a.kind) ?? [];
  // A lag N shifts what its series argument reads N days back; N = 0 is the first value, never later than today's.
  const lagIndex = kinds.indexOf('lag');
  const lag = lagIndex >= 0 ? node.args[lagIndex] : undefined;
  const shift = lag?.kind === 'number' ? lag.value : 0;
  let latest = -Infinity;
  node.args.forEach((arg, i) => {
    if (i !== lagIndex) latest = Math.max(latest, reach(arg) - shift);
  });
  return latest;
}
