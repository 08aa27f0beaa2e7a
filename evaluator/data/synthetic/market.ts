/**
 * A synthetic daily market with planted alphas of known strength: the
 * built-in data set for users without market data, and a test bed where a
 * miner's findings can be checked against the truth.
 *
 * Prices follow the process in simulate.ts (market factor, GARCH volatility,
 * persistent volumes, suspensions, listings and delistings). Each planted
 * signal's strength beta is calibrated so that its realised mean daily
 * RankIC against qlib's default label over the whole panel lands on its
 * target: a few runs of the same shocks with adjusted betas (the RankIC is
 * nearly linear in beta for weak signals).
 */

import { sharedFloat64, sharedInt32, sharedUint8, type Panel, type Universe } from '../../panel.js';
import { ownRangeUniverse } from '../assemble.js';
import { normalizeDate } from '../dates.js';
import { DataError, quote } from '../errors.js';
import { PLANTED_SIGNALS, type PlantedSignalName } from './plantedSignals.js';
import { meanRankIcs } from './rankIc.js';
import { drawStructure, nextDayReturnLabel, simulate, type MarketFields, type MarketStructure, type PlantedRun } from './simulate.js';

export interface PlantedSignalTarget {
  readonly name: PlantedSignalName;
  readonly targetRankIc: number;
}

export interface SyntheticMarketOptions {
  readonly seed?: number;
  readonly instruments?: number;
  readonly days?: number;
  /** First trading day (`YYYY-MM-DD`); a weekend date moves to the next Monday. */
  readonly startDate?: string;
  /** Signals to plant and their target RankICs. Default: every signal of PLANTED_SIGNALS at its default target. */
  readonly signals?: readonly PlantedSignalTarget[];
}

/** What `panel.source.meta.plantedSignals` holds for each planted signal. */
export interface PlantedSignal {
  readonly name: PlantedSignalName;
  /** The factor-language expression whose values were planted. */
  readonly expression: string;
  readonly targetRankIc: number;
  /** Mean daily RankIC over every instrument with data, the whole panel, as generated. */
  readonly realisedRankIc: number;
  /** Calibrated loading of the return on the signal's z-score, in units of idiosyncratic volatility. */
  readonly beta: number;
}

/** qlib's default label, the return the planted signals predict. */
export const SYNTHETIC_LABEL = 'Ref($close,-2)/Ref($close,-1)-1';

const DEFAULTS = { seed: 1, instruments: 200, days: 1500, startDate: '2015-01-05' };
const FIELD_NAMES = ['open', 'high', 'low', 'close', 'volume', 'factor', 'change'] as const;
const CALIBRATION = { tolerance: 0.001, maxRuns: 10, ownSlope: 0.9, maxStep: 0.05 };
/** The point-in-time index: the largest instruments by market cap, reviewed twice a year. */
const INDEX = { maxSize: 100, reviewEvery: 126, seasoningDays: 60, keepBuffer: 1.2 };

export function syntheticMarket(options: SyntheticMarketOptions = {}): Panel {
  const seed = options.seed ?? DEFAULTS.seed;
  const N = options.instruments ?? DEFAULTS.instruments;
  const T = options.days ?? DEFAULTS.days;
  if (!Number.isSafeInteger(seed)) throw new DataError(`synthetic market: seed ${seed} is not an integer`);
  if (!Number.isInteger(N) || N < 20 || N > 20_000) throw new DataError(`synthetic market: instruments must be an integer in 20..20000, got ${N}`);
  if (!Number.isInteger(T) || T < 60 || T > 20_000) throw new DataError(`synthetic market: days must be an integer in 60..20000, got ${T}`);
  // Seven fields plus the planted signals' values: about 100 bytes per cell while generating.
  if (N * T > 10_000_000) throw new DataError(`synthetic market: ${N} instruments x ${T} days is more than 10 million cells`);
  const calendar = weekdayCalendar(options.startDate ?? DEFAULTS.startDate, T);
  const targets = plantedTargets(options.signals);

  const structure = drawStructure(seed, N, T);
  const fields = Object.fromEntries(FIELD_NAMES.map((f) => [f, sharedFloat64(N * T)])) as unknown as MarketFields;
  const runs = calibrate(structure, seed, fields, targets);

  const start = sharedInt32(N);
  const end = sharedInt32(N);
  start.set(structure.start);
  end.set(structure.end);
  const index = pointInTimeIndex(structure, fields.close);
  const planted: PlantedSignal[] = runs.planted.map((p, k) => ({
    name: p.spec.name,
    expression: p.spec.expression,
    targetRankIc: targets[k]!.targetRankIc,
    realisedRankIc: runs.realised[k]!,
    beta: p.beta,
  }));
  return {
    T,
    N,
    start,
    end,
    calendar,
    symbols: Array.from({ length: N }, (_, i) => `SYN${String(i + 1).padStart(String(N).length, '0')}`),
    fields: fields as unknown as Record<string, Float64Array>,
    universes: { all: ownRangeUniverse('all', T, start, end), [index.name]: index },
    source: {
      kind: 'synthetic',
      location: `synthetic market (seed ${seed}, ${N} instruments, ${T} days)`,
      meta: { seed, label: SYNTHETIC_LABEL, universe: index.name, plantedSignals: planted, calibrationRuns: runs.count },
    },
  };
}

