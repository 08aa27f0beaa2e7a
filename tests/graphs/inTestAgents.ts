/**
 * Small agents for the supervisor's tests: each serves its queue of
 * agents/protocol.ts on a real bus with a few lines of deterministic logic,
 * so the graph's routing, checkpoints and resume can be tested without the
 * real agents. The evaluator is real (the engine and the agent-side metrics
 * on a small synthetic market); the librarian stores entries in the real run
 * store, create-if-absent by content hash. Every task is logged, so tests can
 * count what was asked.
 */
import type { AgentMetrics, LibraryEntry, SplitMetrics } from '../../agents/domain.js';
import { announcePresence, RunStore, type Bus, type PresenceHandle, type WorkServer } from '../../runtime/index.js';
import { FactorEngine } from '../../evaluator/engine.js';
import { syntheticMarket } from '../../evaluator/data/index.js';
import { createAgentContexts, scoreForAgents, type FactorScore } from '../../evaluator/metrics/index.js';
import { makeAgentSplits, resolveSplitRange } from '../../evaluator/metrics/splits.js';
import { compileFactor, compileLabel } from '../../operators/index.js';
import type { Panel } from '../../evaluator/panel.js';
import '../../agents/protocol.js';
import '../../graphs/review.js';

/** Expressions the in-test specialists propose; `Meen` needs code repair, `inconsistent` a logic improvement. */
export const PROPOSALS: Record<string, readonly { hypothesis: string; expression: string }[]> = {
  'spec-reversal': [
    { hypothesis: 'Five-day losers bounce back.', expression: '-($close/Ref($close,5)-1)' },
    { hypothesis: 'Ten-day losers bounce back.', expression: '-($close/Ref($close,10)-1)' },
    { hypothesis: 'A typo the repair agent fixes.', expression: 'Meen($close,5)/$close' },
  ],
  'spec-range': [
    { hypothesis: 'Wide bars precede weak returns.', expression: '($high-$low)/$open' },
    { hypothesis: 'An inconsistent idea the improver fixes.', expression: '($close-$open)/$open' },
  ],
  'spec-volume': [
    // Four of the market's planted signals together: ahead of every single one on every metric, so an elite in any generation.
    { hypothesis: 'Losers, calm bars and quiet volume together.', expression: '-CSRank($close/Ref($close,5)-1) - CSRank(($high-$low)/$open) - CSRank(($close-$open)/$open) - CSRank($volume/Mean($volume,20))' },
    { hypothesis: 'Volume surges precede weak returns.', expression: '$volume/Mean($volume,20)' },
    { hypothesis: 'Price and volume moving together.', expression: 'Corr($close,$volume,10)' },
    { hypothesis: 'Busy stocks.', expression: 'Log($volume+1)' },
    { hypothesis: 'Erratic volume.', expression: 'Std($volume,5)/Mean($volume,5)' },
    { hypothesis: 'Long-term winners.', expression: '$close/Ref($close,60)' },
    { hypothesis: 'Volume trend.', expression: 'Mean($volume,5)/Mean($volume,60)' },
  ],
};

export interface TaskLog {
  readonly queue: string;
  readonly id: string;
  readonly type: string;
  readonly payload: unknown;
}

export interface InTestAgents {
  readonly panel: Panel;
  readonly log: TaskLog[];
  /** Specialists announced in the registry. */
  readonly specialists: readonly string[];
  stop(): Promise<void>;
}

function toSplit(s: FactorScore): SplitMetrics {
  const n = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return { ic: n(s.ic.mean), icir: n(s.ic.ir), rankIc: n(s.rankIc.mean), rankIcir: n(s.rankIc.ir), mi: n(s.mutualInformation), rankIcT: n(s.rankIc.hacT), nanRatio: n(s.nanRatio), days: s.rankIc.days };
}

