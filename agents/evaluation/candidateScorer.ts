/**
 * The evaluator's computation, apart from the bus: candidate expressions to
 * the train/valid metrics agents may see, output correlations on the valid
 * period, and combiner trials.
 *
 * Honest by construction: factors are computed clipped at `splits.lastDay`
 * (nothing on or after the first test day is computed), scores come from
 * createAgentContexts / fitnessForAgents over AgentSplits (train and valid
 * only; the same values as scoreForAgents, cheaper), and combiners are fitted
 * on train rows and scored on valid rows.
 *
 * Factor values come from the in-process engine, or from the evaluation
 * worker pool (evaluator/pool.ts) when one is given: the workers compute,
 * this thread scores (cheap) and keeps what it needs.
 *
 * Library factors' valid-period values are kept compact (ValidSlice) and
 * computed once per entry; recently evaluated candidates are kept the same
 * way (bounded), so the librarian's correlation check right after evaluation
 * recomputes nothing.
 */
import type { CompileOptions } from '../../operators/compile.js';
import type { Node } from '../../operators/ast.js';
import { FactorEngine } from '../../evaluator/engine.js';
import { createAgentContexts, fitnessForAgents, type AgentContexts, type AgentSplits, type NamedFactor } from '../../evaluator/metrics/index.js';
import { scoreWithContext } from '../../evaluator/metrics/score.js';
import type { Panel } from '../../evaluator/panel.js';
import { StreamedDesignMatrices } from '../../evaluator/portfolio/designMatrix.js';
import type { FittedModel, TrainingSet } from '../../evaluator/portfolio/model.js';
import { fitRidge } from '../../evaluator/portfolio/ridge.js';
import { memberRows, rowsToSeries, type RowSet } from '../../evaluator/portfolio/rows.js';
import { csRankLabel } from '../../evaluator/portfolio/csRankLabel.js';
import { trainXgboost } from '../../evaluator/portfolio/xgboost/train.js';
import type { Evaluation, CorrelatePair } from '../protocol.js';
import type { ModelConfig } from '../roles.js';
import { ReferenceTable, type LibraryReference } from '../libraryReferences.js';
import { agentMetricsOf } from './agentMetrics.js';
import { ValidSlice } from './validSlice.js';

/** What the evaluator scores against; the label is computed no further than splits.lastDay. */
export interface EvaluationData {
  readonly panel: Panel;
  /** Point-in-time universe membership (N*T); null = every instrument with data. */
  readonly universe: Uint8Array | null;
  readonly splits: AgentSplits;
  readonly label: Float64Array;
}

export interface ScorerOptions {
  /** Candidates evaluated per engine batch between yields to the event loop. */
  readonly chunk: number;
  /** Recently evaluated candidates whose valid-period values are kept. */
  readonly recentCandidates: number;
  /** XGBoost threads. */
  readonly threads: number;
  readonly seed: number;
}

export const DEFAULT_SCORER_OPTIONS: ScorerOptions = { chunk: 8, recentCandidates: 256, threads: 1, seed: 0 };

/** What the scorer needs of evaluator/pool.ts's EvaluationPool: factor values computed by worker threads. */
export interface ValuesPool {
  evaluateBatch(roots: readonly Node[], onResult: (index: number, values: Float64Array) => void, options: { readonly lastDay?: number }): Promise<void>;
}

export interface Candidate {
  readonly id: string;
  readonly expression: string;
}

/** A library factor the scorer can correlate with or combine: its entry id and (expanded) expression. */
export interface LibraryFactor {
  readonly id: string;
  readonly name: string;
  readonly expression: string;
}

export interface CombineResult {
  readonly trainIc: number | null;
  readonly validIc: number | null;
  readonly validRankIc: number | null;
  readonly seconds: number;
}

/** Pairs a correlate.result may list (agents/protocol.ts). */
const MAX_PAIRS = 2000;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

type CompiledCandidate = { readonly id: string; readonly ast: Node; readonly canonical: string } | { readonly id: string; readonly error: string };