function plantedTargets(signals: readonly PlantedSignalTarget[] | undefined): PlantedSignalTarget[] {
  if (!signals) return PLANTED_SIGNALS.map((s) => ({ name: s.name, targetRankIc: s.defaultTargetRankIc }));
  const seen = new Set<string>();
  for (const s of signals) {
    if (!PLANTED_SIGNALS.some((p) => p.name === s.name)) {
      throw new DataError(`synthetic market: unknown planted signal ${quote(s.name)} (known: ${PLANTED_SIGNALS.map((p) => p.name).join(', ')})`);
    }
    if (seen.has(s.name)) throw new DataError(`synthetic market: planted signal ${s.name} given twice`);
    seen.add(s.name);
    // Strong signals would dominate returns and break the weak-signal calibration; real alphas are weak.
    if (!(Math.abs(s.targetRankIc) <= 0.1)) throw new DataError(`synthetic market: target RankIC of ${s.name} must be in -0.1..0.1, got ${s.targetRankIc}`);
  }
  return [...signals];
}

/** Weekdays from `startDate` on, skipping 1 January and 25 December. */
function weekdayCalendar(startDate: string, days: number): string[] {
  const first = normalizeDate(startDate);
  if (!first) throw new DataError(`synthetic market: start date ${quote(startDate)} is malformed (expected YYYY-MM-DD or YYYYMMDD)`);
  const calendar: string[] = [];
  for (const day = new Date(`${first}T00:00:00Z`); calendar.length < days; day.setUTCDate(day.getUTCDate() + 1)) {
    const weekday = day.getUTCDay();
    const date = day.toISOString().slice(0, 10);
    if (weekday === 0 || weekday === 6 || date.endsWith('-01-01') || date.endsWith('-12-25')) continue;
    calendar.push(date);
  }
  return calendar;
}

interface Calibrated {
  readonly planted: PlantedRun[];
  readonly realised: number[];
  readonly count: number;
}

/**
 * Runs the market until every planted signal's realised RankIC is within
 * tolerance of its target. RankICs are nearly linear in the betas, but
 * signals that overlap (the 5-day reversal contains the day's intraday
 * return) move each other's RankIC, so the steps solve with a Jacobian
 * estimate refined by Broyden's update after every run.
 */
function calibrate(structure: MarketStructure, seed: number, fields: MarketFields, targets: readonly PlantedSignalTarget[]): Calibrated {
  const { N, T, start, end } = structure;
  const K = targets.length;
  const specs = targets.map((t) => PLANTED_SIGNALS.find((p) => p.name === t.name)!);
  const values = specs.map(() => new Float64Array(N * T));
  // Prior Jacobian: each RankIC moves about 0.9 per unit of its own beta (less than 1
  // because volatility differs across instruments), and not with the others.
  const jacobian = Array.from({ length: K }, (_, r) => Array.from({ length: K }, (_, c) => (r === c ? CALIBRATION.ownSlope : 0)));
  let betas = targets.map((t) => t.targetRankIc / CALIBRATION.ownSlope);
  let last: { betas: number[]; realised: number[] } | null = null;
  for (let run = 1; ; run++) {
    const planted = specs.map((spec, k) => ({ spec, beta: betas[k]!, values: values[k]! }));
    simulate(structure, seed, fields, planted);
    const label = nextDayReturnLabel(fields.close, N, T, start, end);
    const realised = meanRankIcs(values, label, N, T);
    const gaps = realised.map((r, k) => targets[k]!.targetRankIc - r);
    if (gaps.every((g) => Math.abs(g) <= CALIBRATION.tolerance) || run === CALIBRATION.maxRuns) return { planted, realised, count: run };
    if (last) broydenUpdate(jacobian, subtract(betas, last.betas), subtract(realised, last.realised));
    last = { betas, realised };
    const step = solve(jacobian, gaps) ?? gaps.map((g) => g / CALIBRATION.ownSlope);
    // A bounded step: a poor Jacobian estimate must not throw the betas far off.
    betas = betas.map((beta, k) => beta + Math.max(-CALIBRATION.maxStep, Math.min(CALIBRATION.maxStep, step[k]!)));
  }
}

