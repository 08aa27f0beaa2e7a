/**
 * Benchmark of the built-in agents: every agent hosted with
 * startBuiltinAgents on a real local nats-server, the model being the
 * embedded offline research model (deterministic, not an LLM) through the
 * real LlmClient, and each agent asked the same representative task
 * `--rounds` times through Bus.request. Reported per agent: round-trip p50,
 * p99 and mean, i.e. what one agent costs the supervisor apart from a real
 * model's latency (bus, validation, the agent's own checks, the offline
 * model's answer, and for the evaluator and librarian the computation).
 *
 *   npm run build && node dist/bench/agents.js [--rounds 30] [--batch 16]
 *       [--data ../shared/data/cn_csi300 --universe csi300 --train 2010-01-01:2018-12-31 --valid 2019-01-01:2019-12-31]
 *
 * Without --data it runs on the synthetic market (200 instruments, 1500 days).
 * Numbers are for one machine and say so.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { LibraryEntry } from '../agents/domain.js';
import type { EvaluationData } from '../agents/evaluation/candidateScorer.js';
import { startBuiltinAgents } from '../agents/host.js';
import { LIBRARY_RETRIEVE } from '../agents/librarian.js';
import { LlmClient, loadLlmConfig } from '../agents/llm/index.js';
import { swarmEnvironment } from '../agents/modelCall.js';
import { offlineResearchModel } from '../agents/offline/index.js';
import {
  ANALYST,
  CODE_REPAIR,
  CROSSOVER,
  EVALUATOR,
  FACTOR_BUILDER,
  LIBRARIAN,
  LOGIC_IMPROVER,
  MODEL_AGENT,
  MUTATION,
  PLANNER,
  SCHEDULER,
  VERIFIER,
  type Evaluation,
} from '../agents/protocol.js';
import { ROLE_KINDS, type TrajectoryBrief } from '../agents/roles.js';
import { specialistTask } from '../agents/specialistBehaviour.js';
import { SPECIALIST_TASK } from '../agents/specialistDefinition.js';
import { loadPanel, parseSplit, syntheticMarket, SYNTHETIC_LABEL } from '../evaluator/data/index.js';
import { FactorEngine } from '../evaluator/engine.js';
import { ALPHA20 } from '../evaluator/libraries/alpha20.js';
import { makeAgentSplits, resolveSplitRange } from '../evaluator/metrics/splits.js';
import type { Panel } from '../evaluator/panel.js';
import { compileLabel } from '../operators/compile.js';
import { RunStore } from '../runtime/runStore.js';
import { startBus } from '../runtime/start.js';

export interface AgentLatency {
  readonly agent: string;
  readonly task: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
  readonly samples: number;
}

export interface AgentsBenchResult {
  readonly machine: { readonly cpus: number; readonly cpuModel: string; readonly node: string };
  readonly data: string;
  readonly startMs: number;
  readonly latencies: readonly AgentLatency[];
}

export interface AgentsBenchOptions {
  readonly rounds?: number;
  /** Candidates per evaluate.request. */
  readonly batch?: number;
  readonly data?: { readonly dir: string; readonly universe: string; readonly train: string; readonly valid: string };
}

function evaluationData(options: AgentsBenchOptions): { data: EvaluationData; fields: string[]; label: string } {
  let panel: Panel;
  let universe: Uint8Array | null;
  let trainDates;
  let validDates;
  if (options.data) {
    panel = loadPanel(options.data.dir, { universe: options.data.universe });
    universe = panel.universes[options.data.universe]?.mask ?? null;
    trainDates = parseSplit(options.data.train);
    validDates = parseSplit(options.data.valid);
  } else {
    panel = syntheticMarket({ seed: 1 });
    // The market's point-in-time index (named after its size), not 'all'.
    universe = Object.entries(panel.universes).find(([name]) => name !== 'all')?.[1].mask ?? null;
    trainDates = { start: panel.calendar[0], end: panel.calendar[899] };
    validDates = { start: panel.calendar[900], end: panel.calendar[1199] };
  }
  const train = resolveSplitRange(panel.calendar, 'train', trainDates);
  const valid = resolveSplitRange(panel.calendar, 'valid', validDates);
  const splits = makeAgentSplits(train, valid, [...train.notes, ...valid.notes]);
  const compiled = compileLabel(SYNTHETIC_LABEL, { fields: new Set(Object.keys(panel.fields)) });
  if (!compiled.ok) throw compiled.error;
  const label = new FactorEngine(panel, { universe, lastDay: splits.lastDay }).evaluate(compiled.ast);
  return { data: { panel, universe, splits, label }, fields: Object.keys(panel.fields), label: options.data ? `${options.data.dir} (${options.data.universe})` : 'synthetic market, 200 x 1500' };
}

