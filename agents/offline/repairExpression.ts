/**
 * Code repair without a model: read leniently, translate keeping the
 * meaning, compile; shrink what breaks the size limits. Fixes that worked
 * for similar errors (R&D-Agent(Q)'s Co-STEER knowledge base) are tried
 * first: an identical past expression reuses its fix, and renames a past fix
 * made are applied before the built-in table.
 */
import { nodeCount, OPERATORS, printFactor, type CallNode, type Node } from '../../operators/index.js';
import { compileIn, type OfflineEnvironment } from './environment.js';
import { readForeign } from './foreignReader.js';
import { translate } from './translate.js';

export interface PastFix {
  readonly error: string;
  readonly before: string;
  readonly after: string;
}

export type RepairOutcome =
  | { readonly ok: true; readonly expression: string; readonly ast: Node; readonly notes: readonly string[]; readonly fromKnowledge: boolean }
  | { readonly ok: false; readonly problems: readonly string[]; readonly notes: readonly string[] };

const squash = (text: string) => text.replace(/\s+/g, '');

/** Renames a past fix made: unknown call or field names of `before` aligned with `after`'s, when both have the same shape. */
export function learnRenames(fixes: readonly PastFix[], env: OfflineEnvironment): Map<string, string> {
  const knownOperator = (name: string) => OPERATORS.has(name);
  const renames = new Map<string, string>();
  for (const fix of fixes) {
    const before = readForeign(fix.before);
    const after = readForeign(fix.after);
    if (!before.ok || !after.ok) continue;
    const a = names(before.ast);
    const b = names(after.ast);
    if (a.length !== b.length) continue;
    a.forEach((name, i) => {
      const target = b[i]!;
      if (name === target) return;
      if (name.startsWith('$') && target.startsWith('$') && !env.fields.has(name.slice(1).toLowerCase())) renames.set(`$${name.slice(1).toLowerCase()}`, target);
      if (!name.startsWith('$') && !target.startsWith('$') && !knownOperator(name) && knownOperator(target)) renames.set(name, target);
    });
  }
  return renames;
}

/** Call and field names in pre-order (fields with their `$`). */
function names(node: Node): string[] {
  if (node.kind === 'number') return [];
  if (node.kind === 'field') return [`$${node.name}`];
  return [node.op, ...node.args.flatMap(names)];
}

const IDEMPOTENT = new Set(['CSRank', 'CSZScore', 'Abs', 'Sign', 'CSScale', 'CSDemean']);
/** Wrappers a cross-sectional rank does not see through: CSRank(CSZScore(x)) = CSRank(x). */
const RANK_INVARIANT = new Set(['CSZScore', 'CSDemean', 'CSScale']);

/** Simplifications that never change the value. */
function simplify(node: Node): Node {
  if (node.kind !== 'call') return node;
  const args = node.args.map(simplify);
  const first = args[0];
  if (IDEMPOTENT.has(node.op) && first?.kind === 'call' && first.op === node.op) return first;
  if (node.op === 'CSRank' && first?.kind === 'call' && RANK_INVARIANT.has(first.op)) return { kind: 'call', op: 'CSRank', args: first.args };
  if (node.op === 'Mul' && first?.kind === 'number' && first.value === -1) {
    const inner = args[1]!;
    if (inner.kind === 'call' && inner.op === 'Mul' && inner.args[0]?.kind === 'number' && inner.args[0].value === -1) return inner.args[1]!;
  }
  return { kind: 'call', op: node.op, args };
}

/** Terms of a sum or product chain at the root. */
function terms(node: Node, op: string): Node[] {
  return node.kind === 'call' && node.op === op ? node.args.flatMap((a) => terms(a, op)) : [node];
}

/** Drops the largest terms of a root sum/product until it fits; returns the dropped terms' text. */
function prune(node: Node, fits: (n: Node) => boolean): { node: Node; dropped: string[] } | null {
  if (node.kind !== 'call' || (node.op !== 'Add' && node.op !== 'Mul')) return null;
  const parts = terms(node, node.op);
  const dropped: string[] = [];
  while (parts.length > 1) {
    const largest = parts.reduce((best, t, i) => (nodeCount(t) > nodeCount(parts[best]!) ? i : best), 0);
    dropped.push(printFactor(parts[largest]!));
    parts.splice(largest, 1);
    const rebuilt = parts.slice(1).reduce<Node>((acc, t) => ({ kind: 'call', op: (node as CallNode).op, args: [acc, t] }), parts[0]!);
    if (fits(rebuilt)) return { node: rebuilt, dropped };
  }
  return null;
}

export function repairExpression(source: string, env: OfflineEnvironment, fixes: readonly PastFix[] = []): RepairOutcome {
  // Co-STEER, exact: this very expression was fixed before.
  for (const fix of fixes) {
    if (squash(fix.before) !== squash(source)) continue;
    const compiled = compileIn(env, fix.after);
    if (compiled.ok) return { ok: true, expression: compiled.canonical, ast: compiled.ast, notes: ['applied the fix recorded for this expression'], fromKnowledge: true };
  }
  const direct = compileIn(env, source);
  if (direct.ok) return { ok: true, expression: direct.canonical, ast: direct.ast, notes: [], fromKnowledge: false };

  const read = readForeign(source);
  if (!read.ok) return { ok: false, problems: [`cannot read the expression: ${read.error}`], notes: [] };
  const learned = learnRenames(fixes, env);
  const translated = translate(read.ast, env.fields, env.limits, learned);
  const translation = read.extracted ? { ...translated, notes: ['took the expression out of the surrounding prose', ...translated.notes] } : translated;
  const usedKnowledge = translation.notes.some((n) => n.includes('similar past fix'));
  if (translation.problems.length > 0) return { ok: false, problems: translation.problems, notes: translation.notes };

  const simplified = simplify(translation.ast);
  const text = printFactor(simplified);
  const compiled = compileIn(env, text);
  if (compiled.ok) return { ok: true, expression: compiled.canonical, ast: compiled.ast, notes: translation.notes, fromKnowledge: usedKnowledge };
  const code = compiled.error.code;
  if (code === 'limit_depth' || code === 'limit_nodes' || code === 'too_long') {
    const pruned = prune(simplified, (n) => compileIn(env, printFactor(n)).ok);
    if (pruned) {
      const result = compileIn(env, printFactor(pruned.node));
      if (result.ok) {
        const notes = [...translation.notes, `too large for the limits: dropped ${pruned.dropped.length} term(s) (${pruned.dropped.join('; ').slice(0, 300)}), which changes the meaning`];
        return { ok: true, expression: result.canonical, ast: result.ast, notes, fromKnowledge: usedKnowledge };
      }
    }
  }
  return { ok: false, problems: [compiled.error.message], notes: translation.notes };
}
