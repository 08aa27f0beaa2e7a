/**
 * `alphaswarm compute`: computes every value of a factor library over a
 * whole panel, as a throughput and sanity check: how long, how much memory,
 * how many values are missing. Results are streamed out of the engine a
 * block of instruments at a time and only their missing-value counts kept
 * (evaluator/missingCells.ts), on this thread or in each worker of a pool,
 * so Alpha158 on CSI 300 never holds a whole-panel result array.
 */
import { readFileSync } from 'node:fs';
import { FactorEngine } from '../../evaluator/engine.js';
import { countMissing } from '../../evaluator/missingCells.js';
import { EvaluationPool } from '../../evaluator/pool.js';
import { ALPHA20 } from '../../evaluator/libraries/alpha20.js';
import { alpha158 } from '../../evaluator/libraries/alpha158.js';
import type { NamedFactor } from '../../evaluator/libraries/types.js';
import type { CompiledFactor } from '../../operators/index.js';
import { compileFactor } from '../../operators/index.js';
import { optionsHelp, UsageError, type OptionSpec, type ParsedArgs } from '../args.js';
import { CommandError, processIO, runCommand, writeOut, type CommandIO } from '../command.js';
import { DATA_OPTIONS, compileExpression, openData, peakRssBytes, stringOption } from '../engineOptions.js';
import { parseExprFile } from '../exprFile.js';

const LIBRARIES = ['alpha158', 'alpha20'] as const;
/** More threads than this only adds overhead on any machine this runs on. */
const MAX_THREADS = 256;
type LibraryName = (typeof LIBRARIES)[number];

const OPTIONS: Record<string, OptionSpec> = {
  library: { type: 'string', description: `a built-in library: ${LIBRARIES.join(', ')}` },
  exprs: { type: 'string', description: 'instead of --library: a file of expressions, one a line (see above)' },
  ...DATA_OPTIONS,
  threads: { type: 'string', description: 'threads: 1 (default) runs the engine on this thread; K > 1 a pool of K workers sharing the panel' },
  json: { type: 'boolean', description: 'print one JSON object instead of the summary' },
  help: { type: 'boolean', description: 'show this help' },
};

const USAGE = `usage: alphaswarm compute (--library NAME | --exprs FILE) [--data DIR] [--universe U] [--threads K] [--json]

Computes every value of every factor over the whole panel (each instrument's
whole history) and reports the time, the peak memory (worker threads
included) and each factor's share of missing values. With --threads K > 1,
K worker threads share the panel and split the instruments (the factors,
when cross-sectional operators need whole days). alpha158 is qlib's Alpha158 (158
factors, 157 when the data has no $vwap); alpha20 is R&D-Agent(Q)'s seed pool.

An --exprs file holds one expression a line; '#' starts a comment, blank
lines are skipped, and a line may name its factor: 'name = expr' or
'name<TAB>expr' (unnamed factors are called line<N>). A line that does not
compile stops the command with its line and column.

--json fields: factors, library, data, universe, instruments, days,
threads, seconds (total wall time), load_seconds, compile_seconds,
compute_seconds, peak_rss_bytes, peak_rss_mib, nan_ratio {min, median,
mean, max} over factors, per_factor [{name, expr, nan_ratio}] (nan_ratio:
share of the universe's member cells whose value is NaN or +-inf), notes.

${optionsHelp(OPTIONS)}`;

export async function run(argv: string[], io: CommandIO = processIO): Promise<number> {
  return runCommand({ name: 'compute', usage: USAGE, options: OPTIONS, body: computeLibrary }, argv, io);
}

/** A factor to compute and where it came from, for error messages. */
interface Source {
  readonly name: string;
  readonly expression: string;
  /** How to name it in an error: `--library alpha158 factor KMID`, `FILE line 5`. */
  readonly where: string;
  /** Column of the expression in its file line (0-based), to place an error; null for library factors. */
  readonly column: number | null;
}

async function computeLibrary(args: ParsedArgs, io: CommandIO): Promise<number> {
  const started = performance.now();
  const library = stringOption(args, 'library');
  const file = stringOption(args, 'exprs');
  if ((library === undefined) === (file === undefined)) throw new UsageError('give exactly one of --library NAME or --exprs FILE');
  if (library !== undefined && !(LIBRARIES as readonly string[]).includes(library)) {
    throw new UsageError(`unknown library ${JSON.stringify(library)} (libraries: ${LIBRARIES.join(', ')})`);
  }
  // A broken file is reported before the data is read.
  const fromFile = file === undefined ? null : fileSources(file);

  const threads = threadCount(args);
  const data = openData(args);
  const { panel, universe } = data;
  const fields = new Set(Object.keys(panel.fields));
  const sources = fromFile ?? librarySources(library as LibraryName, fields);

  const compileStarted = performance.now();
  const compiled = sources.map((source) => compileSource(source, fields));
  for (const note of data.notes) io.err(`alphaswarm compute: note: ${note}`);
  const computeStarted = performance.now();

  const mask = universe.mask;
  const roots = compiled.map((c) => c.ast);
  let missing: Float64Array;
  if (threads === 1) {
    missing = countMissing(new FactorEngine(panel, { universe: mask }), roots, mask);
  } else {
    const pool = EvaluationPool.create(panel, { workers: threads, universe: mask });
    try {
      missing = await pool.countMissing(roots);
    } finally {
      await pool.close();
    }
  }
  const ended = performance.now();
  let memberCells = 0;
  for (let k = 0; k < mask.length; k++) if (mask[k] === 1) memberCells++;
  const nanRatios = missing.map((m) => (memberCells > 0 ? m / memberCells : NaN));

  const report: ComputeReport = {
    factors: compiled.length,
    library: library ?? file!,
    data: data.source,
    universe: universe.name,
    instruments: panel.N,
    days: panel.T,
    threads,
    seconds: (ended - started) / 1000,
    load_seconds: data.loadSeconds,
    compile_seconds: (computeStarted - compileStarted) / 1000,
    compute_seconds: (ended - computeStarted) / 1000,
    peak_rss_bytes: peakRssBytes(),
    peak_rss_mib: Math.round(peakRssBytes() / 2 ** 20),
    nan_ratio: distribution(nanRatios),
    per_factor: sources.map((s, k) => ({ name: s.name, expr: compiled[k]!.canonical, nan_ratio: nanRatios[k]! })),
    notes: data.notes,
  };
  await writeOut(io.out, args.options.json ? `${JSON.stringify(report)}\n` : summaryText(report));
  return 0;
}

