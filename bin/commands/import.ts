/**
 * `alphaswarm import --from quantaalpha FILE`: translates a factor library
 * QuantaAlpha (or AlphaAgent) wrote into our language and reports, factor by
 * factor, what was translated (and how exactly), what cannot be and why, and
 * what failed to parse and where. With --data it recomputes train and valid
 * metrics with our engine; with --out it writes those factors as a
 * library.json every part of the swarm reads.
 *
 * Library entries always carry train/valid metrics, so --out needs --data,
 * --train and --valid: without data the command only translates and reports.
 */
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import type { AgentMetrics } from '../../agents/domain.js';
import {
  EXACTNESS,
  EXACTNESS_MEANING,
  ImportError,
  importQuantaAlphaLibrary,
  libraryEntries,
  readQuantaAlphaLibrary,
  scoreFactors,
  type ImportedFactor,
  type ImportReport,
  type NameUse,
} from '../../agents/importers/index.js';
import { parseSplit } from '../../evaluator/data/index.js';
import { makeAgentSplits, resolveSplitRange, type AgentSplits } from '../../evaluator/metrics/splits.js';
import { UsageError, optionsHelp, requireString, type OptionSpec, type ParsedArgs } from '../args.js';
import { CommandError, processIO, runCommand, writeOut, type CommandIO } from '../command.js';
import { DEFAULT_LABEL, openData, stringOption, type OpenedData } from '../engineOptions.js';

const OPTIONS: Record<string, OptionSpec> = {
  from: { type: 'string', description: "the library's format: quantaalpha (QuantaAlpha's and AlphaAgent's factor_library JSON)" },
  out: { type: 'string', description: 'write the translated factors as a library.json here (needs --data, --train and --valid: entries carry metrics)' },
  data: { type: 'string', description: 'qlib data directory or directory of CSV files: recompute train/valid metrics of the translated factors' },
  universe: { type: 'string', description: "universe name with --data (qlib: instruments/<U>.txt, point-in-time); default 'all'" },
  train: { type: 'string', description: 'train period START:END with --data, e.g. 2010-01-01:2018-12-31' },
  valid: { type: 'string', description: 'valid period START:END with --data, e.g. 2019-01-01:2019-12-31' },
  model: { type: 'string', description: "who mined the library, for the entries' specialist imported:quantaalpha:<model>; default the file name" },
  json: { type: 'boolean', description: 'print the whole report as one JSON object instead of text' },
  help: { type: 'boolean', description: 'show this help' },
};

const USAGE = `usage: alphaswarm import --from quantaalpha FILE [--data DIR --universe U --train A:B --valid A:B [--out library.json]] [--model NAME] [--json]

Translates a QuantaAlpha factor library into our language. Every function of
theirs is mapped to an equivalent expression where our language has one, and
each translation says how exact it is:
${EXACTNESS.map((e) => `  ${e.padEnd(12)} ${EXACTNESS_MEANING[e]}`).join('\n')}
Everything else is reported factor by factor with the reason (a function our
language cannot express, a field the data does not have, a call their own
library rejects, look-ahead) or, for text that is not an expression, the
position where parsing failed. Nothing is guessed.

With --data the translated factors are scored with our engine on --train and
--valid (label ${DEFAULT_LABEL}; nothing after the valid period is read).
With --out they are written as library entries (origin 'imported').

Exit status 0 when the import ran, even with unsupported factors; 1 for bad
input (no such file, not a QuantaAlpha library); 2 for bad usage.

${optionsHelp(OPTIONS)}`;

export async function run(argv: string[], io: CommandIO = processIO): Promise<number> {
  return runCommand({ name: 'import', usage: USAGE, options: OPTIONS, positionals: 1, body: importLibrary }, argv, io);
}

const MAX_FILE_BYTES = 256 * 1024 * 1024;
const MAX_MODEL = 58; // `imported:quantaalpha:` + model fits the 80 characters of a specialist name

interface Written {
  readonly path: string;
  readonly entries: number;
  /** Their parent-trajectory links of the written factors, and how many point at a trajectory in this import (the ones kept). */
  readonly parentLinks: number;
  readonly keptParentLinks: number;
}

interface Scored {
  readonly data: OpenedData;
  readonly splits: AgentSplits;
  /** Metrics by factor id. */
  readonly metrics: ReadonlyMap<string, AgentMetrics>;
}

