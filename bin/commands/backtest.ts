/**
 * `alphaswarm backtest`: the final report of a factor library. Its factors
 * (computed over the whole calendar, streamed into the model's design
 * matrices a chunk at a time) are combined by XGBoost or ridge fitted on
 * train and stopped on valid, and the prediction is backtested with qlib's
 * TopkDropout over the test period against a benchmark.
 *
 * This command is an entry point: it splits the calendar with the sealed
 * test period (evaluator/metrics/finalReport.ts) and is allowed to open it.
 * Test-period numbers are printed; nothing here feeds back into mining.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { DataError, loadPanel, parseSplit } from '../../evaluator/data/index.js';
import { FactorEngine } from '../../evaluator/engine.js';
import { ALPHA20 } from '../../evaluator/libraries/alpha20.js';
import { alpha158 } from '../../evaluator/libraries/alpha158.js';
import { type FactorScore, type ScoringInputs, createLabelContext, scoreFactor, scoreWithContext } from '../../evaluator/metrics/index.js';
import { finalReport, splitCalendar } from '../../evaluator/metrics/finalReport.js';
import type { Panel } from '../../evaluator/panel.js';
import {
  type Benchmark,
  CHINA_A_SHARES,
  type ExchangeConfig,
  type FactorSeries,
  type PortfolioResult,
  type PortfolioSplits,
  QLIB_TOPK_DROPOUT,
  type TopkDropoutConfig,
  US_EQUITIES,
  XgboostError,
  indexBenchmark,
  rowsToSeries,
  runPortfolio,
} from '../../evaluator/portfolio/index.js';
import { type BacktestDocument, type FactorRow, finiteOrNull } from '../../evaluator/report/backtestDocument.js';
import { pairedDifference, strategyResult } from '../../evaluator/report/backtestSummary.js';
import { bonferroniCriticalT, deflatedSharpe, returnMoments } from '../../evaluator/report/deflatedSharpe.js';
import { entryName, parseLibraryJson } from '../../evaluator/report/libraryFile.js';
import { renderBacktestReport } from '../../evaluator/report/html.js';
import { type RunDirectory, isRunDirectory, readRunDirectory, trialStatistics } from '../../evaluator/report/run.js';
import { type CompiledFactor, compileFactor, compileLabel, fieldNames } from '../../operators/index.js';
import { UsageError, optionsHelp, requireString, type OptionSpec, type ParsedArgs } from '../args.js';
import { CommandError, processIO, runCommand, writeOut, type CommandIO } from '../command.js';
import { DEFAULT_LABEL, horizonLabel, peakRssBytes, stringOption } from '../engineOptions.js';
import { parseExprFile } from '../exprFile.js';

const BUILT_IN = ['alpha158', 'alpha20'] as const;
type BuiltIn = (typeof BUILT_IN)[number];
const MODELS = ['xgboost', 'ridge'] as const;
const MARKETS = ['cn', 'us'] as const;
type Market = (typeof MARKETS)[number];
/** Horizons (days) of the IC decay: the return from the next close to the close h days later. */
const DECAY_HORIZONS = [1, 2, 3, 5, 10, 20] as const;
/** qlib's CSI 300 benchmark index. */
const DEFAULT_INDEX = 'SH000300';
/** Result arrays the engine may hold at once while streaming a library (17 MB each on CSI 300). */
const ENGINE_BUDGET_BYTES = 256 * 1024 * 1024;

