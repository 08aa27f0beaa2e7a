/**
 * `alphaswarm eval`: scores one factor expression against a label over a date
 * range: IC, RankIC and their ICIR and HAC t, mutual information, quantile
 * spread, persistence and coverage.
 *
 * The factor and the label are computed over each instrument's own history
 * (windows warm up on data before --start); metrics read the universe's
 * point-in-time members on the days from --start to --end, both inclusive.
 * The factor reads nothing after --end; the label reads its horizon past it.
 */
import { FactorEngine } from '../../evaluator/engine.js';
import { scoreFactor, DEFAULT_MIN_NAMES, DEFAULT_QUANTILES, type DailySummary, type FactorScore } from '../../evaluator/metrics/index.js';
import type { CompiledFactor } from '../../operators/index.js';
import { UsageError, optionsHelp, requireString, type OptionSpec, type ParsedArgs } from '../args.js';
import { runCommand, processIO, writeOut, type CommandIO } from '../command.js';
import {
  DATA_OPTIONS,
  DATE_OPTIONS,
  DEFAULT_LABEL,
  compileExpression,
  horizonLabel,
  openData,
  resolveDays,
  stringOption,
  type OpenedData,
  type ResolvedDays,
} from '../engineOptions.js';

const OPTIONS: Record<string, OptionSpec> = {
  expr: { type: 'string', description: 'the factor expression, e.g. "Mean($close,5)/$close"' },
  ...DATA_OPTIONS,
  ...DATE_OPTIONS,
  label: { type: 'string', description: `the label expression (may read the future); default qlib's ${DEFAULT_LABEL}` },
  horizon: { type: 'string', description: 'instead of --label: Ref($close,-(H+1))/Ref($close,-1)-1 (H = 1 is the default label)' },
  json: { type: 'boolean', description: 'print one JSON object instead of the summary' },
  help: { type: 'boolean', description: 'show this help' },
};

const USAGE = `usage: alphaswarm eval --expr EXPR [--data DIR] [--universe U] [--start D] [--end D] [--label EXPR | --horizon H] [--json]

Scores one factor: the cross-sectional IC (Pearson) and RankIC (Spearman) of
the factor with the label on each day from --start to --end (both inclusive;
dates that are not trading days snap inward, with a note), over the
universe's members that day, then their means, ICIR (mean/std) and
Newey-West t-statistics. A day counts when at least ${DEFAULT_MIN_NAMES} members have a
finite factor and label. Factor and label are computed over each
instrument's whole history, so windows warm up on data before --start.

--json fields: expr, label (canonical text), data, universe, start, end
(the trading days used), trading_days, days (days scored), ic, icir, ic_t,
ic_std, rank_ic, rank_icir, rank_ic_t, rank_ic_std, hac_lags, mi (mutual
information of daily ranks, nats), long_short {mean, std, ir, t} (top
minus bottom ${DEFAULT_QUANTILES}-quantile mean label, per day), quantile_means (mean label
per quantile, lowest factor first), monotonicity, autocorrelation (factor
rank, day to day), turnover (top quantile), nan_ratio (member cells with
no factor value), coverage (share of days scored), instruments, seconds
{load, compute, score, total}, notes. Undefined numbers are null.

${optionsHelp(OPTIONS)}`;

export async function run(argv: string[], io: CommandIO = processIO): Promise<number> {
  return runCommand({ name: 'eval', usage: USAGE, options: OPTIONS, body: evaluate }, argv, io);
}

interface EvalTimes {
  readonly load: number;
  readonly compute: number;
  readonly score: number;
  readonly total: number;
}

async function evaluate(args: ParsedArgs, io: CommandIO): Promise<number> {
  const started = performance.now();
  const factor = compileExpression('--expr', requireString(args, 'expr', 'eval'), 'factor');
  const label = compileExpression('--label', labelSource(args), 'label');
  const data = openData(args, [...new Set([...factor.fields, ...label.fields])]);
  const days = resolveDays(data.panel, args);
  const notes = [...data.notes, ...days.notes];
  for (const note of notes) io.err(`alphaswarm eval: note: ${note}`);

  const computeStarted = performance.now();
  const { panel, universe } = data;
  // The factor never needs a day after --end; the label needs its horizon past it.
  const factorValues = new FactorEngine(panel, { universe: universe.mask, lastDay: days.range.end }).evaluate(factor.ast);
  const labelValues = new FactorEngine(panel, { universe: universe.mask, lastDay: days.range.end + label.horizon }).evaluate(label.ast);
  const scoreStarted = performance.now();
  const score = scoreFactor(factorValues, { N: panel.N, T: panel.T, label: labelValues, universe: universe.mask }, days.range);
  const ended = performance.now();

  const times: EvalTimes = {
    load: data.loadSeconds,
    compute: (scoreStarted - computeStarted) / 1000,
    score: (ended - scoreStarted) / 1000,
    total: (ended - started) / 1000,
  };
  if (scoredDays(score) === 0) {
    notes.push(`no day from ${days.first} to ${days.last} had ${DEFAULT_MIN_NAMES} members of '${universe.name}' with both a factor value and a label: nothing was scored`);
    io.err(`alphaswarm eval: note: ${notes[notes.length - 1]}`);
  }
  const report = evalReport(factor, label, data, days, score, times, notes);
  await writeOut(io.out, args.options.json ? `${JSON.stringify(report)}\n` : summaryText(report));
  return 0;
}