async function importLibrary(args: ParsedArgs, io: CommandIO): Promise<number> {
  const file = args.positionals[0];
  if (file === undefined) throw new UsageError('give the library file: alphaswarm import --from quantaalpha FILE');
  const format = requireString(args, 'from', 'import');
  if (format !== 'quantaalpha') throw new UsageError(`--from ${JSON.stringify(format)} is not a known format (formats: quantaalpha)`);
  const out = stringOption(args, 'out');
  const dataDir = stringOption(args, 'data');
  if (out !== undefined && dataDir === undefined) {
    throw new UsageError('--out writes library entries, which carry train/valid metrics: give --data, --train and --valid too');
  }
  if (dataDir === undefined) {
    for (const name of ['universe', 'train', 'valid']) if (args.options[name] !== undefined) throw new UsageError(`--${name} needs --data`);
  }
  const model = modelName(args, file);

  const report = importQuantaAlphaLibrary(readLibrary(file));
  const translated = report.factors.filter((f) => f.status === 'translated');
  const scored = dataDir === undefined ? null : score(args, translated, io);

  let written: Written | null = null;
  if (out !== undefined && scored) {
    const built = libraryEntries(translated, translated.map((f) => scored.metrics.get(f.id)!), { model });
    for (const [id, notes] of built.notes) for (const note of notes) io.err(`alphaswarm import: note: ${id}: ${note}`);
    writeAtomically(out, `${JSON.stringify(built.entries, null, 2)}\n`);
    const parentLinks = translated.reduce((n, f) => n + new Set(f.record!.parentTrajectoryIds).size, 0);
    const kept = built.entries.reduce((n, e) => n + e.parents.length, 0);
    written = { path: resolve(out), entries: built.entries.length, parentLinks, keptParentLinks: kept };
  }
  await writeOut(io.out, args.options.json ? `${JSON.stringify(jsonReport(file, model, report, scored, written))}\n` : textReport(file, report, scored, written));
  return 0;
}

function modelName(args: ParsedArgs, file: string): string {
  const given = stringOption(args, 'model');
  if (given !== undefined) {
    if (!/^[A-Za-z0-9._-]+$/.test(given) || given.length > MAX_MODEL) {
      throw new UsageError(`--model must be at most ${MAX_MODEL} letters, digits, '.', '_' or '-', got ${JSON.stringify(given)}`);
    }
    return given;
  }
  return basename(file, extname(file)).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, MAX_MODEL) || 'unknown';
}

function readLibrary(file: string): ReturnType<typeof readQuantaAlphaLibrary> {
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new CommandError(`${file}: not a file`);
    size = stat.size;
  } catch (error) {
    if (error instanceof CommandError) throw error;
    throw new CommandError(`${file}: no such file`);
  }
  if (size > MAX_FILE_BYTES) throw new CommandError(`${file}: ${size} bytes is larger than a factor library can be (${MAX_FILE_BYTES})`);
  try {
    return readQuantaAlphaLibrary(readFileSync(file, 'utf8'));
  } catch (error) {
    if (error instanceof ImportError) throw new CommandError(`${file}: ${error.message}`);
    throw error;
  }
}

function score(args: ParsedArgs, translated: readonly ImportedFactor[], io: CommandIO): Scored {
  const trainText = requireString(args, 'train', 'import');
  const validText = requireString(args, 'valid', 'import');
  const fields = new Set(['close', ...translated.flatMap((f) => f.compiled!.fields)]);
  const data = openData(args, [...fields]);
  const calendar = data.panel.calendar;
  const train = resolveSplitRange(calendar, 'train', parseSplit(trainText));
  const valid = resolveSplitRange(calendar, 'valid', parseSplit(validText));
  const splits = makeAgentSplits(train, valid, [...train.notes, ...valid.notes]);
  for (const note of [...data.notes, ...splits.notes]) io.err(`alphaswarm import: note: ${note}`);
  const metrics = scoreFactors(
    translated.map((f) => f.compiled!.ast),
    { panel: data.panel, universe: data.universe, splits, label: DEFAULT_LABEL },
  );
  return { data, splits, metrics: new Map(translated.map((f, i) => [f.id, metrics[i]!])) };
}