const OPTIONS: Record<string, OptionSpec> = {
  data: { type: 'string', description: 'qlib data directory (calendars/, instruments/, features/) or a directory of CSV files' },
  universe: { type: 'string', description: "universe name (instruments/<U>.txt, point-in-time); default 'all'" },
  library: { type: 'string', description: `a library.json (array of entries with "expression"), a text file (one expression a line), or ${BUILT_IN.join(' / ')}` },
  baseline: { type: 'string', description: `also run a built-in library (${BUILT_IN.join(', ')}) with the same model and splits, reported beside` },
  add: { type: 'string', description: `give the model a built-in library's factors (${BUILT_IN.join(', ')}) as well as the library's: with --baseline of the same name, what the library adds to it` },
  train: { type: 'string', description: 'train period START:END (dates inclusive, YYYY-MM-DD)' },
  valid: { type: 'string', description: 'valid period START:END (early stopping / penalty choice)' },
  test: { type: 'string', description: 'test period START:END (the backtest; read only after the model is fixed)' },
  model: { type: 'string', description: `combiner: ${MODELS.join(' or ')}; default xgboost` },
  seed: { type: 'string', description: "the model's seed (XGBoost's sampling); default 0" },
  benchmark: { type: 'string', description: `benchmark instrument; default ${DEFAULT_INDEX} when the data has it, else the universe's equal-weight mean` },
  market: { type: 'string', description: 'cn (price limit 9.5 %, lots of 100) or us (neither); default from the data' },
  topk: { type: 'string', description: 'stocks held (TopkDropout); default 50' },
  'n-drop': { type: 'string', description: 'stocks replaced per day at most; default 5' },
  'transfer-from': { type: 'string', description: 'where the library was mined (e.g. cn_csi300), when it is not a run directory that says so' },
  report: { type: 'string', description: 'also write the HTML report to this file' },
  'dump-scores': { type: 'string', description: 'write the predictions to this CSV (split,date,instrument,score), e.g. for an independent check' },
  json: { type: 'boolean', description: 'print the backtest document (JSON) instead of the summary' },
  help: { type: 'boolean', description: 'show this help' },
};

const USAGE = `usage: alphaswarm backtest --data DIR --universe U --library FILE|alpha158|alpha20
         --train A:B --valid A:B --test A:B [--model xgboost|ridge] [--baseline alpha158] [--add alpha158]
         [--benchmark SYMBOL] [--market cn|us] [--topk 50] [--n-drop 5] [--seed 0]
         [--report FILE.html] [--dump-scores FILE.csv] [--transfer-from WHERE] [--json]

The final report of a factor library, as qlib's Alpha158 benchmarks do it:
every factor over the whole calendar; features robust-z-scored on train
(clipped at 3, NaN -> 0), label ${DEFAULT_LABEL} ranked per day;
XGBoost (qlib's parameters, early stopping on valid) or ridge (penalty
chosen on valid); then TopkDropout on the test period, the score of day t
traded at the close of t+1, costs 0.05 % / 0.15 % (min 5), against the
benchmark. With a library.json inside a mining run's directory, the run's
candidates set the deflated Sharpe ratio's number of trials.

JSON (--json): train, valid, test at the top are the library's (the same as
library.train, ...): first, last, days, rows, ic, icir, rank_ic, rank_icir,
ic_hac_t, rank_ic_hac_t; test adds arr, ir, mdd, calmar (qlib's
risk_analysis of the excess return with cost: summed, 238 days a year),
excess_return_with_cost and excess_return_without_cost {annualized_return,
information_ratio, max_drawdown, calmar, mean, std}, rdagent {the same,
compounded, 252 days a year}, cumulative_excess_return_with_cost,
turnover, trade_days. Then library (the same numbers with the model,
per-day series, quantiles, ic_decay), baseline (same shape) or null,
transfer, notes, dates, factors (per-factor valid/test RankIC and HAC t),
multiple_testing (deflated Sharpe ratio, Bonferroni), seconds (per stage),
peak_rss_mib.

${optionsHelp(OPTIONS)}`;

export async function run(argv: string[], io: CommandIO = processIO): Promise<number> {
  return runCommand({ name: 'backtest', usage: USAGE, options: OPTIONS, body: backtest }, argv, io);
}

/** One factor of a library to backtest. */
interface LibraryFactor {
  readonly name: string;
  readonly expression: string;
  readonly family: string | null;
}

interface LibrarySource {
  readonly source: string;
  /** A built-in library's factors depend on the data's fields (Alpha158's VWAP0): resolved once it is read. */
  readonly builtIn: BuiltIn | null;
  readonly factors: readonly LibraryFactor[];
  /** The mining run the file sits in, if any. */
  readonly run: RunDirectory | null;
}

interface Settings {
  readonly dataDir: string;
  readonly universe: string;
  readonly model: (typeof MODELS)[number];
  readonly seed: number;
  readonly strategy: TopkDropoutConfig;
  readonly marketOption: Market | undefined;
  readonly benchmarkOption: string | undefined;
}

