/**
 * `alphaswarm report RUN_DIR|BACKTEST_JSON --out FILE.html`: one
 * self-contained HTML file for a mining run (train and valid only: the
 * run's library, lineage, per-generation distributions, and, when its data
 * is at hand, the top factors' daily IC, quantiles and IC decay) or for a
 * backtest document (`alphaswarm backtest --json > FILE`, test period
 * included, with the run behind its library when there is one).
 */
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';

import { loadPanel, parseSplit, type DateSplit } from '../../evaluator/data/index.js';
import { FactorEngine } from '../../evaluator/engine.js';
import { scoreFactor, type ScoringInputs } from '../../evaluator/metrics/index.js';
import { resolveSplitRange, type SplitRange } from '../../evaluator/metrics/splits.js';
import { parseBacktestDocument } from '../../evaluator/report/backtestDocument.js';
import { finiteArray, finiteOrNull } from '../../evaluator/report/backtestDocument.js';
import { type RunAnalysis, renderBacktestReport, renderRunReport } from '../../evaluator/report/html.js';
import { type RunDirectory, isRunDirectory, readRunDirectory } from '../../evaluator/report/run.js';
import { compileFactor, compileLabel } from '../../operators/index.js';
import { UsageError, optionsHelp, requireString, type OptionSpec, type ParsedArgs } from '../args.js';
import { CommandError, processIO, runCommand, writeOut, type CommandIO } from '../command.js';
import { DEFAULT_LABEL, horizonLabel, stringOption } from '../engineOptions.js';

/** Library factors drawn in a run report's IC, quantile and decay charts. */
const TOP_FACTORS = 5;
const DECAY_HORIZONS = [1, 2, 3, 5, 10, 20] as const;

const OPTIONS: Record<string, OptionSpec> = {
  out: { type: 'string', description: 'the HTML file to write' },
  data: { type: 'string', description: "run reports: the run's data directory, when run.json does not name it" },
  universe: { type: 'string', description: "run reports: the run's universe, when run.json does not name it" },
  train: { type: 'string', description: "run reports: the run's train period A:B, when run.json does not name it" },
  valid: { type: 'string', description: "run reports: the run's valid period A:B, when run.json does not name it" },
  help: { type: 'boolean', description: 'show this help' },
};

const USAGE = `usage: alphaswarm report RUN_DIR|BACKTEST_JSON --out FILE.html [--data DIR --universe U --train A:B --valid A:B]

Writes one self-contained HTML file (inline SVG charts, no script, no
network) for a mining run directory or a backtest document (the output of
alphaswarm backtest --json). Each section says whether its numbers are from
the test period (backtests: the final report) or from train/valid (what the
miners saw); a section whose input is missing says so. For a run, the top
${TOP_FACTORS} library factors' daily RankIC, quantiles and IC decay need the run's data:
taken from run.json, or from --data/--universe/--train/--valid; the test
period is never computed for a run report.

${optionsHelp(OPTIONS)}`;

export async function run(argv: string[], io: CommandIO = processIO): Promise<number> {
  // The input comes first, as a positional; the shared option parser takes options only.
  const [input, ...rest] = argv;
  const withInput = input !== undefined && !input.startsWith('--');
  return runCommand(
    { name: 'report', usage: USAGE, options: OPTIONS, body: (args, commandIo) => report(withInput ? input : undefined, args, commandIo) },
    withInput ? rest : argv,
    io,
  );
}

async function report(input: string | undefined, args: ParsedArgs, io: CommandIO): Promise<number> {
  if (input === undefined) throw new UsageError('give a run directory or a backtest JSON file first (alphaswarm report RUN_DIR --out FILE.html)');
  const out = requireString(args, 'out', 'report');
  if (!existsSync(input)) throw new CommandError(`${input}: no such file or directory`);
  let html: string;
  if (statSync(input).isDirectory()) {
    if (!isRunDirectory(input)) throw new CommandError(`${input} is not a mining run directory (no library.json with run.json or trajectories.jsonl)`);
    const run = readRunDirectory(input);
    const { analysis, missing } = analyseRun(run, args, (line) => io.err(`alphaswarm report: ${line}`));
    html = renderRunReport(run, analysis, missing);
  } else {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(input, 'utf8'));
    } catch (error) {
      throw new CommandError(`${input} is not JSON: ${(error as Error).message}`);
    }
    let document;
    try {
      document = parseBacktestDocument(json, input);
    } catch (error) {
      throw new CommandError((error as Error).message);
    }
    const runDir = document.library.run_dir;
    const run: RunDirectory | null = runDir && isRunDirectory(runDir) ? readRunDirectory(runDir) : null;
    html = renderBacktestReport(document, run);
  }
  try {
    writeFileSync(out, html);
  } catch (error) {
    throw new CommandError(`cannot write --out ${out}: ${(error as Error).message}`);
  }
  await writeOut(io.out, `${out}\n`);
  return 0;
}

