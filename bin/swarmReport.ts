/**
 * report.json, written by the swarm's entry point once the search is over:
 *
 *   library      size, families, origins (attached specialists' share included)
 *   alpha20      the library against the Alpha20 seed pool on valid RankIC, each factor
 *                oriented by the sign of its train RankIC (as selection does)
 *   redundancy   the largest |correlation| between two library factors on valid
 *   rediscovery  synthetic market only: which planted signals a library factor recovers
 *                (|mean daily correlation| > 0.7 on valid); computed here, never shown to agents
 *   test         with --test only: train/valid/test metrics of every library factor and of
 *                Alpha20, from evaluator/metrics/finalReport.ts (the one module that opens
 *                the test period; only entry points may import it)
 */
import type { AgentMetrics, LibraryEntry } from '../agents/domain.js';
import { FactorEngine } from '../evaluator/engine.js';
import { ALPHA20 } from '../evaluator/libraries/alpha20.js';
import { correlateWithLibrary, indexUniverse, type FactorScore, type NamedFactor } from '../evaluator/metrics/index.js';
import { finalReport } from '../evaluator/metrics/finalReport.js';
import type { PlantedSignal } from '../evaluator/data/index.js';
import { distribution } from '../graphs/diagnostics.js';
import { RunOutputs, readLibraryFile } from '../graphs/outputs.js';
import { orientationOf } from '../graphs/selection.js';
import type { SwarmStateType } from '../graphs/state.js';
import { compileFactor, compileLabel, type Node } from '../operators/index.js';
import type { SwarmData } from './swarmData.js';

/** |mean daily cross-sectional correlation| above which a library factor counts as recovering a planted signal. */
export const RECOVERY_THRESHOLD = 0.7;

interface ValidWindow {
  readonly N: number;
  readonly days: number;
  readonly mask: Uint8Array;
}

/** Each factor's values on the valid period only (N x valid days), so a whole library fits in memory. */
function validValues(data: SwarmData, factors: ReadonlyArray<{ name: string; expression: string }>): { window: ValidWindow; values: NamedFactor[]; failed: string[] } {
  const { panel, splits, universe } = data.evaluation;
  const { start, end } = splits.valid;
  const days = end - start;
  const slice = (full: ArrayLike<number>, out: Float64Array | Uint8Array): void => {
    for (let i = 0; i < panel.N; i++) for (let d = 0; d < days; d++) out[i * days + d] = full[i * panel.T + start + d]!;
  };
  const mask = new Uint8Array(panel.N * days);
  if (universe) slice(universe, mask);
  else mask.fill(1);
  const fields = new Set(Object.keys(panel.fields));
  const compiled: Array<{ name: string; ast: Node }> = [];
  const failed: string[] = [];
  for (const f of factors) {
    const c = compileFactor(f.expression, { fields });
    if (c.ok) compiled.push({ name: f.name, ast: c.ast });
    else failed.push(`${f.name}: ${c.error.message}`);
  }
  const values: NamedFactor[] = [];
  new FactorEngine(panel, { universe, lastDay: splits.lastDay }).evaluateBatch(
    compiled.map((c) => c.ast),
    (k, full) => {
      const out = new Float64Array(panel.N * days);
      slice(full, out);
      values.push({ name: compiled[k]!.name, values: out });
    },
  );
  return { window: { N: panel.N, days, mask }, values, failed };
}

function correlations(candidate: NamedFactor, others: readonly NamedFactor[], window: ValidWindow) {
  const index = indexUniverse(window.mask, { N: window.N, T: window.days }, { start: 0, end: window.days });
  return correlateWithLibrary(candidate.values, others, index).correlations;
}

/** Oriented valid RankIC: the sign of the train RankIC applied (what selection stores). */
function orientedValidRankIc(m: AgentMetrics | null): number | null {
  if (m === null) return null;
  const o = orientationOf(m);
  return o === null || m.valid.rankIc === null ? null : o * m.valid.rankIc;
}

function alpha20Comparison(state: SwarmStateType, library: readonly LibraryEntry[]) {
  const seeds = state.seedPool.map((s) => orientedValidRankIc(s.metrics));
  const mined = library.map((e) => e.metrics.valid.rankIc);
  const alpha = distribution(seeds);
  const lib = distribution(mined);
  return {
    note: 'valid RankIC, each factor oriented by the sign of its train RankIC; library entries are stored oriented',
    alpha20: alpha,
    library: lib,
    libraryAboveAlpha20Mean: alpha.mean === null ? null : mined.filter((v) => v !== null && v > alpha.mean!).length,
    libraryAboveAlpha20Best: alpha.max === null ? null : mined.filter((v) => v !== null && v > alpha.max!).length,
  };
}

function redundancy(library: readonly LibraryEntry[], values: readonly NamedFactor[], window: ValidWindow) {
  let worst: { a: string; b: string; pearson: number } | null = null;
  const above: Array<{ a: string; b: string; pearson: number }> = [];
  for (let k = 1; k < values.length; k++) {
    for (const c of correlations(values[k]!, values.slice(0, k), window)) {
      const pair = { a: values[k]!.name, b: c.name, pearson: c.pearson };
      if (Number.isFinite(c.pearson) && (worst === null || Math.abs(c.pearson) > Math.abs(worst.pearson))) worst = pair;
      if (Math.abs(c.pearson) > RECOVERY_THRESHOLD) above.push(pair);
    }
  }
  return { factors: library.length, maxAbsPearson: worst, pairsAbove: { threshold: RECOVERY_THRESHOLD, count: above.length, pairs: above.slice(0, 20) } };
}