async function backtest(args: ParsedArgs, io: CommandIO): Promise<number> {
  const started = performance.now();
  const seconds: Record<string, number> = {};
  let lap = started;
  const time = (stage: string): void => {
    const now = performance.now();
    seconds[stage] = (seconds[stage] ?? 0) + (now - lap) / 1000;
    lap = now;
  };
  const progress = (line: string): void => io.err(`alphaswarm backtest: ${line}`);

  const settings = readSettings(args);
  const dates = {
    train: parseSplit(requireString(args, 'train', 'backtest')),
    valid: parseSplit(requireString(args, 'valid', 'backtest')),
    test: parseSplit(requireString(args, 'test', 'backtest')),
  };
  const libraryFile = readLibrary(requireString(args, 'library', 'backtest'));
  const baselineName = builtInOption(args, 'baseline');
  const addName = builtInOption(args, 'add');
  const reportFile = stringOption(args, 'report');
  const dumpFile = stringOption(args, 'dump-scores');

  const panel = loadPanel(settings.dataDir, { universe: settings.universe });
  const universe = panel.universes[settings.universe];
  if (!universe) throw new CommandError(`unknown universe '${settings.universe}' (universes here: ${Object.keys(panel.universes).join(', ')})`);
  const fields = new Set(Object.keys(panel.fields));
  if (!fields.has('close')) throw new CommandError(`${settings.dataDir} has no $close field: nothing to trade at`);
  const read = libraryFile.builtIn ? { ...libraryFile, factors: builtInFactors(libraryFile.builtIn, fields) } : libraryFile;
  const library = addName ? { ...read, source: `${addName} + ${read.source}`, factors: [...builtInFactors(addName, fields), ...read.factors] } : read;
  const libraryFactors = compileAll(library.factors, fields, `--library ${library.source}`);
  const baseline = baselineName ? builtInFactors(baselineName, fields) : null;
  const baselineFactors = baseline ? compileAll(baseline, fields, `--baseline ${baselineName}`) : null;
  const splits = splitCalendar(panel.calendar, dates);
  time('load');

  const notes: string[] = [...splits.agent.notes];
  // A fresh engine per batch: its buffer pool is released when the batch is done, not held through the model's fit.
  const engine = (): FactorEngine => new FactorEngine(panel, { universe: universe.mask, resultBudgetBytes: ENGINE_BUDGET_BYTES });
  const label = engine().evaluate(compileOrThrow(compileLabel(DEFAULT_LABEL, { fields }), 'label').ast);
  const inputs: ScoringInputs = { N: panel.N, T: panel.T, label, universe: universe.mask };
  // The entry point opens the sealed test period: its day range, for the backtest.
  const periods = finalReport([], inputs, splits).periods;
  const portfolioSplits: PortfolioSplits = { train: periods.train, valid: periods.valid, test: periods.test };
  const market = settings.marketOption ?? detectMarket(panel);
  const exchange: ExchangeConfig = market === 'cn' ? CHINA_A_SHARES : US_EQUITIES;
  const benchmark = resolveBenchmark(settings, panel);
  notes.push(...marketNotes(settings, market, benchmark, panel, library, libraryFactors));
  time('load');

  progress(`${library.factors.length} factors on ${panel.N} instruments x ${panel.T} days; ${settings.model} on train ${periods.train.first}..${periods.train.last}`);
  const factorRows = new FactorRowCollector(library.factors, libraryFactors, inputs, periods);
  const runLibrary = (): PortfolioResult =>
    runPortfolio({
      panel,
      factorValues: streamed(engine, libraryFactors, (k, values) => factorRows.add(k, values)),
      factorNames: library.factors.map((f) => f.name),
      label,
      universeMask: universe.mask,
      splits: portfolioSplits,
      benchmark,
      model: settings.model,
      seed: settings.seed,
      strategy: settings.strategy,
      exchange,
    });
  const libraryResult = combine(runLibrary);
  time('library');
  splitTimings(seconds, 'library', libraryResult);
  let baselineResult: PortfolioResult | null = null;
  if (baseline && baselineFactors) {
    progress(`baseline ${baselineName}: ${baselineFactors.length} factors`);
    baselineResult = combine(() =>
      runPortfolio({
        panel,
        factorValues: streamed(engine, baselineFactors, () => {}),
        factorNames: baseline.map((f) => f.name),
        label,
        universeMask: universe.mask,
        splits: portfolioSplits,
        benchmark,
        model: settings.model,
        seed: settings.seed,
        strategy: settings.strategy,
        exchange,
      }),
    );
    time('baseline');
    splitTimings(seconds, 'baseline', baselineResult);
  }

  const results = [libraryResult, ...(baselineResult ? [baselineResult] : [])];
  const testSeries = results.map((r) => rowsToSeries(r.predictions.test.rows, r.predictions.test.score, panel));
  const decay = icDecay(engine, fields, inputs, periods.test, testSeries);
  const quantiles = testSeries.map((series) => scoreFactor(series, inputs, periods.test).quantiles.meanLabel);
  time('diagnostics');

  const calendar = panel.calendar;
  const extras = (k: number) => ({ quantiles: quantiles[k]!, icDecay: decay.map((d) => ({ horizon: d.horizon, label: d.label, ...d.scores[k]! })) });
  const libraryStrategy = strategyResult(library.source, libraryResult, settings.seed, calendar, extras(0));
  const factors = factorRows.rows();
  const document: BacktestDocument = {
    kind: 'alphaswarm.backtest',
    version: 1,
    created: new Date().toISOString(),
    data: resolve(settings.dataDir),
    universe: universe.name,
    market,
    exchange: {
      open_cost: exchange.openCost,
      close_cost: exchange.closeCost,
      min_cost: exchange.minCost,
      trade_unit: exchange.tradeUnit,
      limit_threshold: exchange.limitThreshold,
    },
    strategy: { topk: settings.strategy.topk, n_drop: settings.strategy.nDrop, hold_thresh: settings.strategy.holdThresh, risk_degree: settings.strategy.riskDegree },
    benchmark: { name: libraryResult.backtest.benchmark, kind: benchmark.kind },
    label: DEFAULT_LABEL,
    periods: {
      train: { first: periods.train.first, last: periods.train.last, days: periods.train.end - periods.train.start },
      valid: { first: periods.valid.first, last: periods.valid.last, days: periods.valid.end - periods.valid.start },
      test: { first: periods.test.first, last: periods.test.last, days: periods.test.end - periods.test.start },
    },
    train: libraryStrategy.train,
    valid: libraryStrategy.valid,
    test: libraryStrategy.test,
    library: { ...libraryStrategy, source: library.source, run_dir: library.run?.dir ?? null },
    baseline: baselineResult ? strategyResult(baselineName!, baselineResult, settings.seed, calendar, extras(1)) : null,
    versus_baseline: baselineResult
      ? {
        valid: pairedDifference(libraryResult.signal.valid, baselineResult.signal.valid),
        test: pairedDifference(libraryResult.signal.test, baselineResult.signal.test),
      }
      : null,
    transfer: transferNote(args, library, settings.dataDir),
    notes: [...notes, ...libraryResult.backtest.run.notes],
    dates: [...libraryResult.backtest.dates],
    factors,
    multiple_testing: multipleTesting(libraryResult, library.run, factors),
    seconds: {},
    peak_rss_mib: 0,
  };
  if (document.transfer) document.notes.push(document.transfer.note);

  if (dumpFile) writeScores(dumpFile, libraryResult, panel);
  time('output');
  if (reportFile) {
    writeReport(reportFile, document, library.run);
    time('report');
  }
  Object.assign(document.seconds, seconds, { total: (performance.now() - started) / 1000 });
  document.peak_rss_mib = Math.round(peakRssBytes() / 2 ** 20);
  await writeOut(io.out, args.options.json ? `${JSON.stringify(document)}\n` : summaryText(document));
  return 0;
}

