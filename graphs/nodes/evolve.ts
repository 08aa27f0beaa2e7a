/**
 * evolve (QuantaAlpha's self-evolution, CogAlpha's thinking evolution):
 * from the parent pool (qualified factors by reward plus the carried
 * elites) make the next generation's children, three kinds in equal parts:
 *
 *   mutation            the mutation agent localises the step that dragged the parent
 *                       down and rewrites only it; the prefix is kept, the suffix regenerated
 *                       (a rewritten hypothesis or description goes back to the builder)
 *   crossover           the crossover agent recombines two parents and records which gave what
 *   crossover+mutation  a crossover child mutated before it is evaluated (its brief shows
 *                       the parents' mean metrics, and says so)
 *
 * CogAlpha's children pool is three times the parent pool's capacity (96
 * children from at most 32 parents), however many parents qualified: here
 * `population` children, so a generation with few qualified parents still
 * explores as widely (a parent then has several children, each told its
 * sibling number so it tries another edit). Parent picks are seeded by
 * (run seed, generation), so a resumed run makes the same children and their
 * tasks' stable ids find the answers already given.
 */
import type { Inheritance, Trajectory } from '../../agents/domain.js';
import { CROSSOVER, MUTATION } from '../../agents/protocol.js';
import { crossoverReplySchema, mutationReplySchema, type TrajectoryBrief } from '../../agents/roles.js';
import { mapLimit, type AgentCalls } from '../ask.js';
import type { SwarmDeps } from '../deps.js';
import type { Check } from '../state.js';
import { briefOf, clip, meanMetrics, newTrajectory, withStep } from '../trajectories.js';
import { Changes, freshCheck, node } from './common.js';
import { mulberry32 } from '../../agents/mulberry32.js';

export interface EvolutionPlan {
  /** `variant`: how many earlier children of this generation came from the same parent (or pair) the same way. */
  readonly mutations: ReadonlyArray<{ readonly child: string; readonly parent: string; readonly variant: number }>;
  readonly crossovers: ReadonlyArray<{ readonly child: string; readonly parents: readonly [string, string]; readonly mutate: boolean; readonly variant: number }>;
}

/**
 * Which children to make from `parents` (best first): ⌈C/3⌉ mutations
 * through the parents in order, the rest crossovers of two distinct parents
 * drawn with weight 1/(rank+1) (a pair not drawn before while there is one),
 * half of them then mutated. C = cap (`population`), whatever P.
 */
export function planEvolution(parents: readonly string[], generation: number, cap: number, seed: number): EvolutionPlan {
  const P = parents.length;
  const total = cap;
  if (P === 0 || total <= 0) return { mutations: [], crossovers: [] };
  const mutationCount = P < 2 ? total : Math.ceil(total / 3);
  const crossoverCount = total - mutationCount;
  const next = `g${generation + 1}`;
  const mutations = Array.from({ length: mutationCount }, (_, i) => ({ child: `${next}-m${i}`, parent: parents[i % P]!, variant: Math.floor(i / P) }));
  const random = mulberry32((seed * 1_000_003 + generation * 7919) >>> 0);
  const weights = parents.map((_, rank) => 1 / (rank + 1));
  const draw = (exclude: number): number => {
    const total = weights.reduce((s, w, k) => (k === exclude ? s : s + w), 0);
    let r = random() * total;
    for (let k = 0; k < P; k++) {
      if (k === exclude) continue;
      r -= weights[k]!;
      if (r <= 0) return k;
    }
    return exclude === P - 1 ? P - 2 : P - 1;
  };
  const plainCrossovers = Math.ceil(crossoverCount / 2);
  // Distinct pairs while there are unused ones (a deterministic model answers the same pair the same way).
  const used = [new Map<string, number>(), new Map<string, number>()];
  const pair = (kind: 0 | 1): [number, number, number] => {
    let best: [number, number] = [0, 1];
    for (let attempt = 0; attempt < 32; attempt++) {
      const a = draw(-1);
      const b = draw(a);
      best = [a, b];
      if (!used[kind]!.has(`${Math.min(a, b)}|${Math.max(a, b)}`)) break;
    }
    const key = `${Math.min(...best)}|${Math.max(...best)}`;
    const variant = used[kind]!.get(key) ?? 0;
    used[kind]!.set(key, variant + 1);
    return [...best, variant];
  };
  const crossovers = Array.from({ length: crossoverCount }, (_, j) => {
    const mutate = j >= plainCrossovers;
    const [a, b, variant] = pair(mutate ? 1 : 0);
    return { child: mutate ? `${next}-xm${j - plainCrossovers}` : `${next}-x${j}`, parents: [parents[a]!, parents[b]!] as [string, string], mutate, variant };
  });
  return { mutations, crossovers };
}

