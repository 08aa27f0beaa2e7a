/**
 * Parallel evaluation: a Piscina pool of worker threads (worker.ts) that
 * hold the panel once, shared (its arrays are SharedArrayBuffers), and
 *
 *   fitness        score batches of factor expressions for agents: train and
 *                  valid only (AgentSplits), small metric objects back
 *   values         compute factors into new SharedArrayBuffer arrays
 *   evaluateBatch  a large batch (Alpha158) in chunks sized to a memory budget
 *   countMissing   each factor's missing member cells, counted in the workers
 *                  as blocks stream out of their engines (nothing whole held)
 *
 * Values are split by instruments, each worker computing every factor for
 * its own contiguous range (common subexpressions still shared, and one
 * expression's instruments spread over all workers); factors with
 * cross-sectional operators need whole days, so those batches are split by
 * factor instead. A task that fails, crashes its worker or runs past the
 * timeout rejects with an EvaluationError; the pool replaces the worker.
 */

import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { Node } from '../operators/ast.js';
import { compileLabel } from '../operators/compile.js';
import { operator } from '../operators/registry.js';
import { EvaluationError, FactorEngine } from './engine.js';
import type { AgentSplits, ScoreOptions } from './metrics/index.js';
import { sharedFloat64, type Panel } from './panel.js';
import type { CandidateFitness, MissingDone, ValuesDone, WorkerSetup, WorkerTask } from './worker.js';

export type { CandidateFitness } from './worker.js';

/** qlib's default label: buy at the next close, sell at the close after. */
export const DEFAULT_LABEL = 'Ref($close,-2)/Ref($close,-1)-1';

export interface PoolOptions {
  /** Worker threads. Default: the machine's available parallelism. */
  readonly workers?: number;
  /** Universe membership (N*T) for cross-sectional operators and scoring; null = every instrument with data. */
  readonly universe?: Uint8Array | null;
  /** Agent scoring: the label expression (default DEFAULT_LABEL) and the agents' splits. */
  readonly scoring?: { readonly label?: string; readonly splits: AgentSplits; readonly options?: ScoreOptions };
  /** A task still running after this long is stopped (its worker replaced) and reported as an error. Default 120 s. */
  readonly taskTimeoutMs?: number;
}

export interface BatchOptions {
  /** Exclusive day index: compute nothing on or after it. */
  readonly lastDay?: number;
  /** Bytes of shared result arrays a batch may hold at once (sets the chunk size). Default 512 MiB. */
  readonly resultBudgetBytes?: number;
}

/** Expressions per fitness task: small enough to spread over the workers, large enough to share subexpressions. */
const FITNESS_BATCH = 16;

export class EvaluationPool {
  private readonly piscina: Piscina<WorkerTask, CandidateFitness[] | ValuesDone | MissingDone>;
  private readonly timeoutMs: number;
  /** Shared result arrays of evaluateBatch, reused across calls (fresh ones would pile up until both sides collect them). */
  private readonly resultBuffers: Float64Array[] = [];

  private constructor(
    private readonly panel: Panel,
    readonly workers: number,
    setup: WorkerSetup,
    timeoutMs: number,
  ) {
    this.timeoutMs = timeoutMs;
    this.piscina = new Piscina({
      filename: workerFile(),
      minThreads: workers,
      maxThreads: workers,
      idleTimeout: Infinity,
      workerData: setup,
    });
  }