/** Where a strategy's time went: features (computed, scored per factor, processed), fit, predict, backtest. */
function splitTimings(seconds: Record<string, number>, name: string, result: PortfolioResult): void {
  const t = result.timingsMs;
  seconds[`${name}_features`] = t.prepare / 1000;
  seconds[`${name}_fit`] = t.fit / 1000;
  seconds[`${name}_predict`] = t.predict / 1000;
  seconds[`${name}_backtest`] = t.backtest / 1000;
}

function readSettings(args: ParsedArgs): Settings {
  const model = stringOption(args, 'model') ?? 'xgboost';
  if (!(MODELS as readonly string[]).includes(model)) throw new UsageError(`--model must be ${MODELS.join(' or ')}, got ${JSON.stringify(model)}`);
  const market = stringOption(args, 'market');
  if (market !== undefined && !(MARKETS as readonly string[]).includes(market)) throw new UsageError(`--market must be ${MARKETS.join(' or ')}, got ${JSON.stringify(market)}`);
  const topk = integerOption(args, 'topk', QLIB_TOPK_DROPOUT.topk, 1);
  const nDrop = integerOption(args, 'n-drop', QLIB_TOPK_DROPOUT.nDrop, 1);
  if (nDrop > topk) throw new UsageError(`--n-drop ${nDrop} is more than --topk ${topk}`);
  return {
    dataDir: requireString(args, 'data', 'backtest'),
    universe: stringOption(args, 'universe') ?? 'all',
    model: model as Settings['model'],
    seed: integerOption(args, 'seed', 0, 0),
    strategy: { ...QLIB_TOPK_DROPOUT, topk, nDrop },
    marketOption: market as Market | undefined,
    benchmarkOption: stringOption(args, 'benchmark'),
  };
}