export function evolve(deps: SwarmDeps) {
  return node(deps, 'evolve', async (state, { calls, settings }) => {
    const changes = new Changes();
    const briefs = new Map(state.parents.map((id) => [id, state.trajectories[id] ? briefOf(state.trajectories[id]) : null] as const).filter((e): e is [string, TrajectoryBrief] => e[1] !== null));
    const plan = planEvolution([...briefs.keys()], state.generation, settings.population, settings.seed);
    const timeout = { timeoutMs: deps.timeouts.model, retries: deps.timeouts.retries };
    const generation = state.generation + 1;
    const children: string[] = [];

    await mapLimit(plan.mutations, settings.concurrency, async ({ child, parent, variant }) => {
      const p = state.trajectories[parent]!;
      const made = await mutate(calls, briefs.get(parent)!, child, timeout, variant);
      if (made === null) return;
      const base = newTrajectory({ id: child, generation, origin: 'mutation', specialist: p.specialist, level: p.level, guidanceMode: p.guidanceMode, direction: p.direction, hypothesis: p.hypothesis, description: p.description, expression: p.expression, parents: [parent], status: 'built' });
      const [t, check] = applyMutation(base, made, parent);
      changes.set(t, check);
      children.push(child);
    });

    await mapLimit(plan.crossovers, settings.concurrency, async ({ child, parents, mutate: thenMutate, variant }) => {
      const pair = parents.map((id) => briefs.get(id)!);
      const answer = await calls.ask(CROSSOVER, { parents: pair, ...(variant > 0 ? { variant } : {}) }, crossoverReplySchema, { id: [child, 'crossover'], trajectory: child, ...timeout });
      if (!answer.ok) return;
      const x = answer.value;
      const first = state.trajectories[parents[0]]!;
      // Lineage only names the actual parents, whatever the agent wrote.
      const inherited: Inheritance[] = x.inherited.filter((i) => parents.includes(i.parent));
      let t = newTrajectory({
        id: child,
        generation,
        origin: thenMutate ? 'crossover+mutation' : 'crossover',
        specialist: first.specialist,
        level: first.level,
        guidanceMode: first.guidanceMode,
        direction: first.direction,
        hypothesis: x.hypothesis,
        description: x.description,
        expression: x.expression,
        parents: [...parents],
        inherited: inherited.length > 0 ? inherited : parents.map((p) => ({ parent: p, segment: 'hypothesis' as const, detail: 'recombined (the agent did not say which part)' })),
        status: 'built',
      });
      t = withStep(t, { kind: 'crossover', agent: CROSSOVER.queue, action: `recombined ${parents.join(' and ')}`, result: `${x.hypothesis}\nexpression: ${x.expression}`, ok: true });
      let check: Check = freshCheck('verify');
      if (thenMutate) {
        const made = await mutate(calls, crossoverBrief(t, pair), child, timeout, 0);
        if (made === null) return;
        [t, check] = applyMutation(t, made, null);
      }
      changes.set(t, check);
      children.push(child);
    });
    children.sort();
    return { ...changes.update, active: children };
  });
}

type Mutation = { localisedStep: 'hypothesis' | 'description' | 'expression'; diagnosis: string; rewrite: string };

async function mutate(calls: AgentCalls, brief: TrajectoryBrief, child: string, timeout: { timeoutMs: number; retries: number }, variant: number): Promise<Mutation | null> {
  const answer = await calls.ask(MUTATION, { trajectory: brief, ...(variant > 0 ? { variant } : {}) }, mutationReplySchema, { id: [child, 'mutate'], trajectory: child, ...timeout });
  return answer.ok ? answer.value : null;
}

/** The child after rewriting its localised step: the prefix kept (and recorded as inherited), the suffix left for the builder. */
export function applyMutation(t: Trajectory, m: Mutation, parent: string | null): [Trajectory, Check] {
  const inherit = (segment: Inheritance['segment'], detail: string): Inheritance[] => (parent === null ? [] : [{ parent, segment, detail: clip(detail, 1000) }]);
  const step = { kind: 'mutate' as const, agent: MUTATION.queue, action: `rewrote the ${m.localisedStep}: ${m.diagnosis}`, result: m.rewrite, ok: true };
  if (m.localisedStep === 'expression') {
    const child = { ...t, expression: clip(m.rewrite, 2000), inherited: [...t.inherited, ...inherit('hypothesis', t.hypothesis), ...inherit('description', t.description ?? '')].slice(0, 16), status: 'built' as const };
    return [withStep(child, step), freshCheck('verify')];
  }
  if (m.localisedStep === 'description') {
    const child = { ...t, description: clip(m.rewrite, 4000), expression: null, inherited: [...t.inherited, ...inherit('hypothesis', t.hypothesis)].slice(0, 16), status: 'proposed' as const };
    return [withStep(child, step), freshCheck('build')];
  }
  const child = { ...t, hypothesis: clip(m.rewrite, 4000), description: null, expression: null, status: 'proposed' as const };
  return [withStep(child, step), freshCheck('build')];
}

/** A crossover child's brief for mutation: not evaluated yet, so it shows its parents' mean metrics and reward, and says so. */
function crossoverBrief(t: Trajectory, parents: readonly TrajectoryBrief[]): TrajectoryBrief {
  return {
    id: t.id,
    hypothesis: t.hypothesis,
    description: t.description ?? '',
    expression: t.expression ?? parents[0]!.expression,
    metrics: meanMetrics(parents.map((p) => p.metrics)),
    reward: parents.reduce((s, p) => s + p.reward, 0) / parents.length,
    feedback: clip(`Not evaluated yet: a crossover child of ${parents.map((p) => p.id).join(' and ')}; the metrics and reward shown are its parents' means.`, 2000),
    steps: [],
  };
}
