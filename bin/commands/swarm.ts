/**
 * `alphaswarm swarm` (`npm run swarm`): run a mining swarm. With no options
 * it mines the embedded synthetic market with the offline research model;
 * `--data DIR --universe U --train A:B --valid A:B` mine real data. It starts
 * the run's bus (an embedded nats-server unless --nats), hosts the built-in
 * agents, and runs the supervisor graph (graphs/), printing one progress line
 * per generation on stderr and writing the run directory:
 *
 *   run.json                 run id, NATS URL (agent role), data, splits, seed, options, how to trace it
 *   swarm.json               the options the run was started with (what --resume reads)
 *   library.json             accepted factors, rewritten atomically after every generation
 *   trajectories.jsonl       every candidate's path, its latest state
 *   diagnostics/gen-N.json   per generation: distributions, rejections, families, yields, timings
 *   checkpoints/             the graph's checkpoints (resume continues from the last node)
 *   report.json              at the end: the library against Alpha20 on valid, planted signals
 *                            recovered (synthetic market), and with --test, test-period metrics
 *   nats/                    the embedded server's store and credentials
 *
 * `--resume DIR` continues a stopped or killed run from its last completed
 * node: same run id, same store, agents hosted again. Only this entry point
 * opens the test period (evaluator/metrics/finalReport.ts), after the search.
 */
import { existsSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError, optionsHelp, parseArgs, type OptionSpec, type ParsedArgs } from '../args.js';
import { RUN_FILES } from '../../graphs/outputs.js';
import { waitForReview } from '../../graphs/review.js';
import type { SwarmSettings, SwarmStateType, Usage } from '../../graphs/state.js';
import { Supervisor } from '../../graphs/supervisor.js';
import { LLM_CLI_OPTIONS, LlmClient, loadLlmConfig, type LlmConfig } from '../../agents/llm/index.js';
import { swarmEnvironment } from '../../agents/modelCall.js';
import { ROLE_KINDS } from '../../agents/roles.js';
import { startBuiltinAgents } from '../../agents/host.js';
import { offlineResearchModel } from '../../agents/offline/index.js';
import { ALPHA20 } from '../../evaluator/libraries/alpha20.js';
import { EvaluationPool } from '../../evaluator/pool.js';
import { AgentRegistry, RunStore, newRunId, readRunInfo, startBus, type StartedBus } from '../../runtime/index.js';
import { writePrivate } from '../../runtime/runDir.js';
import { openSwarmData, type SwarmDataOptions } from '../swarmData.js';
import { writeSwarmReport } from '../swarmReport.js';

const OPTIONS: Record<string, OptionSpec> = {
  data: { type: 'string', description: 'qlib data directory or directory of CSV files; default: the embedded synthetic market' },
  universe: { type: 'string', description: "universe (qlib: instruments/<U>.txt, point-in-time); default 'all'" },
  train: { type: 'string', description: 'train period START:END; default the first 60% of the calendar' },
  valid: { type: 'string', description: 'valid period START:END; default the next 20%' },
  test: { type: 'string', description: 'test period START:END, for the final report only (agents never see it)' },
  generations: { type: 'string', description: 'generations to run; default 4' },
  population: { type: 'string', description: 'fresh proposals per injection, and children per generation; default 96 (CogAlpha\'s children pool)' },
  'inject-every': { type: 'string', description: 'fresh specialist proposals join every K generations; default 2' },
  seed: { type: 'string', description: "the run's seed (and the synthetic market's, without --data); default 1" },
  'run-dir': { type: 'string', description: 'run directory; default runs/<run-id>' },
  nats: { type: 'string', description: 'an existing NATS server with JetStream; default: an embedded nats-server' },
  resume: { type: 'string', description: 'continue the stopped or killed run in this directory' },
  direction: { type: 'string', multiple: true, description: 'a research direction for the planner (repeatable)' },
  review: { type: 'boolean', description: 'stop after selection every generation for `alphaswarm review`' },
  ...Object.fromEntries(Object.entries(LLM_CLI_OPTIONS).map(([k, v]) => [k, { ...v }])),
  help: { type: 'boolean', description: 'show this help' },
};

const USAGE = `usage: alphaswarm swarm [--data DIR --universe U --train A:B --valid A:B [--test A:B]] [--generations N] [--seed S]
                       [--run-dir DIR] [--nats URL] [--direction TEXT]... [--review] [--population N] [--inject-every K]
       alphaswarm swarm --resume DIR

Mines factor libraries with the swarm: plans, proposes, builds, verifies,
repairs, evaluates, selects, evolves and curates, generation after
generation. Without an LLM endpoint (--llm-model or ALPHASWARM_LLM_MODEL)
every model role is answered by the embedded offline research model.

${optionsHelp(OPTIONS)}`;