/** A string setting of the run: the option, else run.json (top level or its settings). */
function runSetting(run: RunDirectory, args: ParsedArgs, name: string, keys: readonly string[]): string | undefined {
  const option = stringOption(args, name);
  if (option !== undefined) return option;
  const json = run.runJson;
  if (!json) return undefined;
  for (const holder of [json, json.splits, json.settings, json.options, json.args]) {
    if (holder === null || typeof holder !== 'object') continue;
    for (const key of keys) {
      const value = (holder as Record<string, unknown>)[key];
      if (typeof value === 'string' && value !== '') return value;
      // A split stored as {start, end}.
      if (value !== null && typeof value === 'object' && ('start' in value || 'end' in value)) {
        const { start, end } = value as { start?: unknown; end?: unknown };
        return `${typeof start === 'string' ? start : ''}:${typeof end === 'string' ? end : ''}`;
      }
    }
  }
  return undefined;
}

/** The top factors' train/valid diagnostics, computed from the run's data with nothing past valid. */
function analyseRun(run: RunDirectory, args: ParsedArgs, progress: (line: string) => void): { analysis: RunAnalysis | null; missing: string } {
  const dataDir = stringOption(args, 'data') ?? run.dataDir ?? undefined;
  const universeName = runSetting(run, args, 'universe', ['universe']);
  const trainText = runSetting(run, args, 'train', ['train']);
  const validText = runSetting(run, args, 'valid', ['valid']);
  const absent = [dataDir ? null : 'data directory', universeName ? null : 'universe', trainText ? null : 'train period', validText ? null : 'valid period'].filter(Boolean);
  if (absent.length > 0) {
    return { analysis: null, missing: `the run's ${absent.join(', ')} unknown (run.json does not say; give --data, --universe, --train, --valid): daily IC, quantiles and IC decay need the data` };
  }
  if (!existsSync(dataDir!)) return { analysis: null, missing: `the run's data directory ${dataDir} is not here` };
  const top = [...run.library].sort((a, b) => (b.metrics?.valid?.rankIc ?? -Infinity) - (a.metrics?.valid?.rankIc ?? -Infinity)).slice(0, TOP_FACTORS);
  if (top.length === 0) return { analysis: null, missing: 'the library is empty' };

  const panel = loadPanel(dataDir!, { universe: universeName! });
  const universe = panel.universes[universeName!];
  if (!universe) throw new CommandError(`unknown universe '${universeName}' in ${dataDir}`);
  const split = (name: string, text: string): SplitRange => resolveSplitRange(panel.calendar, name, parseSplit(text) as DateSplit);
  const train = split('train', trainText!);
  const valid = split('valid', validText!);
  if (train.end > valid.start) throw new CommandError('the train period overlaps or follows the valid period');
  progress(`scoring the top ${top.length} library factors on train ${train.first}..${train.last} and valid ${valid.first}..${valid.last}`);
  const fields = new Set(Object.keys(panel.fields));
  // A run sees nothing on or after the end of valid; neither does its report.
  const engine = new FactorEngine(panel, { universe: universe.mask, lastDay: valid.end });
  const compile = (expression: string, kind: 'factor' | 'label') => {
    const result = kind === 'factor' ? compileFactor(expression, { fields }) : compileLabel(expression, { fields });
    if (!result.ok) throw new CommandError(`${expression}: ${result.error.message}`);
    return result.ast;
  };
  const label = engine.evaluate(compile(DEFAULT_LABEL, 'label'));
  const inputs: ScoringInputs = { N: panel.N, T: panel.T, label, universe: universe.mask };
  const decayLabels = DECAY_HORIZONS.map((h) => engine.evaluate(compile(horizonLabel(h), 'label')));
  const factors: RunAnalysis['factors'][number][] = [];
  engine.evaluateBatch(
    top.map((e) => compile(e.expression, 'factor')),
    (k, values) => {
      const onTrain = scoreFactor(values, inputs, train);
      const onValid = scoreFactor(values, inputs, valid);
      factors.push({
        name: top[k]!.name ?? top[k]!.id ?? `factor${k + 1}`,
        ic: [...finiteArray(onTrain.icPerDay), ...finiteArray(onValid.icPerDay)],
        rankIc: [...finiteArray(onTrain.rankIcPerDay), ...finiteArray(onValid.rankIcPerDay)],
        quantiles: finiteArray(onValid.quantiles.meanLabel),
        decay: DECAY_HORIZONS.map((horizon, h) => ({ horizon, rankIc: finiteOrNull(scoreFactor(values, { ...inputs, label: decayLabels[h]! }, valid).rankIc.mean) })),
      });
    },
  );
  return {
    analysis: {
      dates: [...panel.calendar.slice(train.start, train.end), ...panel.calendar.slice(valid.start, valid.end)],
      validStart: train.end - train.start,
      periods: { train: { first: train.first, last: train.last }, valid: { first: valid.first, last: valid.last } },
      factors,
    },
    missing: '',
  };
}