const subtract = (a: readonly number[], b: readonly number[]) => a.map((x, k) => x - b[k]!);

/** Broyden's rank-one update: makes J map the last step dx onto the change it caused, dy. */
function broydenUpdate(J: number[][], dx: readonly number[], dy: readonly number[]): void {
  const norm = dx.reduce((s, x) => s + x * x, 0);
  if (norm === 0) return;
  const residual = dy.map((y, r) => y - J[r]!.reduce((s, j, c) => s + j * dx[c]!, 0));
  for (let r = 0; r < J.length; r++) for (let c = 0; c < J.length; c++) J[r]![c]! += (residual[r]! * dx[c]!) / norm;
}

/** x with J x = b, by Gaussian elimination with partial pivoting; null if J is (nearly) singular. */
function solve(J: readonly (readonly number[])[], b: readonly number[]): number[] | null {
  const K = b.length;
  const m = J.map((row, r) => [...row, b[r]!]);
  for (let col = 0; col < K; col++) {
    let pivot = col;
    for (let r = col + 1; r < K; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    if (Math.abs(m[pivot]![col]!) < 1e-9) return null;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = col + 1; r < K; r++) {
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= K; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  const x = new Array<number>(K).fill(0);
  for (let r = K - 1; r >= 0; r--) {
    let s = m[r]![K]!;
    for (let c = r + 1; c < K; c++) s -= m[r]![c]! * x[c]!;
    x[r] = s / m[r]![r]!;
  }
  return x;
}

/**
 * A point-in-time index of the largest instruments by market cap (close x
 * shares), reviewed every INDEX.reviewEvery days from the closes before the
 * review day. Incumbents stay while they rank within the buffer; newcomers
 * need INDEX.seasoningDays of trading. Membership ends at delisting.
 */
function pointInTimeIndex(structure: MarketStructure, close: Float64Array): Universe {
  const { N, T, start, end, shares, firstPrice } = structure;
  const size = Math.min(INDEX.maxSize, Math.floor(N / 2));
  const mask = sharedUint8(N * T);
  let members = new Set<number>();
  for (let review = 0; review < T; review += INDEX.reviewEvery) {
    const eligible: { i: number; cap: number }[] = [];
    for (let i = 0; i < N; i++) {
      if (review < start[i]! || review >= end[i]!) continue;
      const incumbent = members.has(i);
      if (!incumbent && review - start[i]! < INDEX.seasoningDays && review > 0) continue;
      eligible.push({ i, cap: lastCloseBefore(close, i * T, start[i]!, review, firstPrice[i]!) * shares[i]! });
    }
    eligible.sort((a, b) => b.cap - a.cap || a.i - b.i);
    const next = new Set<number>();
    eligible.forEach(({ i }, rank) => {
      if (members.has(i) && rank < size * INDEX.keepBuffer && next.size < size) next.add(i);
    });
    for (const { i } of eligible) {
      if (next.size >= size) break;
      next.add(i);
    }
    members = next;
    for (const i of members) mask.fill(1, i * T + review, i * T + Math.min(end[i]!, review + INDEX.reviewEvery));
  }
  return { name: `synth${size}`, mask };
}

/** The last close strictly before `day` (known when the index is reviewed on `day`); the listing price if none. */
function lastCloseBefore(close: Float64Array, base: number, first: number, day: number, listingPrice: number): number {
  for (let t = day - 1; t >= first; t--) {
    const c = close[base + t]!;
    if (!Number.isNaN(c)) return c;
  }
  return listingPrice;
}
