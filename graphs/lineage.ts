/**
 * A factor's family tree from a run's trajectories: the trajectory that
 * produced it, then its parents recursively (mutation has one, crossover
 * two or more), each with what it inherited from whom, its reward and its
 * train/valid metrics. Pure; `alphaswarm lineage` prints it.
 */
import type { AgentMetrics, Inheritance, LibraryEntry, Trajectory } from '../agents/domain.js';

export interface LineageNode {
  readonly id: string;
  readonly generation: number;
  readonly origin: Trajectory['origin'];
  readonly specialist: string;
  readonly status: Trajectory['status'];
  readonly name: string | null;
  readonly hypothesis: string;
  readonly expression: string | null;
  readonly inherited: readonly Inheritance[];
  readonly reward: number | null;
  readonly metrics: AgentMetrics | null;
  /** The library entry it became, if any. */
  readonly entry: string | null;
  readonly parents: readonly LineageNode[];
  /** A parent id with no trajectory in this run (e.g. a parent from an imported library). */
  readonly missingParents: readonly string[];
  /** Already shown above (a parent reached twice): its parents are not repeated. */
  readonly repeated: boolean;
}

/** Finds a factor by library entry id, trajectory id, or a unique prefix of either. */
export function findFactor(query: string, trajectories: readonly Trajectory[], library: readonly LibraryEntry[]): { trajectory: Trajectory } | { error: string } {
  const byId = new Map(trajectories.map((t) => [t.id, t]));
  const exact = library.find((e) => e.id === query)?.trajectory ?? (byId.has(query) ? query : undefined);
  if (exact !== undefined) {
    const t = byId.get(exact);
    return t ? { trajectory: t } : { error: `library entry ${query} names trajectory ${exact}, which is not in trajectories.jsonl` };
  }
  const matches = new Set([...library.filter((e) => e.id.startsWith(query)).map((e) => e.trajectory), ...trajectories.filter((t) => t.id.startsWith(query)).map((t) => t.id)]);
  if (matches.size === 1) {
    const t = byId.get([...matches][0]!);
    if (t) return { trajectory: t };
  }
  if (matches.size > 1) return { error: `'${query}' matches ${matches.size} factors (${[...matches].slice(0, 5).join(', ')}${matches.size > 5 ? ', ...' : ''}); give more of the id` };
  return { error: `no factor '${query}' in this run (give a library entry id from library.json or a trajectory id)` };
}

export function lineageOf(root: Trajectory, trajectories: readonly Trajectory[], library: readonly LibraryEntry[]): LineageNode {
  const byId = new Map(trajectories.map((t) => [t.id, t]));
  const entryOf = new Map(library.map((e) => [e.trajectory, e.id]));
  const shown = new Set<string>();
  const visit = (t: Trajectory): LineageNode => {
    const repeated = shown.has(t.id);
    shown.add(t.id);
    const known = repeated ? [] : t.parents.filter((p) => byId.has(p));
    return {
      id: t.id,
      generation: t.generation,
      origin: t.origin,
      specialist: t.specialist,
      status: t.status,
      name: t.name,
      hypothesis: t.hypothesis,
      expression: t.expression,
      inherited: t.inherited,
      reward: t.reward,
      metrics: t.metrics,
      entry: entryOf.get(t.id) ?? null,
      parents: known.map((p) => visit(byId.get(p)!)),
      missingParents: repeated ? [] : t.parents.filter((p) => !byId.has(p)),
      repeated,
    };
  };
  return visit(root);
}

const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : v.toFixed(4));

/** The tree as text, one block per node, indented by depth. */
export function renderLineage(node: LineageNode): string {
  const lines: string[] = [];
  const walk = (n: LineageNode, prefix: string, childPrefix: string): void => {
    const entry = n.entry ? ` -> library ${n.entry}` : '';
    lines.push(`${prefix}${n.id}  gen ${n.generation}  ${n.origin}  ${n.specialist}  [${n.status}${entry}]${n.repeated ? '  (shown above)' : ''}`);
    if (!n.repeated) {
      lines.push(`${childPrefix}  expression: ${n.expression ?? '(not built)'}`);
      lines.push(`${childPrefix}  reward ${fmt(n.reward)}; train RankIC ${fmt(n.metrics?.train.rankIc)} IC ${fmt(n.metrics?.train.ic)}; valid RankIC ${fmt(n.metrics?.valid.rankIc)} IC ${fmt(n.metrics?.valid.ic)}`);
      for (const i of n.inherited) lines.push(`${childPrefix}  inherited ${i.segment} from ${i.parent}: ${i.detail.replace(/\s+/g, ' ').slice(0, 160)}`);
      for (const m of n.missingParents) lines.push(`${childPrefix}  parent ${m}: not in this run's trajectories`);
    }
    n.parents.forEach((p, k) => {
      const last = k === n.parents.length - 1;
      walk(p, `${childPrefix}${last ? '└─ ' : '├─ '}`, `${childPrefix}${last ? '   ' : '│  '}`);
    });
  };
  walk(node, '', '');
  return lines.join('\n');
}