function summarise(agent: string, task: string, samples: number[]): AgentLatency {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const round = (ms: number): number => Math.round(ms * 100) / 100;
  return { agent, task, p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), meanMs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length), samples: sorted.length };
}

export async function runAgentsBench(options: AgentsBenchOptions = {}): Promise<AgentsBenchResult> {
  const rounds = options.rounds ?? 30;
  const batch = options.batch ?? 16;
  const { data, fields, label } = evaluationData(options);
  const dir = mkdtempSync(join(tmpdir(), 'alphaswarm-agents-bench-'));
  const started = await startBus({ run: `bench-agents-${process.pid}`, runDir: dir, log: () => {} });
  const bus = started.bus;
  try {
    const store = await RunStore.open(bus);
    const env = swarmEnvironment(fields);
    const llm = new LlmClient({ config: loadLlmConfig({ env: {}, options: {} }), roles: ROLE_KINDS, offlineModel: offlineResearchModel({ seed: 1 }), seed: 1 });
    const t0 = performance.now();
    const agents = await startBuiltinAgents(bus, { llm, env, evaluation: data, runStore: store, seed: 1 });
    const startMs = Math.round(performance.now() - t0);
    try {
      const latencies: AgentLatency[] = [];
      const time = async (agent: string, task: string, payload: (k: number) => unknown, queue = agent, n = rounds): Promise<unknown> => {
        const samples: number[] = [];
        let last: unknown;
        for (let k = 0; k < n; k++) {
          const s = performance.now();
          last = (await bus.request(queue, task, payload(k), { timeoutMs: 600_000 })).payload;
          samples.push(performance.now() - s);
        }
        latencies.push(summarise(agent, task, samples));
        return last;
      };
      const seedPool = ALPHA20.slice(0, 10).map((f) => ({ name: f.name, expression: f.expression, validRankIc: null }));
      const hypothesis = 'Stocks that fell on heavy volume over the last week rebound as liquidity providers are paid for absorbing the selling.';
      const expressions = ALPHA20.map((f) => f.expression);
      const metrics = { ic: 0.02, icir: 0.2, rankIc: 0.03, rankIcir: 0.25, mi: 0.02, rankIcT: 2.5, nanRatio: 0.01, days: 200 };
      const brief = (id: string, expression: string): TrajectoryBrief => ({
        id,
        hypothesis,
        description: 'Negative five-day return scaled by volume surprise.',
        expression,
        metrics: { train: metrics, valid: metrics },
        reward: 0.3,
        feedback: 'Weak on valid.',
        steps: ['proposed', 'built', 'verified'],
      });

      await time(PLANNER.queue, PLANNER.task, () => ({ seedPool, humanDirections: ['volume shocks that revert'], explored: [], count: 8 }));
      await time(SCHEDULER.queue, SCHEDULER.task, (k) => ({ generation: k, slots: 24, specialists: agents.specialists, directions: [], state: [0.02, 0.2, 0.03, 0.25, 0.05, 0.5, -0.1, 0.8] }));
      await time(LIBRARIAN.queue, LIBRARY_RETRIEVE, () => ({ about: 'reversal', positives: 3, negatives: 3 }));
      await time('reversal', SPECIALIST_TASK, (k) =>
        specialistTask({ guidanceMode: (['light', 'moderate', 'creative', 'divergent', 'concrete'] as const)[k % 5]!, direction: null, positives: [], negatives: [], feedback: [], humanComments: [], count: 3 }),
      );
      await time(FACTOR_BUILDER.queue, FACTOR_BUILDER.task, (k) => ({ trajectory: `t${k}`, hypothesis, sketch: null, specialist: 'reversal', examples: [], reusable: [] }));
      await time(VERIFIER.queue, VERIFIER.task, (k) => ({ trajectory: `t${k}`, hypothesis, description: 'Five-day return times volume surprise.', expression: expressions[k % expressions.length]! }));
      await time(CODE_REPAIR.queue, CODE_REPAIR.task, (k) => ({
        trajectory: `t${k}`,
        hypothesis,
        description: 'd',
        expression: `TS_MEAN($close, ${k + 2}) / $close`,
        error: "at 1: unknown operator 'TS_MEAN'",
      }));
      await time(LOGIC_IMPROVER.queue, LOGIC_IMPROVER.task, (k) => ({
        trajectory: `t${k}`,
        hypothesis,
        description: 'Five-day return.',
        expression: '-1 * ($close / Ref($close, 5) - 1)',
        reasons: ['the expression never reads volume'],
        failingStep: 'expression',
      }));
      await time(MUTATION.queue, MUTATION.task, (k) => ({ trajectory: brief(`p${k}`, expressions[k % expressions.length]!) }));
      await time(CROSSOVER.queue, CROSSOVER.task, (k) => ({ parents: [brief(`p${k}`, expressions[k % expressions.length]!), brief(`q${k}`, expressions[(k + 7) % expressions.length]!)] }));
      await time(ANALYST.queue, ANALYST.task, (k) => ({ trajectory: `t${k}`, hypothesis, expression: expressions[k % expressions.length]!, metrics: { train: metrics, valid: metrics }, outcome: 'qualified' }));
      await time(MODEL_AGENT.queue, MODEL_AGENT.task, () => ({ factors: 20, families: [{ family: 'momentum', count: 8 }], trials: [] }));

      const candidates = (k: number) => Array.from({ length: batch }, (_, j) => ({ id: `c${k}-${j}`, expression: `${expressions[(k * batch + j) % expressions.length]!} * ${1 + ((k * batch + j) % 7)}` }));
      const evalRounds = Math.max(3, Math.min(rounds, 10));
      const last = (await time(EVALUATOR.queue, EVALUATOR.task, (k) => ({ candidates: candidates(k), correlateWithLibrary: true }), EVALUATOR.queue, evalRounds)) as { results: Evaluation[] };
      const entries = last.results.filter((r) => r.ok).map((r, j): { entry: LibraryEntry; libraryCorrelation: null } => ({
        entry: {
          id: r.id,
          name: `factor ${j}`,
          expression: candidates(evalRounds - 1)[j]!.expression,
          hypothesis,
          description: 'd',
          family: 'unset',
          specialist: 'reversal',
          origin: 'init',
          parents: [],
          generation: 0,
          trajectory: r.id,
          metrics: r.metrics!,
          complexity: 10,
        },
        libraryCorrelation: null,
      }));
      await time(LIBRARIAN.queue, LIBRARIAN.task, (k) => ({ generation: k, candidates: entries }), LIBRARIAN.queue, 3);
      return { machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? 'unknown', node: process.version }, data: label, startMs, latencies };
    } finally {
      await agents.stop();
    }
  } finally {
    await bus.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatAgentsBench(r: AgentsBenchResult): string {
  const pad = (s: string, n: number): string => s.padEnd(n);
  return [
    `agents benchmark (${r.machine.cpus} cpus, ${r.machine.cpuModel}, node ${r.machine.node}; offline research model, not an LLM; data: ${r.data})`,
    `  33 agents hosted in ${r.startMs} ms`,
    ...r.latencies.map((l) => `  ${pad(l.agent, 16)} ${pad(l.task, 18)} p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, mean ${l.meanMs} ms (n=${l.samples})`),
  ].join('\n');
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = option('data');
  const result = await runAgentsBench({
    ...(option('rounds') ? { rounds: Number(option('rounds')) } : {}),
    ...(option('batch') ? { batch: Number(option('batch')) } : {}),
    ...(dir
      ? { data: { dir, universe: option('universe') ?? 'csi300', train: option('train') ?? '2010-01-01:2018-12-31', valid: option('valid') ?? '2019-01-01:2019-12-31' } }
      : {}),
  });
  console.log(formatAgentsBench(result));
  if (process.argv.includes('--json')) console.log(JSON.stringify(result, null, 2));
}