/** What a run was started with; swarm.json keeps it for --resume. */
interface SwarmOptions extends SwarmDataOptions {
  readonly run: string;
  readonly runDir: string;
  readonly nats: string | null;
  readonly settings: SwarmSettings;
  readonly directions: readonly string[];
  /** The LLM options given on the command line (keys from LLM_CLI_OPTIONS; API keys never). */
  readonly llm: Readonly<Record<string, string>>;
}

const DEFAULTS = { generations: 4, population: 96, injectEvery: 2, maxRounds: 3, concurrency: 8, directions: 8 };

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, OPTIONS, 'swarm');
  if (args.options.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`swarm: unexpected argument ${JSON.stringify(args.positionals[0])} (options start with --)`);
  const options = typeof args.options.resume === 'string' ? resumeOptions(args) : newOptions(args);
  const llmConfig = loadLlmConfig({ options: options.llm });
  const log = (line: string): void => void process.stderr.write(`${line}\n`);

  const data = openSwarmData(options);
  for (const note of data.notes) log(`alphaswarm swarm: note: ${note}`);

  const started = await startBus({ run: options.run, runDir: options.runDir, ...(options.nats ? { natsUrl: options.nats } : {}) });
  const stopping = new AbortController();
  const onSignal = (): void => stopping.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    writeRunJson(options, started, data.description);
    writePrivate(join(options.runDir, 'swarm.json'), `${JSON.stringify(options, null, 2)}\n`);
    log(`alphaswarm swarm: run ${options.run} in ${options.runDir} on ${data.description}; trace it with: npx alphaswarm trace --run-dir ${options.runDir} (or --nats URL --run ${options.run} --follow while it runs; URL in run.json)`);
    const finished = await mine(options, data, started, llmConfig, log, stopping.signal);
    if (finished === null) {
      log(`alphaswarm swarm: stopped; the last completed step is checkpointed; continue with: npm run swarm -- --resume ${options.runDir}`);
      await started.bus.close();
      // Requests of the abandoned step may still be waiting on their timers: leave now.
      process.exit(130);
    }
    const report = await writeSwarmReport(options.runDir, finished, data);
    for (const line of report.summary) log(`alphaswarm swarm: ${line}`);
    return 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await started.bus.close();
  }
}

/** Runs (or resumes) the supervisor with the built-in agents hosted in this process; null when stopped by a signal. */
async function mine(options: SwarmOptions, data: ReturnType<typeof openSwarmData>, started: StartedBus, llmConfig: LlmConfig, log: (line: string) => void, signal: AbortSignal): Promise<SwarmStateType | null> {
  const { bus } = started;
  const env = swarmEnvironment(data.fields);
  const offlineModel = offlineResearchModel({ seed: options.settings.seed, environment: { fields: new Set(data.fields), limits: {} } });
  const llm = new LlmClient({ config: llmConfig, roles: ROLE_KINDS, offlineModel, seed: options.settings.seed });
  const offline = llmConfig.defaults.endpoint === null && Object.values(llmConfig.roles).every((r) => r.endpoint === null);
  const registry = await AgentRegistry.open(bus);
  const store = await RunStore.open(bus);
  // Factor values are computed by worker threads holding the shared panel (the scoring stays in the evaluator).
  const pool = EvaluationPool.create(data.panel, { workers: availableParallelism(), universe: data.evaluation.universe });
  const agents = await startBuiltinAgents(bus, { llm, env, evaluation: data.evaluation, pool, runStore: store, seed: options.settings.seed });
  try {
    const usage = (): Usage => {
      const u = llm.usage();
      return { tokens: u.inputTokens + u.outputTokens, costUsd: u.costUsd, calls: u.calls, offline };
    };
    const supervisor = await Supervisor.open(bus, {
      runDir: options.runDir,
      registry,
      store,
      builtinSpecialists: new Set(agents.specialists),
      seedPool: ALPHA20.map((f) => ({ name: f.name, expression: f.expression })),
      usage,
      budgetExhausted: () => llm.usage().budget.exhausted,
      timeouts: { model: Math.max(60_000, llmConfig.timeoutMs * (llmConfig.maxRetries + 2)), evaluate: 1_800_000, retries: 1 },
      progress: log,
    });
    const reviewer = (pending: Parameters<typeof waitForReview>[2]) => waitForReview(bus, supervisor.outputs, pending, log);
    const phase = await supervisor.phase();
    if (phase !== 'new') log(phase === 'finished' ? 'resume: the run had already finished; nothing to do' : `resume: continuing from the last completed node (${phase})`);
    const work = phase === 'new' ? supervisor.start(options.settings, options.directions, reviewer) : supervisor.resume(reviewer);
    const stopped = new Promise<null>((resolve) => signal.addEventListener('abort', () => resolve(null), { once: true }));
    work.catch(() => {}); // after a stop, the abandoned step's failure is expected
    return await Promise.race([work, stopped]);
  } finally {
    registry.close();
    await agents.stop();
    await pool.close();
  }
}