/** --threads: 1 (default) or a pool size. */
function threadCount(args: ParsedArgs): number {
  const text = stringOption(args, 'threads');
  if (text === undefined) return 1;
  const threads = Number(text);
  if (!/^\d+$/.test(text.trim()) || threads < 1 || threads > MAX_THREADS) {
    throw new UsageError(`--threads must be a whole number from 1 to ${MAX_THREADS}, got ${JSON.stringify(text)}`);
  }
  return threads;
}

function librarySources(library: LibraryName, fields: ReadonlySet<string>): Source[] {
  const factors: readonly NamedFactor[] = library === 'alpha158' ? alpha158(fields) : ALPHA20;
  return factors.map((f) => ({ name: f.name, expression: f.expression, where: `--library ${library} factor ${f.name}`, column: null }));
}

function fileSources(file: string): Source[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CommandError(`cannot read --exprs ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : (error as Error).message}`);
  }
  return parseExprFile(text, file).map((e) => ({ name: e.name, expression: e.expression, where: `${file} line ${e.line}`, column: e.column }));
}

/** Compiles against the data's own fields; a file line's error names its line and column. */
function compileSource(source: Source, fields: ReadonlySet<string>): CompiledFactor {
  if (source.column === null) return compileExpression(source.where, source.expression, 'factor', fields);
  const result = compileFactor(source.expression, { fields });
  if (result.ok) return result;
  const { span, detail } = result.error;
  throw new CommandError(span ? `${source.where}, column ${source.column + span.start + 1}: ${detail}` : `${source.where}: ${detail}`);
}

interface Distribution {
  readonly min: number;
  readonly median: number;
  readonly mean: number;
  readonly max: number;
}

function distribution(values: Float64Array): Distribution {
  const sorted = Float64Array.from(values.filter(Number.isFinite)).sort();
  const n = sorted.length;
  if (n === 0) return { min: NaN, median: NaN, mean: NaN, max: NaN };
  const median = n % 2 === 1 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
  return { min: sorted[0]!, median, mean: sorted.reduce((a, b) => a + b, 0) / n, max: sorted[n - 1]! };
}

interface ComputeReport {
  readonly factors: number;
  readonly library: string;
  readonly data: string;
  readonly universe: string;
  readonly instruments: number;
  readonly days: number;
  readonly threads: number;
  readonly seconds: number;
  readonly load_seconds: number;
  readonly compile_seconds: number;
  readonly compute_seconds: number;
  readonly peak_rss_bytes: number;
  readonly peak_rss_mib: number;
  readonly nan_ratio: Distribution;
  readonly per_factor: readonly { readonly name: string; readonly expr: string; readonly nan_ratio: number }[];
  readonly notes: readonly string[];
}

function summaryText(r: ComputeReport): string {
  const pct = (x: number): string => (Number.isFinite(x) ? `${(100 * x).toFixed(2)}%` : 'n/a');
  const worst = [...r.per_factor].sort((a, b) => b.nan_ratio - a.nan_ratio).slice(0, 5);
  const lines = [
    `computed ${r.factors} factors (${r.library}) over ${r.instruments} instruments x ${r.days} days of ${r.data}`,
    `time      ${r.seconds.toFixed(2)} s: load ${r.load_seconds.toFixed(2)} s, compile ${r.compile_seconds.toFixed(2)} s, compute ${r.compute_seconds.toFixed(2)} s on ${r.threads} thread${r.threads === 1 ? '' : 's'}`,
    `memory    peak RSS ${r.peak_rss_mib} MiB`,
    `missing   share of '${r.universe}' member cells per factor: min ${pct(r.nan_ratio.min)}, median ${pct(r.nan_ratio.median)}, mean ${pct(r.nan_ratio.mean)}, max ${pct(r.nan_ratio.max)}`,
    ...worst.map((f) => `          ${pct(f.nan_ratio).padStart(7)}  ${f.name}  ${f.expr}`),
  ];
  return `${lines.join('\n')}\n`;
}