export class CandidateScorer {
  readonly contexts: AgentContexts;
  readonly slice: ValidSlice;
  private readonly engine: FactorEngine;
  private readonly options: ScorerOptions;
  /** Valid-period values of library entries, by entry id (with the expression they were computed from). */
  private readonly library = new Map<string, { readonly expression: string; readonly values: Float64Array }>();
  /** Valid-period values of recent candidates, by canonical expression, least recent first. */
  private readonly recent = new Map<string, Float64Array>();
  private everyInstrument: Uint8Array | null = null;

  constructor(
    private readonly data: EvaluationData,
    private readonly compileOptions: CompileOptions,
    options: Partial<ScorerOptions> = {},
    private readonly pool: ValuesPool | null = null,
  ) {
    const { panel, universe, splits, label } = data;
    this.options = { ...DEFAULT_SCORER_OPTIONS, ...options };
    this.engine = new FactorEngine(panel, { universe, lastDay: splits.lastDay });
    this.contexts = createAgentContexts({ N: panel.N, T: panel.T, label, universe }, splits);
    this.slice = new ValidSlice(this.contexts.valid);
  }

  /** Compiles defensively (verified expressions arrive, but anything may), expanding library references. */
  private compile(candidates: readonly Candidate[], references: readonly LibraryReference[]): CompiledCandidate[] {
    const table = new ReferenceTable(references, this.compileOptions);
    return candidates.map(({ id, expression }) => {
      const compiled = table.compile(expression);
      return compiled.ok ? { id, ast: compiled.ast, canonical: compiled.canonical } : { id, error: compiled.error.message };
    });
  }

  /**
   * Evaluates compiled candidates a chunk at a time; `visit` sees each one's
   * full values (valid only during the call). A chunk the engine cannot
   * evaluate is retried one candidate at a time, so one bad factor fails alone.
   */
  private async forEachValues(items: readonly { readonly ast: Node }[], visit: (index: number, values: Float64Array) => void, fail: (index: number, error: string) => void): Promise<void> {
    for (let start = 0; start < items.length; start += this.options.chunk) {
      const chunk = items.slice(start, start + this.options.chunk);
      // Results come in order: after a failure, the ones already visited are not visited again.
      let visited = 0;
      try {
        await this.compute(
          chunk.map((c) => c.ast),
          (k, values) => {
            visit(start + k, values);
            visited = k + 1;
          },
        );
      } catch {
        for (let k = visited; k < chunk.length; k++) {
          try {
            await this.compute([chunk[k]!.ast], (_, values) => visit(start + k, values));
          } catch (error) {
            fail(start + k, error instanceof Error ? error.message : String(error));
          }
        }
      }
      await yieldToEventLoop();
    }
  }

  /** Values of each root, clipped at lastDay, by the pool's workers or in this thread. */
  private async compute(roots: readonly Node[], onResult: (index: number, values: Float64Array) => void): Promise<void> {
    if (this.pool) await this.pool.evaluateBatch(roots, onResult, { lastDay: this.data.splits.lastDay });
    else this.engine.evaluateBatch(roots, onResult);
  }

  private remember(canonical: string, values: Float64Array): void {
    this.recent.delete(canonical);
    this.recent.set(canonical, values);
    while (this.recent.size > this.options.recentCandidates) this.recent.delete(this.recent.keys().next().value!);
  }

  /** Valid-period values of the library's factors (computing those not seen yet, forgetting retired ones). */
  async libraryValues(factors: readonly LibraryFactor[]): Promise<NamedFactor[]> {
    const wanted = new Set(factors.map((f) => f.id));
    for (const id of this.library.keys()) if (!wanted.has(id)) this.library.delete(id);
    const missing = factors.filter((f) => this.library.get(f.id)?.expression !== f.expression);
    const compiled = this.compile(missing, []);
    const ok = compiled.flatMap((c, k) => ('ast' in c ? [{ ast: c.ast, factor: missing[k]! }] : []));
    await this.forEachValues(
      ok,
      (k, values) => this.library.set(ok[k]!.factor.id, { expression: ok[k]!.factor.expression, values: this.slice.slice(values) }),
      () => {},
    );
    return factors.flatMap((f) => {
      const cached = this.library.get(f.id);
      return cached ? [{ name: f.id, values: cached.values }] : [];
    });
  }