function intOption(args: ParsedArgs, name: string, fallback: number, min: number, max: number): number {
  const raw = args.options[name];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw.trim()) || value < min || value > max) throw new UsageError(`swarm: --${name} must be an integer in ${min}..${max}, got ${JSON.stringify(raw)}`);
  return value;
}

function stringOption(args: ParsedArgs, name: string): string | undefined {
  const raw = args.options[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || raw.trim() === '') throw new UsageError(`swarm: --${name} needs a non-empty value`);
  return raw;
}

function llmOptions(args: ParsedArgs): Record<string, string> {
  return Object.fromEntries(Object.keys(LLM_CLI_OPTIONS).flatMap((k) => (typeof args.options[k] === 'string' ? [[k, args.options[k] as string]] : [])));
}

function newOptions(args: ParsedArgs): SwarmOptions {
  const run = newRunId();
  const runDir = resolve(stringOption(args, 'run-dir') ?? join('runs', run));
  if (existsSync(join(runDir, RUN_FILES.checkpoints))) throw new UsageError(`swarm: ${runDir} already holds a run; continue it with --resume ${runDir}, or choose another --run-dir`);
  const seed = intOption(args, 'seed', 1, 0, 2 ** 31 - 1);
  const directions = ((args.options.direction as string[] | undefined) ?? []).map((d) => d.trim()).filter((d) => d !== '');
  return {
    run,
    runDir,
    nats: stringOption(args, 'nats') ?? null,
    data: stringOption(args, 'data') ?? null,
    universe: stringOption(args, 'universe') ?? 'all',
    train: stringOption(args, 'train') ?? null,
    valid: stringOption(args, 'valid') ?? null,
    test: stringOption(args, 'test') ?? null,
    seed,
    settings: {
      generations: intOption(args, 'generations', DEFAULTS.generations, 1, 1000),
      population: intOption(args, 'population', DEFAULTS.population, 1, 256),
      injectEvery: intOption(args, 'inject-every', DEFAULTS.injectEvery, 1, 1000),
      maxRounds: DEFAULTS.maxRounds,
      concurrency: DEFAULTS.concurrency,
      seed,
      review: args.options.review === true,
      directions: DEFAULTS.directions,
    },
    directions,
    llm: llmOptions(args),
  };
}

/** --resume DIR: the options the run started with; only LLM options may be given again (e.g. a new budget). */
function resumeOptions(args: ParsedArgs): SwarmOptions {
  const runDir = resolve(args.options.resume as string);
  const others = Object.keys(args.options).filter((k) => k !== 'resume' && !(k in LLM_CLI_OPTIONS) && args.options[k] !== undefined);
  if (others.length > 0) throw new UsageError(`swarm: --resume continues the run as it was started; drop ${others.map((k) => `--${k}`).join(', ')}`);
  let saved: SwarmOptions;
  try {
    saved = JSON.parse(readFileSync(join(runDir, 'swarm.json'), 'utf8')) as SwarmOptions;
  } catch {
    throw new UsageError(`swarm: ${runDir} is not a swarm run directory (no readable swarm.json)`);
  }
  const info = readRunInfo(runDir);
  if (info.run !== saved.run) throw new UsageError(`swarm: ${runDir}: run.json names run ${info.run} but swarm.json ${saved.run}`);
  return { ...saved, runDir, llm: { ...saved.llm, ...llmOptions(args) } };
}

function writeRunJson(options: SwarmOptions, started: StartedBus, description: string): void {
  const { run: _, runDir: __, llm: ___, ...rest } = options;
  const info = {
    ...started.info,
    data: options.data,
    source: description,
    universe: options.universe,
    splits: { train: options.train, valid: options.valid, test: options.test },
    seed: options.seed,
    options: rest,
    trace: {
      replay: `npx alphaswarm trace --run-dir ${options.runDir}`,
      live: `npx alphaswarm trace --nats "$(jq -r .nats ${join(options.runDir, 'run.json')})" --run ${options.run} --follow`,
    },
  };
  // Owner-only, like the runtime's: the URL carries the agent role's credentials.
  writePrivate(join(options.runDir, 'run.json'), `${JSON.stringify(info, null, 2)}\n`);
}