  /** Starts the workers; with `scoring`, computes the label once (clipped at splits.lastDay) and shares it. */
  static create(panel: Panel, options: PoolOptions = {}): EvaluationPool {
    const workers = options.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be an integer >= 1, got ${workers}`);
    const universe = options.universe ?? null;
    let scoring: WorkerSetup['scoring'] = null;
    if (options.scoring) {
      const { splits } = options.scoring;
      const label = compileLabel(options.scoring.label ?? DEFAULT_LABEL, { fields: new Set(Object.keys(panel.fields)) });
      if (!label.ok) throw new EvaluationError(`label: ${label.error.message}`);
      // Clipped at lastDay: labels of the last valid days, which need test-period prices, are missing.
      const values = sharedFloat64(panel.N * panel.T);
      new FactorEngine(panel, { universe, lastDay: splits.lastDay }).evaluateInto([label.ast], [values]);
      scoring = { label: values, splits, ...(options.scoring.options ? { options: options.scoring.options } : {}) };
    }
    return new EvaluationPool(panel, workers, { panel, universe, scoring }, options.taskTimeoutMs ?? 120_000);
  }

  /** The live worker threads (for monitoring; terminating one fails its task, and the pool replaces it). */
  get threads(): readonly Worker[] {
    return this.piscina.threads;
  }

  /**
   * Scores each expression for agents (compile, evaluate clipped at the
   * splits' lastDay, fitness on train and valid), in the given order.
   * Expressions that do not compile or evaluate get `{ ok: false, error }`;
   * a failed or timed-out task rejects.
   */
  async fitness(expressions: readonly string[]): Promise<CandidateFitness[]> {
    const batches: string[][] = [];
    for (let k = 0; k < expressions.length; k += FITNESS_BATCH) batches.push(expressions.slice(k, k + FITNESS_BATCH));
    const results = await Promise.all(batches.map((batch) => this.run({ kind: 'fitness', expressions: batch })));
    return (results as CandidateFitness[][]).flat();
  }

  /** Computes each factor into a new N*T array backed by a SharedArrayBuffer. */
  async values(roots: readonly Node[], options: Pick<BatchOptions, 'lastDay'> = {}): Promise<Float64Array[]> {
    const outputs = roots.map(() => sharedFloat64(this.panel.N * this.panel.T));
    await this.computeInto(roots, outputs, options.lastDay);
    return outputs;
  }

  /**
   * Evaluates many factors in chunks whose shared result arrays fit the
   * budget, handing each result to `onResult` in order; a result array is
   * only valid until the callback's promise settles (it is reused).
   */
  async evaluateBatch(
    roots: readonly Node[],
    onResult: (index: number, values: Float64Array) => void | Promise<void>,
    options: BatchOptions = {},
  ): Promise<void> {
    const cells = this.panel.N * this.panel.T;
    const perChunk = Math.max(1, Math.floor((options.resultBudgetBytes ?? 512 * 1024 * 1024) / (8 * Math.max(cells, 1))));
    const buffers: Float64Array[] = [];
    try {
      for (let c = 0; c < roots.length; c += perChunk) {
        const chunk = roots.slice(c, c + perChunk);
        while (buffers.length < chunk.length) buffers.push(this.resultBuffers.pop() ?? sharedFloat64(cells));
        const outputs = buffers.slice(0, chunk.length);
        await this.computeInto(chunk, outputs, options.lastDay);
        for (let k = 0; k < chunk.length; k++) await onResult(c + k, outputs[k]!);
      }
    } finally {
      this.resultBuffers.push(...buffers);
    }
  }

  /**
   * Each factor's NaN or +-inf cells among the pool's universe members (the
   * pool must have a universe), split as computeInto splits values.
   */
  async countMissing(roots: readonly Node[]): Promise<Float64Array> {
    const counts = new Float64Array(roots.length);
    if (roots.some(hasCrossSectional)) {
      const per = Math.ceil(roots.length / this.workers);
      const parts: Promise<void>[] = [];
      for (let k = 0; k < roots.length; k += per) {
        const task: WorkerTask = { kind: 'missing', roots: roots.slice(k, k + per), from: 0, to: this.panel.N };
        parts.push(this.run(task).then((done) => counts.set((done as MissingDone).counts, k)));
      }
      await Promise.all(parts);
    } else {
      const done = await Promise.all(instrumentRanges(this.panel, this.workers).map(([from, to]) => this.run({ kind: 'missing', roots, from, to })));
      for (const part of done) (part as MissingDone).counts.forEach((c, k) => (counts[k]! += c));
    }
    return counts;
  }

  async close(): Promise<void> {
    await this.piscina.destroy();
  }

  /** Splits the work over the workers: by instrument range, or by factor when cross-sectional operators need whole days. */
  private async computeInto(roots: readonly Node[], outputs: readonly Float64Array[], lastDay: number | undefined): Promise<void> {
    const day = lastDay === undefined ? {} : { lastDay };
    const tasks: WorkerTask[] = [];
    if (roots.some(hasCrossSectional)) {
      const per = Math.ceil(roots.length / this.workers);
      for (let k = 0; k < roots.length; k += per) {
        tasks.push({ kind: 'values', roots: roots.slice(k, k + per), outputs: outputs.slice(k, k + per), from: 0, to: this.panel.N, ...day });
      }
    } else {
      for (const [from, to] of instrumentRanges(this.panel, this.workers)) tasks.push({ kind: 'values', roots, outputs, from, to, ...day });
    }
    await Promise.all(tasks.map((task) => this.run(task)));
  }

  private async run(task: WorkerTask): Promise<CandidateFitness[] | ValuesDone | MissingDone> {
    try {
      return await this.piscina.run(task, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const aborted = error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
      const reason = aborted ? `stopped after ${this.timeoutMs} ms` : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new EvaluationError(`evaluation worker task (${task.kind}) failed: ${reason}`, { cause: error });
    }
  }
}

/** Contiguous instrument ranges with about equal numbers of own days each. */
export function instrumentRanges(panel: Panel, parts: number): [number, number][] {
  let total = 0;
  for (let i = 0; i < panel.N; i++) total += Math.max(0, panel.end[i]! - panel.start[i]!);
  const ranges: [number, number][] = [];
  let from = 0;
  let done = 0;
  for (let i = 0; i < panel.N && ranges.length < parts - 1; i++) {
    done += Math.max(0, panel.end[i]! - panel.start[i]!);
    if (done >= (total * (ranges.length + 1)) / parts && i + 1 < panel.N) {
      ranges.push([from, i + 1]);
      from = i + 1;
    }
  }
  if (from < panel.N) ranges.push([from, panel.N]);
  return ranges;
}

function hasCrossSectional(node: Node): boolean {
  return node.kind === 'call' && (operator(node.op)?.category === 'crossSectional' || node.args.some(hasCrossSectional));
}

/** dist/evaluator/worker.js beside this file when compiled; from the TypeScript sources (tests), the compiled one in dist/. */
function workerFile(): string {
  const here = fileURLToPath(import.meta.url);
  const file = here.endsWith('.js') ? join(dirname(here), 'worker.js') : resolve(dirname(here), '../dist/evaluator/worker.js');
  if (!existsSync(file)) throw new EvaluationError(`evaluation worker ${file} not found: build first (npm run build)`);
  return file;
}