function integerOption(args: ParsedArgs, name: string, fallback: number, min: number): number {
  const text = stringOption(args, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < min) throw new UsageError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  return value;
}

function builtInOption(args: ParsedArgs, name: string): BuiltIn | null {
  const value = stringOption(args, name);
  if (value === undefined) return null;
  if (!(BUILT_IN as readonly string[]).includes(value)) throw new UsageError(`--${name} must be ${BUILT_IN.join(' or ')}, got ${JSON.stringify(value)}`);
  return value as BuiltIn;
}

function builtInFactors(name: BuiltIn, fields: ReadonlySet<string>): LibraryFactor[] {
  const factors = name === 'alpha158' ? alpha158(fields) : ALPHA20;
  return factors.map((f) => ({ name: f.name, expression: f.expression, family: alpha158Group(f.name) }));
}

const KBAR = new Set(['KMID', 'KLEN', 'KMID2', 'KUP', 'KUP2', 'KLOW', 'KLOW2', 'KSFT', 'KSFT2']);

/** A built-in factor's family: its Alpha158 feature group (KBAR, or the rolling operator's prefix: ROC, STD, CORR, ...). */
function alpha158Group(name: string): string {
  return KBAR.has(name) ? 'KBAR' : name.replace(/\d+$/, '');
}

/** --library: a built-in name, a library.json, or a text file of expressions. */
function readLibrary(spec: string): LibrarySource {
  if ((BUILT_IN as readonly string[]).includes(spec)) return { source: spec, builtIn: spec as BuiltIn, factors: [], run: null };
  let text: string;
  try {
    if (statSync(spec).isDirectory()) throw new CommandError(`--library ${spec} is a directory (give its library.json)`);
    text = readFileSync(spec, 'utf8');
  } catch (error) {
    if (error instanceof CommandError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new CommandError(`cannot read --library ${spec}: ${code === 'ENOENT' ? `no such file (and not one of ${BUILT_IN.join(', ')})` : (error as Error).message}`);
  }
  const dir = dirname(resolve(spec));
  const run = isRunDirectory(dir) ? readRunDirectory(dir) : null;
  if (text.trimStart().startsWith('[')) {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new CommandError(`--library ${spec} is not valid JSON: ${(error as Error).message}`);
    }
    let entries;
    try {
      entries = parseLibraryJson(json, `--library ${spec}`);
    } catch (error) {
      throw new CommandError((error as Error).message);
    }
    const factors = entries.map((e, k) => ({ name: entryName(e, k), expression: e.expression, family: e.family ?? null }));
    return { source: spec, builtIn: null, factors, run };
  }
  return { source: spec, builtIn: null, factors: parseExprFile(text, spec).map((e) => ({ name: e.name, expression: e.expression, family: null })), run };
}

function compileOrThrow(result: ReturnType<typeof compileFactor>, what: string): CompiledFactor {
  if (!result.ok) throw new CommandError(`${what}: ${result.error.message}`);
  return result;
}

function compileAll(factors: readonly LibraryFactor[], fields: ReadonlySet<string>, where: string): CompiledFactor[] {
  return factors.map((f) => compileOrThrow(compileFactor(f.expression, { fields }), `${where} factor ${f.name}`));
}