function rediscovery(data: SwarmData, library: readonly LibraryEntry[], libraryValues: readonly NamedFactor[], window: ValidWindow) {
  const planted = data.panel.source.meta?.plantedSignals as readonly PlantedSignal[] | undefined;
  if (!planted || planted.length === 0) return null;
  const { values: plantedValues } = validValues(data, planted.map((p) => ({ name: p.name, expression: p.expression })));
  const byName = new Map(library.map((e) => [e.id, e]));
  return planted.map((p) => {
    const pv = plantedValues.find((v) => v.name === p.name)!;
    const matches = libraryValues.length === 0 ? [] : correlations(pv, libraryValues, window);
    const best = matches.filter((m) => Number.isFinite(m.pearson)).sort((a, b) => Math.abs(b.pearson) - Math.abs(a.pearson))[0];
    return {
      signal: p.name,
      expression: p.expression,
      targetRankIc: p.targetRankIc,
      recovered: best !== undefined && Math.abs(best.pearson) > RECOVERY_THRESHOLD,
      closest: best ? { id: best.name, expression: byName.get(best.name)?.expression ?? null, pearson: best.pearson } : null,
    };
  });
}

function summariseScore(s: FactorScore) {
  const n = (v: number): number | null => (Number.isFinite(v) ? v : null);
  return { ic: n(s.ic.mean), icir: n(s.ic.ir), rankIc: n(s.rankIc.mean), rankIcir: n(s.rankIc.ir), rankIcT: n(s.rankIc.hacT), days: s.rankIc.days };
}

/** Train/valid/test metrics from the sealed test period, a few factors at a time (each holds the whole calendar). */
function testReport(data: SwarmData, factors: ReadonlyArray<{ name: string; expression: string }>) {
  if (data.sealed === null) return null;
  const { panel, universe } = data.evaluation;
  const label = compileLabel(data.label, { fields: new Set(Object.keys(panel.fields)) });
  if (!label.ok) throw label.error;
  const engine = new FactorEngine(panel, { universe });
  const inputs = { N: panel.N, T: panel.T, label: engine.evaluate(label.ast), universe };
  const fields = new Set(Object.keys(panel.fields));
  let periods: ReturnType<typeof finalReport>['periods'] | null = null;
  const out: Array<{ name: string; train: ReturnType<typeof summariseScore>; valid: ReturnType<typeof summariseScore>; test: ReturnType<typeof summariseScore> }> = [];
  const compiled = factors.flatMap((f) => {
    const c = compileFactor(f.expression, { fields });
    return c.ok ? [{ name: f.name, ast: c.ast }] : [];
  });
  for (let k = 0; k < compiled.length; k += 4) {
    const chunk = compiled.slice(k, k + 4);
    const named: NamedFactor[] = [];
    engine.evaluateBatch(
      chunk.map((c) => c.ast),
      (j, values) => named.push({ name: chunk[j]!.name, values: Float64Array.from(values) }),
    );
    const report = finalReport(named, inputs, data.sealed);
    periods = report.periods;
    for (const f of report.factors) out.push({ name: f.name, train: summariseScore(f.train), valid: summariseScore(f.valid), test: summariseScore(f.test) });
  }
  return { periods, label: data.label, factors: out };
}

export async function writeSwarmReport(runDir: string, state: SwarmStateType, data: SwarmData): Promise<{ summary: string[] }> {
  const library = readLibraryFile(runDir);
  const { window, values } = validValues(data, library.map((e) => ({ name: e.id, expression: e.expression })));
  const comparison = alpha20Comparison(state, library);
  const planted = rediscovery(data, library, values, window);
  const tally = (key: (e: LibraryEntry) => string) => library.reduce<Record<string, number>>((acc, e) => ((acc[key(e)] = (acc[key(e)] ?? 0) + 1), acc), {});
  const test = testReport(data, [
    ...library.map((e) => ({ name: e.id, expression: e.expression })),
    ...ALPHA20.map((f) => ({ name: `alpha20:${f.name}`, expression: f.expression })),
  ]);
  const report = {
    run: state.run,
    data: data.description,
    generations: state.history.length,
    stop: state.stop,
    seconds: state.history.reduce((s, h) => s + h.seconds, 0),
    usage: state.usage,
    history: state.history,
    library: { size: library.length, families: tally((e) => e.family), origins: tally((e) => e.origin), specialists: tally((e) => e.specialist) },
    alpha20: comparison,
    redundancy: redundancy(library, values, window),
    rediscovery: planted,
    test,
  };
  new RunOutputs(runDir).writeJson('report', report);
  const fmt = (v: number | null | undefined): string => (v === null || v === undefined ? 'n/a' : v.toFixed(4));
  const summary = [
    `library: ${library.length} factors; mean valid RankIC ${fmt(comparison.library.mean)} (Alpha20 ${fmt(comparison.alpha20.mean)}), best ${fmt(comparison.library.max)} (Alpha20 ${fmt(comparison.alpha20.max)}); ${comparison.libraryAboveAlpha20Mean ?? 0} above the Alpha20 mean`,
  ];
  if (planted) {
    const found = planted.filter((p) => p.recovered).map((p) => p.signal);
    const missed = planted.filter((p) => !p.recovered).map((p) => p.signal);
    summary.push(`planted signals recovered (|corr| > ${RECOVERY_THRESHOLD} on valid): ${found.length} of ${planted.length}: ${found.join(', ') || 'none'}${missed.length > 0 ? `; not recovered: ${missed.join(', ')}` : ''}`);
  }
  if (test) summary.push(`test-period metrics of the library and Alpha20 in report.json (test)`);
  summary.push(`report: ${runDir}/report.json`);
  return { summary };
}