function writeAtomically(path: string, text: string): void {
  const target = resolve(path);
  const temporary = `${target}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(temporary, text);
    renameSync(temporary, target);
  } catch (error) {
    throw new CommandError(`--out ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

// ---- output ----

function jsonReport(file: string, model: string, report: ImportReport, scored: Scored | null, written: Written | null): unknown {
  return {
    file,
    format: report.format,
    model,
    exactness: EXACTNESS_MEANING,
    summary: report.summary,
    data: scored && {
      source: scored.data.source,
      universe: scored.data.universe.name,
      label: DEFAULT_LABEL,
      train: { first: scored.splits.train.first, last: scored.splits.train.last },
      valid: { first: scored.splits.valid.first, last: scored.splits.valid.last },
    },
    library: written,
    factors: report.factors.map((f) => ({
      id: f.id,
      name: f.name,
      status: f.status,
      source: f.source,
      expression: f.expression,
      exactness: f.exactness,
      notes: f.notes,
      problems: f.problems,
      duplicateOf: f.duplicateOf,
      metrics: scored?.metrics.get(f.id) ?? null,
    })),
  };
}

const STATUS_LABEL: Readonly<Record<ImportedFactor['status'], string>> = {
  translated: 'translated',
  unsupported: 'unsupported',
  parse_error: 'parse error',
  duplicate: 'duplicate',
  invalid: 'invalid',
};

function fixed(x: number | null | undefined, digits = 4): string {
  return x === null || x === undefined ? 'n/a' : x.toFixed(digits);
}

function factorLines(f: ImportedFactor, scored: Scored | null): string[] {
  const metrics = scored?.metrics.get(f.id);
  const tail = metrics ? `  train RankIC ${fixed(metrics.train.rankIc)}  valid RankIC ${fixed(metrics.valid.rankIc)}` : '';
  const head = `  ${f.id.padEnd(16)}  ${STATUS_LABEL[f.status].padEnd(11)}  ${(f.exactness ?? '').padEnd(11)}  ${f.name}${tail}`;
  const lines = [head];
  if (f.status === 'translated') lines.push(`      ${f.expression}`);
  if (f.status === 'duplicate') lines.push(`      same translation as ${f.duplicateOf}: ${f.expression}`);
  for (const p of f.problems) lines.push(`      ${p.message}`);
  return lines;
}

function useLines(rows: readonly NameUse[]): string[] {
  const width = Math.max(8, ...rows.map((r) => r.name.length));
  return rows.map((r) => `  ${r.name.padEnd(width)}  ${String(r.factors).padStart(4)} factors  ${String(r.translated).padStart(4)} translated  ${String(r.problems).padStart(4)} blocked  ${r.handling}`);
}

function textReport(file: string, report: ImportReport, scored: Scored | null, written: Written | null): string {
  const s = report.summary;
  const lines: string[] = [`${file}: QuantaAlpha library, ${s.factors} factors`, ''];
  for (const f of report.factors) lines.push(...factorLines(f, scored));
  lines.push('', 'summary');
  lines.push(`  translated    ${s.byStatus.translated}  (${EXACTNESS.map((e) => `${e} ${s.byExactness[e]}`).join(', ')})`);
  lines.push(`  unsupported   ${s.byStatus.unsupported}`, `  parse errors  ${s.byStatus.parse_error}`, `  duplicates    ${s.byStatus.duplicate}`, `  invalid       ${s.byStatus.invalid}`);
  lines.push('', 'factors not translated, by reason (a factor may have several)');
  for (const [code, n] of Object.entries(s.byReason).sort((a, b) => b[1] - a[1])) lines.push(`  ${code.padEnd(16)} ${n}`);
  lines.push('', 'functions', ...useLines(s.byFunction), '', 'fields', ...useLines(s.byField));
  const notes = new Map<string, number>();
  for (const f of report.factors) if (f.status === 'translated') for (const n of f.notes) notes.set(n, (notes.get(n) ?? 0) + 1);
  if (notes.size > 0) {
    lines.push('', 'notes on the translations (factors: note)');
    for (const [note, n] of [...notes].sort((a, b) => b[1] - a[1])) lines.push(`  ${String(n).padStart(4)}: ${note}`);
  }
  lines.push('', 'exactness', ...EXACTNESS.map((e) => `  ${e.padEnd(12)} ${EXACTNESS_MEANING[e]}`));
  if (scored) {
    const { splits, data } = scored;
    lines.push('', `metrics: ${data.source}, universe ${data.universe.name}, label ${DEFAULT_LABEL}, train ${splits.train.first}..${splits.train.last}, valid ${splits.valid.first}..${splits.valid.last}`);
  }
  if (written) {
    lines.push(`library: ${written.entries} entries written to ${written.path}`);
    lines.push(`lineage: ${written.keptParentLinks} of ${written.parentLinks} parent links point at a trajectory in this import (the others are dropped)`);
  }
  return `${lines.join('\n')}\n`;
}