  /** Train/valid metrics of each candidate, and its largest |Pearson| with `library` on valid when given. */
  async evaluate(candidates: readonly Candidate[], library: readonly NamedFactor[] | null, references: readonly LibraryReference[] = []): Promise<Evaluation[]> {
    const compiled = this.compile(candidates, references);
    const results: Evaluation[] = compiled.map((c) => ({ id: c.id, ok: false, metrics: null, error: 'error' in c ? c.error.slice(0, 1000) : 'not evaluated', libraryCorrelation: null }));
    const ok = compiled.flatMap((c, k) => ('ast' in c ? [{ ...c, at: k }] : []));
    await this.forEachValues(
      ok,
      (k, values) => {
        const { at, canonical, id } = ok[k]!;
        const metrics = agentMetricsOf(fitnessForAgents(values, this.contexts));
        const valid = this.slice.slice(values);
        this.remember(canonical, valid);
        let libraryCorrelation: Evaluation['libraryCorrelation'] = null;
        if (library !== null && library.length > 0) {
          const r = this.slice.correlations(valid, library.map((f) => f.values));
          r.forEach((pearson, j) => {
            if (Number.isFinite(pearson) && (libraryCorrelation === null || Math.abs(pearson) > Math.abs(libraryCorrelation.pearson))) libraryCorrelation = { entry: library[j]!.name, pearson };
          });
        }
        results[at] = { id, ok: true, metrics, error: null, libraryCorrelation };
      },
      (k, error) => {
        results[ok[k]!.at] = { id: ok[k]!.id, ok: false, metrics: null, error: error.slice(0, 1000), libraryCorrelation: null };
      },
    );
    return results;
  }

  /**
   * Mean valid-period Pearson correlation of every pair of candidates, and of
   * each candidate with each library factor, listing pairs with |r| >= minAbs.
   */
  async correlate(candidates: readonly Candidate[], library: readonly NamedFactor[], minAbs: number): Promise<{ pairs: CorrelatePair[]; errors: { id: string; error: string }[] }> {
    const compiled = this.compile(candidates, []);
    const errors: { id: string; error: string }[] = [];
    const values = new Map<string, Float64Array>();
    const toCompute: { id: string; ast: Node; canonical: string }[] = [];
    for (const c of compiled) {
      if ('error' in c) errors.push({ id: c.id, error: c.error.slice(0, 1000) });
      else if (this.recent.has(c.canonical)) values.set(c.id, this.recent.get(c.canonical)!);
      else toCompute.push(c);
    }
    await this.forEachValues(
      toCompute,
      (k, full) => {
        const valid = this.slice.slice(full);
        this.remember(toCompute[k]!.canonical, valid);
        values.set(toCompute[k]!.id, valid);
      },
      (k, error) => errors.push({ id: toCompute[k]!.id, error: error.slice(0, 1000) }),
    );
    const ids = candidates.map((c) => c.id).filter((id) => values.has(id));
    const pairs: CorrelatePair[] = [];
    for (let i = 0; i < ids.length; i++) {
      const others: NamedFactor[] = [...ids.slice(i + 1).map((id) => ({ name: id, values: values.get(id)! })), ...library];
      if (others.length === 0) continue;
      this.slice.correlations(values.get(ids[i]!)!, others.map((o) => o.values)).forEach((pearson, j) => {
        if (Number.isFinite(pearson) && Math.abs(pearson) >= minAbs) pairs.push({ a: ids[i]!, b: others[j]!.name, pearson });
      });
      await yieldToEventLoop();
    }
    return { pairs: strongestPairs(pairs, ids, MAX_PAIRS), errors };
  }

  /** Universe mask for combiners: the data's, or every instrument over the days it has data. */
  private universeMask(): Uint8Array {
    if (this.data.universe) return this.data.universe;
    if (this.everyInstrument === null) {
      const { N, T, start, end } = this.data.panel;
      const mask = new Uint8Array(N * T);
      for (let i = 0; i < N; i++) mask.fill(1, i * T + start[i]!, i * T + end[i]!);
      this.everyInstrument = mask;
    }
    return this.everyInstrument;
  }

