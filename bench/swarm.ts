/**
 * Benchmark of the mining swarm end to end: `alphaswarm swarm` run as a child
 * process with the embedded offline research model (deterministic, not an
 * LLM), then its run directory read back:
 *
 *   diagnostics/gen-*.json   per graph node wall seconds and agent requests
 *   report.json              the run's seconds, model usage, per-generation history
 *
 * Reported: wall seconds, candidates generated and evaluated, evaluated
 * candidates per wall minute, and where the time goes (model-backed agent
 * nodes, evaluation, library curation, the rest). The bus share is an
 * ESTIMATE: agent requests x the Bus.request -> serve round-trip p50 measured
 * by bench/bus.ts on an embedded nats-server (same binary, loopback); the
 * swarm's own requests overlap within a node, so this is the bus time summed
 * over requests, not what it adds to the wall clock.
 *
 *   npm run build && node dist/bench/swarm.js [--data DIR --universe U --train A:B --valid A:B]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { BUILTIN_SPECIALIST_NAMES } from '../agents/builtinSpecialists.js';
import { runBusBench } from './bus.js';

export interface SwarmBenchOptions {
  readonly generations: number;
  readonly population: number;
  readonly seed: number;
  /** Extra `alphaswarm swarm` arguments (e.g. --data ... --universe ...). */
  readonly dataArgs: readonly string[];
  /** Measured Bus.request round-trip p50 in µs, for the bus estimate. */
  readonly busRttP50Us: number;
}

interface RequestTiming {
  readonly count: number;
  readonly seconds: number;
  readonly failed: number;
}

interface StageTiming {
  readonly wallSeconds: number;
  readonly requests: Readonly<Record<string, RequestTiming>>;
}

interface GenerationDiagnostics {
  readonly generation: number;
  readonly summary: { readonly candidates: number; readonly evaluated: number };
  readonly timings: Readonly<Record<string, StageTiming>>;
}

interface SwarmReport {
  readonly seconds: number;
  readonly usage: { readonly calls: number; readonly tokens: number; readonly offline: boolean };
  readonly history: ReadonlyArray<{ readonly candidates: number; readonly evaluated: number; readonly accepted: number }>;
  readonly library: { readonly size: number };
}

export interface SwarmBenchResult {
  readonly wallSeconds: number;
  readonly runSeconds: number;
  readonly generations: number;
  readonly candidates: number;
  readonly evaluated: number;
  readonly accepted: number;
  readonly librarySize: number;
  readonly modelCalls: number;
  readonly offline: boolean;
  /** Graph node -> wall seconds summed over generations. */
  readonly nodes: Readonly<Record<string, number>>;
  /** Agent queue -> requests summed over nodes and generations. */
  readonly queues: Readonly<Record<string, RequestTiming>>;
  readonly busRttP50Us: number;
}

/** Graph nodes whose work is asking model-backed agents (planner, specialists, builder, verifier, improver, repair, analyst, evolution). */
const MODEL_NODES = ['plan', 'schedule', 'propose', 'build', 'verify', 'repair', 'improve', 'analyse', 'evolve'] as const;
const EVALUATION_NODES = ['initialise', 'evaluate'] as const;
const CURATION_NODES = ['curate'] as const;

const here = dirname(fileURLToPath(import.meta.url));
const cli = resolve(here, '../bin/alphaswarm.js');

