/**
 * A Piscina worker of the evaluation pool (pool.ts). It receives the panel
 * once, as workerData (its arrays are SharedArrayBuffers, so nothing is
 * copied), and then runs tasks:
 *
 *   fitness  compile and evaluate a batch of factor expressions (common
 *            subexpressions shared), score each on train and valid only,
 *            and return small metric objects, or why an expression failed
 *   values   evaluate factor trees over a range of instruments, writing
 *            straight into the caller's shared output arrays
 *   missing  evaluate factor trees over a range of instruments block by
 *            block and return each one's missing member cells (missingCells.ts)
 *
 * Nothing in an expression can crash the worker: compilation never throws,
 * and evaluation errors are caught per expression.
 */

import { isMainThread, workerData } from 'node:worker_threads';
import type { Node } from '../operators/ast.js';
import { compileFactor } from '../operators/compile.js';
import { FactorEngine } from './engine.js';
import { instrumentRange } from './engine/instrumentRange.js';
import { countMissing } from './missingCells.js';
import { createAgentContexts, fitnessForAgents, type AgentContexts, type AgentFitness } from './metrics/index.js';
import type { AgentSplits, ScoreOptions } from './metrics/index.js';
import type { Panel } from './panel.js';

/** What every worker receives once. */
export interface WorkerSetup {
  readonly panel: Panel;
  readonly universe: Uint8Array | null;
  /** Agent scoring: the label's values (shared, computed clipped at splits.lastDay) and the splits. */
  readonly scoring: { readonly label: Float64Array; readonly splits: AgentSplits; readonly options?: ScoreOptions } | null;
}

export interface FitnessTask {
  readonly kind: 'fitness';
  readonly expressions: readonly string[];
}

export interface ValuesTask {
  readonly kind: 'values';
  readonly roots: readonly Node[];
  /** One shared N*T array per root; the worker writes instruments [from, to) of each. */
  readonly outputs: readonly Float64Array[];
  readonly from: number;
  readonly to: number;
  /** Exclusive day index, as the engine's option. */
  readonly lastDay?: number;
}

export interface MissingTask {
  readonly kind: 'missing';
  readonly roots: readonly Node[];
  /** Instruments [from, to) of the panel. */
  readonly from: number;
  readonly to: number;
}

export type WorkerTask = FitnessTask | ValuesTask | MissingTask;

/** One scored candidate: its canonical form and train/valid fitness, or why it has none. */
export type CandidateFitness =
  | { readonly ok: true; readonly canonical: string; readonly hash: string; readonly fitness: AgentFitness }
  | { readonly ok: false; readonly error: string };

export interface ValuesDone {
  readonly kind: 'values';
  readonly milliseconds: number;
}

export interface MissingDone {
  readonly kind: 'missing';
  /** Per root, its NaN or +-inf cells among the universe's members in [from, to). */
  readonly counts: Float64Array;
}

// Piscina hands its workerData option to each worker thread as worker_threads' workerData.
const setup = isMainThread ? undefined : (workerData as WorkerSetup);
let contexts: AgentContexts | undefined;
let scoringEngine: FactorEngine | undefined;

function workerSetup(): WorkerSetup {
  if (!setup) throw new Error('evaluation worker started without its panel');
  return setup;
}

export default function run(task: WorkerTask): CandidateFitness[] | ValuesDone | MissingDone {
  if (task.kind === 'fitness') return fitness(task.expressions);
  if (task.kind === 'values') return values(task);
  if (task.kind === 'missing') return missing(task);
  throw new Error(`evaluation worker: unknown task ${(task as { kind?: unknown }).kind}`);
}

function fitness(expressions: readonly string[]): CandidateFitness[] {
  const { panel, universe, scoring } = workerSetup();
  if (!scoring) throw new Error('this pool was created without scoring (label and splits)');
  contexts ??= createAgentContexts({ N: panel.N, T: panel.T, label: scoring.label, universe }, scoring.splits);
  // Agents' factors are computed clipped at lastDay: test-period data is never read.
  scoringEngine ??= new FactorEngine(panel, { universe, lastDay: scoring.splits.lastDay });
  const fields = new Set(Object.keys(panel.fields));
  const results: (CandidateFitness | null)[] = [];
  const compiled: { index: number; ast: Node; canonical: string; hash: string }[] = [];
  expressions.forEach((expression, index) => {
    const c = compileFactor(expression, { fields });
    if (c.ok) compiled.push({ index, ast: c.ast, canonical: c.canonical, hash: c.hash });
    results.push(c.ok ? null : { ok: false, error: c.error.message });
  });
  const score = (k: number, values: Float64Array): void => {
    const { index, canonical, hash } = compiled[k]!;
    results[index] = { ok: true, canonical, hash, fitness: fitnessForAgents(values, contexts!, scoring.options) };
  };
  try {
    // The whole batch at once shares common subexpressions ...
    scoringEngine.evaluateBatch(compiled.map((c) => c.ast), score);
  } catch {
    // ... but one failing expression fails the batch: then each on its own, to say which.
    compiled.forEach((c, k) => {
      if (results[c.index] !== null) return;
      try {
        score(k, scoringEngine!.evaluate(c.ast));
      } catch (error) {
        results[c.index] = { ok: false, error: describe(error) };
      }
    });
  }
  return results as CandidateFitness[];
}

function values(task: ValuesTask): ValuesDone {
  const started = performance.now();
  const { panel, universe } = workerSetup();
  const { from, to, roots, outputs } = task;
  const T = panel.T;
  const part = instrumentRange(panel, from, to);
  const engine = new FactorEngine(part, {
    universe: from === 0 && to === panel.N ? universe : (universe?.subarray(from * T, to * T) ?? null),
    ...(task.lastDay !== undefined ? { lastDay: task.lastDay } : {}),
  });
  engine.evaluateInto(
    roots,
    outputs.map((o) => o.subarray(from * T, to * T)),
  );
  return { kind: 'values', milliseconds: performance.now() - started };
}

function missing(task: MissingTask): MissingDone {
  const { panel, universe } = workerSetup();
  if (!universe) throw new Error('this pool was created without a universe: nothing to count missing values over');
  const { from, to, roots } = task;
  const T = panel.T;
  const whole = from === 0 && to === panel.N;
  const mask = whole ? universe : universe.subarray(from * T, to * T);
  const engine = new FactorEngine(whole ? panel : instrumentRange(panel, from, to), { universe: mask });
  return { kind: 'missing', counts: countMissing(engine, roots, mask) };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