/**
 * The library's factors as a stream for runPortfolio: the engine evaluates
 * them in chunks and each result is handed on (and to `alsoVisit`) before
 * its buffer is recycled.
 */
function streamed(engine: () => FactorEngine, compiled: readonly CompiledFactor[], alsoVisit: (k: number, values: Float64Array) => void): FactorSeries {
  return {
    length: compiled.length,
    forEach(visit) {
      engine().evaluateBatch(
        compiled.map((c) => c.ast),
        (k, values) => {
          alsoVisit(k, values);
          visit(values, k);
        },
      );
    },
  };
}

/** Runs the combiner; XGBoost's missing library is a one-line error naming the apt package. */
function combine(run: () => PortfolioResult): PortfolioResult {
  try {
    return run();
  } catch (error) {
    if (error instanceof XgboostError) throw new CommandError(`${error.message} (or --model ridge)`);
    throw error;
  }
}

/** A-shares when the data has the CSI 300 index or exchange-prefixed codes (SH600000). */
function detectMarket(panel: Panel): Market {
  return panel.symbols.some((s) => /^(SH|SZ|BJ)\d{6}$/.test(s)) ? 'cn' : 'us';
}

function resolveBenchmark(settings: Settings, panel: Panel): Benchmark {
  const symbol = settings.benchmarkOption;
  const tryIndex = (name: string, required: boolean): Benchmark | null => {
    let index: Panel;
    try {
      index = loadPanel(settings.dataDir, { instruments: [name], fields: ['close'] });
    } catch (error) {
      if (!(error instanceof DataError) || required) throw error instanceof DataError ? new CommandError(`--benchmark ${name}: ${error.message}`) : error;
      return null;
    }
    if (index.T !== panel.T || index.calendar[0] !== panel.calendar[0]) {
      throw new CommandError(`benchmark ${name}: its calendar (${index.T} days from ${index.calendar[0]}) differs from the data's (${panel.T} days from ${panel.calendar[0]})`);
    }
    return indexBenchmark(index, name);
  };
  if (symbol !== undefined) return tryIndex(symbol, true)!;
  return tryIndex(DEFAULT_INDEX, false) ?? { kind: 'universe-mean' };
}

function marketNotes(settings: Settings, market: Market, benchmark: Benchmark, panel: Panel, library: LibrarySource, compiled: readonly CompiledFactor[]): string[] {
  const notes: string[] = [];
  notes.push(
    market === 'cn'
      ? `market cn${settings.marketOption ? '' : ' (from the data)'}: a stock that moved 9.5 % or more either way that day is not traded; buys in lots of 100 shares`
      : `market us${settings.marketOption ? '' : ' (from the data)'}: no price limit, no lot size`,
  );
  notes.push(
    benchmark.kind === 'index'
      ? `benchmark: ${benchmark.name}'s own close`
      : `benchmark: the equal-weight mean daily return of the universe's members (the data has no ${settings.benchmarkOption ?? DEFAULT_INDEX} index)`,
  );
  if (/sp500/i.test(settings.dataDir) || /sp500/i.test(settings.universe)) {
    notes.push('us_sp500 holds the S&P 500 members of April 2021 only: survivorship-biased, so its numbers flatter any strategy (fine for transfer comparisons, not for headline claims)');
  }
  const readsChange = library.factors.filter((_, k) => fieldNames(compiled[k]!.ast).includes('change')).map((f) => f.name);
  if (readsChange.length > 0) {
    notes.push(
      `warning: ${readsChange.length} factor(s) read $change (${readsChange.slice(0, 5).join(', ')}${readsChange.length > 5 ? ', ...' : ''}), whose units differ between data sets (a percentage in cn_csi300, a ratio in us_sp500)`,
    );
  }
  if (panel.source.kind === 'csv') notes.push('CSV data: prices adjusted from the vendor columns as the CSV reader documents');
  return notes;
}

/** The transfer note: a library mined on another market (its run says where, or --transfer-from). */
function transferNote(args: ParsedArgs, library: LibrarySource, dataDir: string): BacktestDocument['transfer'] {
  const to = resolve(dataDir);
  const explicit = stringOption(args, 'transfer-from');
  const minedOn = explicit ?? library.run?.dataDir ?? null;
  if (minedOn === null) return null;
  if (explicit === undefined && resolve(minedOn) === to) return null;
  return {
    from: minedOn,
    to,
    note: `transfer: the library was mined on ${minedOn} and is applied zero-shot to ${to}: the expressions are unchanged; only the combiner is fitted, on this market's train period (as QuantaAlpha transfers CSI 300 factors)`,
  };
}