/** --label, --horizon H, or the default label. */
function labelSource(args: ParsedArgs): string {
  const label = stringOption(args, 'label');
  const horizon = stringOption(args, 'horizon');
  if (label !== undefined && horizon !== undefined) throw new UsageError('give either --label or --horizon, not both');
  if (label !== undefined) return label;
  if (horizon === undefined) return DEFAULT_LABEL;
  const h = Number(horizon);
  if (!/^\d+$/.test(horizon.trim()) || !Number.isSafeInteger(h) || h < 1 || h > 250) {
    throw new UsageError(`--horizon must be a whole number of days from 1 to 250, got ${JSON.stringify(horizon)}`);
  }
  return horizonLabel(h);
}

function scoredDays(score: FactorScore): number {
  return Math.round(score.dayCoverage * (score.range.end - score.range.start));
}

/** The --json object (NaN becomes null when stringified). */
export interface EvalReport {
  readonly expr: string;
  readonly label: string;
  readonly data: string;
  readonly universe: string;
  readonly start: string;
  readonly end: string;
  readonly trading_days: number;
  readonly days: number;
  readonly ic: number;
  readonly icir: number;
  readonly ic_t: number;
  readonly ic_std: number;
  readonly rank_ic: number;
  readonly rank_icir: number;
  readonly rank_ic_t: number;
  readonly rank_ic_std: number;
  readonly hac_lags: number;
  readonly mi: number;
  readonly long_short: { readonly mean: number; readonly std: number; readonly ir: number; readonly t: number };
  readonly quantile_means: readonly number[];
  readonly monotonicity: number;
  readonly autocorrelation: number;
  readonly turnover: number;
  readonly nan_ratio: number;
  readonly coverage: number;
  readonly instruments: number;
  readonly seconds: EvalTimes;
  readonly notes: readonly string[];
}

function evalReport(
  factor: CompiledFactor,
  label: CompiledFactor,
  data: OpenedData,
  days: ResolvedDays,
  score: FactorScore,
  seconds: EvalTimes,
  notes: readonly string[],
): EvalReport {
  const spread: DailySummary = score.quantiles.spread;
  return {
    expr: factor.canonical,
    label: label.canonical,
    data: data.source,
    universe: data.universe.name,
    start: days.first,
    end: days.last,
    trading_days: days.range.end - days.range.start,
    days: scoredDays(score),
    ic: score.ic.mean,
    icir: score.ic.ir,
    ic_t: score.ic.hacT,
    ic_std: score.ic.std,
    rank_ic: score.rankIc.mean,
    rank_icir: score.rankIc.ir,
    rank_ic_t: score.rankIc.hacT,
    rank_ic_std: score.rankIc.std,
    hac_lags: score.rankIc.hacLags,
    mi: score.mutualInformation,
    long_short: { mean: spread.mean, std: spread.std, ir: spread.ir, t: spread.hacT },
    quantile_means: Array.from(score.quantiles.meanLabel),
    monotonicity: score.quantiles.monotonicity,
    autocorrelation: score.autocorrelation,
    turnover: score.turnover,
    nan_ratio: score.nanRatio,
    coverage: score.dayCoverage,
    instruments: data.panel.N,
    seconds,
    notes,
  };
}

function summaryText(r: EvalReport): string {
  const f = (x: number, digits = 4): string => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
  const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : 'n/a');
  const lines = [
    `factor          ${r.expr}`,
    `label           ${r.label}`,
    `data            ${r.data}, universe ${r.universe}, ${r.instruments} instruments`,
    `dates           ${r.start} .. ${r.end}: ${r.trading_days} trading days, ${r.days} scored (${pct(r.coverage)})`,
    `IC              ${f(r.ic)}   ICIR ${f(r.icir, 3)}   t(HAC, ${r.hac_lags} lags) ${f(r.ic_t, 2)}`,
    `RankIC          ${f(r.rank_ic)}   ICIR ${f(r.rank_icir, 3)}   t(HAC, ${r.hac_lags} lags) ${f(r.rank_ic_t, 2)}`,
    `long-short      ${f(r.long_short.mean, 5)} per day (top minus bottom of ${r.quantile_means.length} quantiles), t(HAC) ${f(r.long_short.t, 2)}`,
    `quantile means  ${r.quantile_means.map((m) => f(m, 5)).join('  ')}   (lowest factor first; monotonicity ${f(r.monotonicity, 2)})`,
    `MI              ${f(r.mi, 5)} nats`,
    `persistence     rank autocorrelation ${f(r.autocorrelation, 3)}, top-quantile turnover ${pct(r.turnover)}`,
    `missing         ${pct(r.nan_ratio)} of member cells have no factor value`,
    `time            load ${r.seconds.load.toFixed(2)} s, compute ${r.seconds.compute.toFixed(2)} s, score ${r.seconds.score.toFixed(2)} s`,
  ];
  return `${lines.join('\n')}\n`;
}