/** Runs the swarm in a temporary run directory, reads it back, removes it. */
export function runSwarmBench(options: SwarmBenchOptions): SwarmBenchResult {
  const tmp = mkdtempSync(join(tmpdir(), 'alphaswarm-swarm-bench-'));
  const runDir = join(tmp, 'run');
  try {
    const args = ['swarm', '--generations', `${options.generations}`, '--population', `${options.population}`, '--seed', `${options.seed}`, '--run-dir', runDir, ...options.dataArgs];
    const started = performance.now();
    const run = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
    const wallSeconds = (performance.now() - started) / 1000;
    if (run.status !== 0) throw new Error(`alphaswarm swarm exited ${run.status}: ${run.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    return summarise(readReport(runDir), readDiagnostics(runDir), wallSeconds, options.busRttP50Us);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

function readReport(runDir: string): SwarmReport {
  return JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as SwarmReport;
}

function readDiagnostics(runDir: string): GenerationDiagnostics[] {
  const dir = join(runDir, 'diagnostics');
  return readdirSync(dir)
    .filter((f) => /^gen-\d+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as GenerationDiagnostics)
    .sort((a, b) => a.generation - b.generation);
}

function summarise(report: SwarmReport, generations: readonly GenerationDiagnostics[], wallSeconds: number, busRttP50Us: number): SwarmBenchResult {
  const nodes: Record<string, number> = {};
  const queues: Record<string, { count: number; seconds: number; failed: number }> = {};
  for (const g of generations) {
    for (const [node, timing] of Object.entries(g.timings)) {
      nodes[node] = (nodes[node] ?? 0) + timing.wallSeconds;
      for (const [queue, r] of Object.entries(timing.requests)) {
        const q = (queues[queue] ??= { count: 0, seconds: 0, failed: 0 });
        q.count += r.count;
        q.seconds += r.seconds;
        q.failed += r.failed;
      }
    }
  }
  const total = (key: 'candidates' | 'evaluated' | 'accepted'): number => report.history.reduce((s, h) => s + h[key], 0);
  return {
    wallSeconds,
    runSeconds: report.seconds,
    generations: generations.length,
    candidates: total('candidates'),
    evaluated: total('evaluated'),
    accepted: total('accepted'),
    librarySize: report.library.size,
    modelCalls: report.usage.calls,
    offline: report.usage.offline,
    nodes,
    queues,
    busRttP50Us,
  };
}

const sumOf = (nodes: Readonly<Record<string, number>>, names: readonly string[]): number => names.reduce((s, n) => s + (nodes[n] ?? 0), 0);
const sec = (v: number): string => `${v.toFixed(2)} s`;
const pct = (part: number, whole: number): string => `${((100 * part) / whole).toFixed(0)}%`;

/** The built-in specialists' queues (one per specialist) as one line. */
function foldSpecialists(queues: Readonly<Record<string, RequestTiming>>): Record<string, RequestTiming> {
  const out: Record<string, RequestTiming> = {};
  const specialists = { count: 0, seconds: 0, failed: 0 };
  let n = 0;
  for (const [queue, t] of Object.entries(queues)) {
    if (!BUILTIN_SPECIALIST_NAMES.has(queue)) out[queue] = t;
    else (n++, (specialists.count += t.count), (specialists.seconds += t.seconds), (specialists.failed += t.failed));
  }
  if (n) out[`specialists (${n} queues)`] = specialists;
  return out;
}

export function formatSwarmBench(r: SwarmBenchResult, label: string): string {
  const graphSeconds = Object.values(r.nodes).reduce((a, b) => a + b, 0);
  const model = sumOf(r.nodes, MODEL_NODES);
  const evaluation = sumOf(r.nodes, EVALUATION_NODES);
  const curation = sumOf(r.nodes, CURATION_NODES);
  const otherNodes = graphSeconds - model - evaluation - curation;
  const requests = Object.values(r.queues).reduce((s, q) => s + q.count, 0);
  const busSeconds = (requests * r.busRttP50Us) / 1e6;
  const share = (v: number): string => `${sec(v).padStart(9)} (${pct(v, r.wallSeconds)} of wall)`;
  const modelDetail = MODEL_NODES.filter((n) => r.nodes[n] !== undefined).map((n) => `${n} ${r.nodes[n]!.toFixed(2)}`).join(', ');
  const queueLines = Object.entries(foldSpecialists(r.queues))
    .sort((a, b) => b[1].seconds - a[1].seconds)
    .map(([q, t]) => `    ${q.padEnd(24)} ${`${t.count}`.padStart(5)} requests, ${sec(t.seconds).padStart(8)} summed${t.failed ? `, ${t.failed} failed` : ''}`);
  return [
    `${label}: ${r.generations} generations, ${r.offline ? 'offline research model (not an LLM)' : 'LLM'}, ${r.modelCalls} model calls`,
    `  wall ${sec(r.wallSeconds)} (child process: start, nats-server, data, graph, report); the run's own seconds ${sec(r.runSeconds)}`,
    `  candidates ${r.candidates} generated, ${r.evaluated} evaluated, ${r.accepted} accepted (library ${r.librarySize})`,
    `  ${(r.evaluated / (r.wallSeconds / 60)).toFixed(0)} evaluated candidates per wall minute (${(r.evaluated / (r.runSeconds / 60)).toFixed(0)} per minute of the run's own seconds)`,
    `  time split (node wall seconds summed over generations):`,
    `    model-backed agent nodes ${share(model)}: ${modelDetail}`,
    `    evaluation               ${share(evaluation)}: ${EVALUATION_NODES.map((n) => `${n} ${(r.nodes[n] ?? 0).toFixed(2)}`).join(', ')}`,
    `    library curation         ${share(curation)}`,
    `    other graph nodes        ${share(otherNodes)} (select, combine, nextGeneration, ...)`,
    `    outside the graph        ${share(r.wallSeconds - graphSeconds)} (process and nats-server start, data load, final report)`,
    `    bus (ESTIMATE)           ${sec(busSeconds).padStart(9)} = ${requests} agent requests x ${r.busRttP50Us} µs Bus.request round-trip p50 (bench/bus.ts, echo worker, sequential);` +
      ` included in the node times above, and requests within a node overlap, so this is summed bus time, not wall`,
    `  agent requests per queue (round trips summed; concurrent ones overlap):`,
    ...queueLines,
  ].join('\n');
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? undefined : process.argv[i + 1];
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rtt = (await runBusBench({ messages: 2000, requests: 300 })).workQueueRequest.p50Us;
  const data = option('data');
  const dataArgs = data ? ['--data', data, '--universe', option('universe') ?? 'csi300', '--train', option('train') ?? '2010-01-01:2018-12-31', '--valid', option('valid') ?? '2019-01-01:2019-12-31'] : [];
  const result = runSwarmBench({ generations: 2, population: 64, seed: 1, dataArgs, busRttP50Us: rtt });
  console.log(formatSwarmBench(result, data ? `swarm on ${data}` : 'swarm on the synthetic market'));
}