/** Per-factor RankIC (and its HAC t) on valid and test: the multiple-testing table. */
class FactorRowCollector {
  private readonly scores: { valid: FactorScore; test: FactorScore }[] = [];
  private readonly contexts;

  constructor(
    private readonly factors: readonly LibraryFactor[],
    private readonly compiled: readonly CompiledFactor[],
    inputs: ScoringInputs,
    periods: { valid: { start: number; end: number }; test: { start: number; end: number } },
  ) {
    this.contexts = { valid: createLabelContext(inputs, periods.valid), test: createLabelContext(inputs, periods.test) };
  }

  add(k: number, values: Float64Array): void {
    this.scores[k] = { valid: scoreWithContext(values, this.contexts.valid), test: scoreWithContext(values, this.contexts.test) };
  }

  rows(): FactorRow[] {
    const summary = (s: FactorScore) => ({ rank_ic: finiteOrNull(s.rankIc.mean), rank_icir: finiteOrNull(s.rankIc.ir), rank_ic_hac_t: finiteOrNull(s.rankIc.hacT) });
    return this.factors.map((f, k) => ({
      name: f.name,
      expression: this.compiled[k]!.canonical,
      family: f.family ?? 'untagged',
      valid: summary(this.scores[k]!.valid),
      test: summary(this.scores[k]!.test),
    }));
  }
}

interface DecayPoint {
  readonly horizon: number;
  readonly label: string;
  /** Per strategy (library, baseline). */
  readonly scores: { ic: number; rankIc: number }[];
}

/** IC and RankIC of each test prediction against the return h days ahead. */
function icDecay(engine: () => FactorEngine, fields: ReadonlySet<string>, inputs: ScoringInputs, test: { start: number; end: number }, predictions: readonly Float64Array[]): DecayPoint[] {
  const labels = DECAY_HORIZONS.map((h) => compileOrThrow(compileLabel(horizonLabel(h), { fields }), `label h=${h}`));
  const points: DecayPoint[] = [];
  engine().evaluateBatch(
    labels.map((l) => l.ast),
    (k, label) => {
      const scores = predictions.map((p) => {
        const s = scoreFactor(p, { ...inputs, label }, test);
        return { ic: s.ic.mean, rankIc: s.rankIc.mean };
      });
      points.push({ horizon: DECAY_HORIZONS[k]!, label: labels[k]!.canonical, scores });
    },
  );
  return points;
}

function multipleTesting(result: PortfolioResult, run: RunDirectory | null, factors: readonly FactorRow[]): BacktestDocument['multiple_testing'] {
  const moments = returnMoments(result.backtest.excessWithCost);
  const trials = run ? trialStatistics(run) : null;
  const n = trials?.trials ?? 1;
  const variance = trials?.sharpeVariance ?? 0;
  const dsr =
    moments.observations >= 2 && Number.isFinite(moments.sharpe)
      ? deflatedSharpe({ sharpe: moments.sharpe, observations: moments.observations, skewness: moments.skewness, kurtosis: moments.kurtosis, trials: n, trialSharpeVariance: variance })
      : null;
  const bonferroni = bonferroniCriticalT(Math.max(1, factors.length));
  return {
    observations: moments.observations,
    sharpe: finiteOrNull(moments.sharpe),
    sharpe_annualized: finiteOrNull(moments.sharpe * Math.sqrt(252)),
    skewness: finiteOrNull(moments.skewness),
    kurtosis: finiteOrNull(moments.kurtosis),
    trials: n,
    trials_source: trials
      ? trials.source
      : 'no mining run behind this library: one strategy tried, so the deflated Sharpe ratio is the probabilistic Sharpe ratio against 0',
    trial_sharpe_variance: trials ? finiteOrNull(variance) : null,
    trial_sharpe_variance_source: trials ? trials.varianceSource : 'not needed for one trial',
    expected_max_sharpe: dsr ? finiteOrNull(dsr.expectedMaxSharpe) : null,
    deflated_sharpe_ratio: dsr ? finiteOrNull(dsr.deflatedSharpeRatio) : null,
    bonferroni_t: finiteOrNull(bonferroni),
    factor_tests: factors.length,
    factors_passing_bonferroni: factors.filter((f) => f.test.rank_ic_hac_t !== null && Math.abs(f.test.rank_ic_hac_t) > bonferroni).length,
  };
}