export async function startInTestAgents(bus: Bus, options: { readonly specialists?: readonly string[]; readonly heartbeatMs?: number } = {}): Promise<InTestAgents> {
  const panel = syntheticMarket({ seed: 3, instruments: 60, days: 400 });
  const splits = makeAgentSplits(resolveSplitRange(panel.calendar, 'train', { start: panel.calendar[0], end: panel.calendar[249] }), resolveSplitRange(panel.calendar, 'valid', { start: panel.calendar[250], end: panel.calendar[349] }), []);
  const engine = new FactorEngine(panel, { lastDay: splits.lastDay });
  const label = compileLabel('Ref($close,-2)/Ref($close,-1)-1');
  if (!label.ok) throw label.error;
  const contexts = createAgentContexts({ N: panel.N, T: panel.T, label: engine.evaluate(label.ast), universe: null }, splits);
  const store = await RunStore.open(bus);
  const log: TaskLog[] = [];
  const servers: WorkServer[] = [];
  const presences: PresenceHandle[] = [];

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads are checked by the bus against their schemas
  const serve = async (queue: string, reply: string | ((type: string) => string), handle: (payload: any) => unknown | Promise<unknown>) => {
    servers.push(
      await bus.serve(
        queue,
        async (task) => {
          log.push({ queue, id: task.id, type: task.type, payload: task.payload });
          return { type: typeof reply === 'string' ? reply : reply(task.type), payload: await handle(task.payload) };
        },
        { concurrency: 4 },
      ),
    );
  };

  await serve('planner', 'plan.result', (p: { humanDirections: string[] }) => ({
    directions: [
      { title: 'short-term reversal', signalSource: 'price', timeScale: 'short', mechanism: 'reversion', rationale: 'losers bounce', seeds: [] },
      { title: 'volume shocks', signalSource: 'volume', timeScale: 'short', mechanism: 'liquidity', rationale: 'surges fade', seeds: [] },
      ...p.humanDirections.map((h) => ({ title: h.slice(0, 200), signalSource: 'mixed' as const, timeScale: 'medium' as const, mechanism: 'other' as const, rationale: h, seeds: [] })),
    ],
  }));
  await serve('scheduler', 'schedule.result', (p: { slots: number; specialists: string[]; directions: unknown[] }) => ({
    action: 'factor',
    assignments: Array.from({ length: p.slots }, (_, k) => ({ specialist: p.specialists[k % p.specialists.length]!, guidanceMode: 'light', direction: p.directions.length === 0 ? -1 : k % p.directions.length })),
  }));
  // The librarian's two task types share its queue: retrieval (nothing to show here) and acceptance (into the real run store).
  await serve('librarian', (type) => (type === 'library.retrieve' ? 'library.retrieved' : 'library.accepted'), async (p: { candidates?: { entry: LibraryEntry }[] }) => {
    if (p.candidates === undefined) return { positives: [], negatives: [] };
    const accepted: string[] = [];
    const rejected: { id: string; reason: string }[] = [];
    for (const { entry } of p.candidates) {
      const stored = await store.addLibraryEntry(entry.id, entry);
      if (stored.created) accepted.push(entry.id);
      else rejected.push({ id: entry.id, reason: 'already in the library' });
    }
    return { accepted, rejected, size: (await store.listLibrary()).length };
  });
  const specialists = options.specialists ?? Object.keys(PROPOSALS);
  for (const [level, name] of specialists.entries()) {
    const pool = PROPOSALS[name] ?? PROPOSALS['spec-reversal']!;
    await serve(name, 'specialist.proposals', (p: { brief?: { count: number } }) => ({ proposals: pool.slice(0, Math.max(1, p.brief?.count ?? 1)) }));
    presences.push(await announcePresence(bus, { role: 'specialist', name, level: 1 + (level % 7), capabilities: [], version: 'test' }, { queues: [name], ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}) }));
  }
  await serve('factor-builder', 'build.result', (p: { hypothesis: string; sketch: string | null }) => ({
    name: p.hypothesis.split(' ').slice(0, 3).join('_').toLowerCase().replace(/[^a-z_]/g, ''),
    description: p.hypothesis.includes('inconsistent') ? 'inconsistent with the hypothesis' : `Implements: ${p.hypothesis}`,
    expression: p.sketch ?? '$close/Mean($close,20)',
  }));
  await serve('verifier', 'verify.result', (p: { expression: string; description: string }) => {
    const compiled = compileFactor(p.expression);
    if (!compiled.ok) return { ok: false, stage: 'compile', canonical: null, complexity: null, similarity: null, failingStep: 'expression', reasons: [compiled.error.message] };
    if (p.description.includes('inconsistent')) return { ok: false, stage: 'judge', canonical: compiled.canonical, complexity: compiled.complexity.score, similarity: null, failingStep: 'description', reasons: ['the description does not say what the expression does'] };
    return { ok: true, stage: null, canonical: compiled.canonical, complexity: compiled.complexity.score, similarity: null, failingStep: null, reasons: [] };
  });
  await serve('code-repair', 'repair.result', (p: { expression: string }) => ({ expression: p.expression.replace(/Meen/g, 'Mean'), explanation: 'fixed the operator name', fromKnowledge: false }));
  await serve('logic-improver', 'improve.result', (p: { hypothesis: string; expression: string }) => ({ hypothesis: p.hypothesis.replace('inconsistent', 'consistent'), description: 'the intraday return', expression: p.expression, explanation: 'described what it computes' }));
  await serve('evaluator', 'evaluate.result', (p: { candidates: { id: string; expression: string }[] }) => ({
    results: p.candidates.map(({ id, expression }) => {
      const compiled = compileFactor(expression);
      if (!compiled.ok) return { id, ok: false, metrics: null, error: compiled.error.message, libraryCorrelation: null };
      const scores = scoreForAgents(engine.evaluate(compiled.ast), contexts);
      const metrics: AgentMetrics = { train: toSplit(scores.train), valid: toSplit(scores.valid) };
      return { id, ok: true, metrics, error: null, libraryCorrelation: null };
    }),
  }));
  await serve('analyst', 'analyse.result', (p: { metrics: AgentMetrics | null }) => ({
    observation: `valid RankIC ${p.metrics?.valid.rankIc?.toFixed(4) ?? 'n/a'}`,
    evaluation: 'as expected',
    supportsHypothesis: (p.metrics?.valid.rankIc ?? 0) > 0,
    nextStep: 'try a longer window',
  }));
  await serve('mutation', 'mutate.result', (p: { trajectory: { expression: string } }) => ({ localisedStep: 'expression', diagnosis: 'window too short', rewrite: `Mean(${p.trajectory.expression}, 3)` }));
  await serve('crossover', 'crossover.result', (p: { parents: { id: string; expression: string; hypothesis: string }[] }) => ({
    hypothesis: `${p.parents[0]!.hypothesis} And: ${p.parents[1]!.hypothesis}`,
    description: 'the sum of the two parents, each ranked',
    expression: `CSRank(${p.parents[0]!.expression}) + CSRank(${p.parents[1]!.expression})`,
    inherited: [
      { parent: p.parents[0]!.id, segment: 'subexpression', detail: p.parents[0]!.expression },
      { parent: p.parents[1]!.id, segment: 'subexpression', detail: p.parents[1]!.expression },
      { parent: 'not-a-parent', segment: 'hypothesis', detail: 'hostile lineage the graph must drop' },
    ],
  }));
  return {
    panel,
    log,
    specialists,
    stop: async () => {
      await Promise.all(presences.map((p) => p.leave()));
      await Promise.all(servers.map((s) => s.stop()));
    },
  };
}