  /**
   * R&D-Agent(Q)'s model work as a trial: features processed as qlib's
   * Alpha158 workflow does (robust z-score fitted on train members, Fillna),
   * CSRank label, the combiner fitted on train (XGBoost early-stops on valid,
   * as qlib's), then the prediction's IC and RankIC on valid (and IC on train).
   */
  async combine(config: ModelConfig, factors: readonly LibraryFactor[]): Promise<CombineResult> {
    const started = performance.now();
    const { panel, label, splits } = this.data;
    const shape = { N: panel.N, T: panel.T };
    const universe = this.universeMask();
    const compiled = this.compile(factors, []);
    const broken = compiled.find((c) => 'error' in c);
    if (broken && 'error' in broken) throw new Error(`library factor ${broken.id} does not compile: ${broken.error}`);
    const trainRows = memberRows(universe, shape, splits.train, label);
    const validRows = memberRows(universe, shape, splits.valid, label);
    const matrices = new StreamedDesignMatrices(factors.length, memberRows(universe, shape, splits.train, null), [trainRows, validRows], panel.T);
    await this.forEachValues(
      compiled as { ast: Node }[],
      (_, values) => matrices.add(values),
      (k, error) => {
        throw new Error(`library factor ${factors[k]!.id} cannot be evaluated: ${error}`);
      },
    );
    const [trainMatrix, validMatrix] = matrices.finish().matrices;
    const set = (rows: RowSet, X: Float32Array): TrainingSet => ({ X, rows: rows.count, cols: factors.length, label: csRankLabel(label, rows, panel.T) });
    const train = set(trainRows, trainMatrix!.X);
    const valid = set(validRows, validMatrix!.X);
    const model: FittedModel =
      config.model === 'ridge'
        ? fitRidge(train, valid, [config.lambda])
        : trainXgboost(train, valid, {
            eta: config.eta,
            maxDepth: config.maxDepth,
            subsample: config.subsample,
            colsampleByTree: config.colsampleBytree,
            lambda: config.lambda,
            minChildWeight: 1,
            maxRounds: config.rounds,
            earlyStoppingRounds: 50,
            threads: this.options.threads,
            seed: this.options.seed,
          });
    try {
      const trainScore = scoreWithContext(rowsToSeries(trainRows, model.predict(train.X, train.rows), shape), this.contexts.train);
      const validScore = scoreWithContext(rowsToSeries(validRows, model.predict(valid.X, valid.rows), shape), this.contexts.valid);
      return {
        trainIc: finite(trainScore.ic.mean),
        validIc: finite(validScore.ic.mean),
        validRankIc: finite(validScore.rankIc.mean),
        seconds: (performance.now() - started) / 1000,
      };
    } finally {
      model.dispose();
    }
  }
}

/**
 * At most `max` pairs, strongest |pearson| first, and fairly: each candidate
 * first keeps its own strongest pairs (an equal share of `max`), so a batch
 * with many near copies of one idea cannot crowd out another candidate's
 * correlations with the library (its redundancy would go unseen); what is
 * left of `max` goes to the strongest remaining pairs.
 */
export function strongestPairs(pairs: readonly CorrelatePair[], candidates: readonly string[], max: number): CorrelatePair[] {
  const sorted = [...pairs].sort((p, q) => Math.abs(q.pearson) - Math.abs(p.pearson));
  if (sorted.length <= max) return sorted;
  const isCandidate = new Set(candidates);
  const share = Math.max(1, Math.floor(max / Math.max(1, candidates.length)));
  const taken = new Map<string, number>();
  const kept = new Set<number>();
  sorted.forEach((p, k) => {
    const ends = [p.a, p.b].filter((id) => isCandidate.has(id));
    if (kept.size < max && ends.some((id) => (taken.get(id) ?? 0) < share)) {
      kept.add(k);
      for (const id of ends) taken.set(id, (taken.get(id) ?? 0) + 1);
    }
  });
  for (let k = 0; k < sorted.length && kept.size < max; k++) kept.add(k);
  return sorted.filter((_, k) => kept.has(k));
}
