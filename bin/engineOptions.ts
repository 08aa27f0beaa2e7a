/**
 * Options the engine commands share (--data, --universe, --seed, --start,
 * --end) and what they resolve to: a loaded panel with its universe, a day
 * range, compiled expressions. Every failure is a one-line CommandError,
 * DataError or UsageError (see command.ts).
 */
import { compileFactor, compileLabel, FIELD_DOCS, type CompiledFactor } from '../operators/index.js';
import { loadPanel, resolveDateRange, syntheticMarket } from '../evaluator/data/index.js';
import type { Panel, Universe } from '../evaluator/panel.js';
import type { DayRange } from '../evaluator/metrics/index.js';
import { UsageError, type OptionSpec, type ParsedArgs } from './args.js';
import { CommandError } from './command.js';

export const DATA_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  data: {
    type: 'string',
    description: 'qlib data directory (calendars/, instruments/, features/) or a directory of CSV files; default: the embedded synthetic market',
  },
  universe: { type: 'string', description: "universe name (qlib: instruments/<U>.txt, point-in-time); default 'all'" },
  seed: { type: 'string', description: 'seed of the embedded synthetic market (only without --data); default 1' },
};

export const DATE_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  start: { type: 'string', description: "first date, YYYY-MM-DD, inclusive; default the calendar's first day" },
  end: { type: 'string', description: "last date, YYYY-MM-DD, inclusive; default the calendar's last day" },
};

/** Fields an expression may name before the data is read: every documented field. The data then decides which it has. */
export const FIELD_VOCABULARY: ReadonlySet<string> = new Set(Object.keys(FIELD_DOCS));

/** qlib's default label: buy at the next close, sell at the close after. */
export const DEFAULT_LABEL = 'Ref($close,-2)/Ref($close,-1)-1';

/** The return from the next close to the close H days later (H = 1 is DEFAULT_LABEL). */
export function horizonLabel(horizon: number): string {
  return `Ref($close,-${horizon + 1})/Ref($close,-1)-1`;
}

export interface OpenedData {
  readonly panel: Panel;
  /** The --universe (default 'all'): its point-in-time mask drives cross-sectional operators and metrics. */
  readonly universe: Universe;
  /** Where the data came from, for output: the directory, or the synthetic market's description. */
  readonly source: string;
  readonly loadSeconds: number;
  /** What the user should know about the data: the synthetic market standing in for --data, what the reader left out. */
  readonly notes: readonly string[];
}

/**
 * Loads --data (only `fields`, when given: every field otherwise) for the
 * instruments ever in --universe, or generates the synthetic market when
 * --data is absent, with a note saying so.
 */
export function openData(args: ParsedArgs, fields?: readonly string[]): OpenedData {
  const dir = stringOption(args, 'data');
  const universeName = stringOption(args, 'universe');
  const seedText = stringOption(args, 'seed');
  const started = performance.now();
  let panel: Panel;
  const notes: string[] = [];
  if (dir !== undefined) {
    if (seedText !== undefined) throw new UsageError(`--seed is for the synthetic market; it cannot be combined with --data`);
    panel = loadPanel(dir, { ...(universeName !== undefined ? { universe: universeName } : {}), ...(fields ? { fields } : {}) });
  } else {
    const seed = seedText === undefined ? 1 : Number(seedText);
    if (!/^-?\d+$/.test(seedText ?? '1') || !Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer, got ${JSON.stringify(seedText)}`);
    panel = syntheticMarket({ seed });
    notes.push(`no --data: using the embedded synthetic market (${panel.N} instruments, ${panel.T} days, seed ${seed}; universes ${Object.keys(panel.universes).join(', ')})`);
  }
  const loadSeconds = (performance.now() - started) / 1000;
  // The readers note what they adjusted (e.g. members of the universe without feature data).
  const readerNotes = panel.source.meta?.notes;
  if (Array.isArray(readerNotes)) notes.push(...readerNotes.filter((n): n is string => typeof n === 'string'));
  const name = universeName ?? 'all';
  const universe = Object.hasOwn(panel.universes, name) ? panel.universes[name] : undefined;
  if (!universe) {
    throw new CommandError(`unknown universe ${JSON.stringify(universeName)} (universes here: ${Object.keys(panel.universes).join(', ')})`);
  }
  for (const field of fields ?? []) {
    if (!Object.hasOwn(panel.fields, field)) throw new CommandError(`field $${field} is not in this data (fields: ${Object.keys(panel.fields).map((f) => `$${f}`).join(', ')})`);
  }
  return { panel, universe, source: dir ?? panel.source.location, loadSeconds, notes };
}

export interface ResolvedDays {
  readonly range: DayRange;
  /** First and last trading day of the range. */
  readonly first: string;
  readonly last: string;
  /** Dates snapped to the calendar, one sentence each. */
  readonly notes: readonly string[];
}

/** --start/--end as a day range of the panel's calendar (non-trading days snap inward, with a note). */
export function resolveDays(panel: Panel, args: ParsedArgs): ResolvedDays {
  const resolved = resolveDateRange(panel.calendar, stringOption(args, 'start'), stringOption(args, 'end'));
  const range = { start: resolved.startIndex, end: resolved.endIndex };
  return { range, first: panel.calendar[range.start]!, last: panel.calendar[range.end - 1]!, notes: resolved.notes };
}

/**
 * Compiles an expression given as option `what` (`--expr`, `--label`, a file
 * line): the FactorError's one-line message, prefixed with where it came from.
 */
export function compileExpression(what: string, source: string, kind: 'factor' | 'label', fields: ReadonlySet<string> = FIELD_VOCABULARY): CompiledFactor {
  const result = kind === 'factor' ? compileFactor(source, { fields }) : compileLabel(source, { fields });
  if (!result.ok) throw new CommandError(`${what} ${result.error.message}`);
  return result;
}

/** A string option's value, or undefined when absent (an empty value is a mistake, not "absent"). */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.options[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} needs a non-empty value`);
  return value;
}

/** Peak resident set size of this process so far, in bytes. */
export function peakRssBytes(): number {
  return process.resourceUsage().maxRSS * 1024;
}