/** split,date,instrument,score: every prediction row (train and valid: labelled rows; test: every member). */
function writeScores(file: string, result: PortfolioResult, panel: Panel): void {
  const lines = ['split,date,instrument,score'];
  for (const split of ['train', 'valid', 'test'] as const) {
    const { rows, score } = result.predictions[split];
    for (let r = 0; r < rows.count; r++) lines.push(`${split},${panel.calendar[rows.day[r]!]},${panel.symbols[rows.instrument[r]!]},${score[r]}`);
  }
  writeFile(file, `${lines.join('\n')}\n`, '--dump-scores');
}

function writeReport(file: string, document: BacktestDocument, run: RunDirectory | null): void {
  writeFile(file, renderBacktestReport(document, run), '--report');
}

function writeFile(file: string, text: string, option: string): void {
  try {
    writeFileSync(file, text);
  } catch (error) {
    throw new CommandError(`cannot write ${option} ${file}: ${(error as Error).message}`);
  }
}

function pct(x: number | null, digits = 2): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(digits)}%`;
}

function fix(x: number | null, digits = 4): string {
  return x === null ? 'n/a' : x.toFixed(digits);
}

function signed(x: number | null): string {
  return x === null ? 'n/a' : `${x >= 0 ? '+' : ''}${x.toFixed(4)}`;
}

function summaryText(doc: BacktestDocument): string {
  const lines: string[] = [];
  const { periods } = doc;
  lines.push(`backtest of ${doc.library.source} (${doc.library.factors} factors) on ${doc.data}, universe ${doc.universe}, market ${doc.market}`);
  lines.push(`model ${doc.library.model.kind}; train ${periods.train.first}..${periods.train.last}, valid ${periods.valid.first}..${periods.valid.last}, test ${periods.test.first}..${periods.test.last}`);
  const row = (name: string, s: BacktestDocument['train']) =>
    `  ${name.padEnd(22)} IC ${fix(s.ic)}  ICIR ${fix(s.icir, 3)}  RankIC ${fix(s.rank_ic)}  RankICIR ${fix(s.rank_icir, 3)}  (${s.days} days)`;
  const strategies = [doc.library, ...(doc.baseline ? [doc.baseline] : [])];
  for (const s of strategies) {
    lines.push(`${s === doc.library ? 'library' : `baseline ${s.name}`}:`);
    lines.push(row('train', s.train));
    lines.push(row('valid', s.valid));
    lines.push(row('test (final report)', s.test));
    const t = s.test;
    lines.push(
      `  excess return with cost (qlib): ARR ${pct(t.arr)}  IR ${fix(t.ir, 3)}  MDD ${pct(t.mdd)}  Calmar ${fix(t.calmar, 3)}; without cost ARR ${pct(t.excess_return_without_cost.annualized_return)}; turnover ${pct(t.turnover)}/day`,
    );
  }
  if (doc.versus_baseline) {
    for (const period of ['valid', 'test'] as const) {
      const d = doc.versus_baseline[period];
      lines.push(
        `library minus ${doc.baseline!.name} on ${period} (${d.days} days): IC ${signed(d.ic_difference)} (HAC t ${fix(d.ic_difference_hac_t, 2)}), RankIC ${signed(d.rank_ic_difference)} (HAC t ${fix(d.rank_ic_difference_hac_t, 2)})`,
      );
    }
  }
  const m = doc.multiple_testing;
  lines.push(`deflated Sharpe ratio ${fix(m.deflated_sharpe_ratio, 3)} (trials ${m.trials}); factors with |test RankIC t| > ${fix(m.bonferroni_t, 2)}: ${m.factors_passing_bonferroni} of ${m.factor_tests}`);
  for (const note of doc.notes) lines.push(`note: ${note}`);
  lines.push(`${fix(doc.seconds.total ?? null, 1)} s in all, peak RSS ${doc.peak_rss_mib} MiB`);
  return `${lines.join('\n')}\n`;
}
