/**
 * `alphaswarm values`: the values of one factor expression, a row per
 * trading day and a column per instrument, streamed (a whole CSI 300
 * history is tens of megabytes of text, never one string).
 */
import { FactorEngine } from '../../evaluator/engine.js';
import { optionsHelp, requireString, UsageError, type OptionSpec, type ParsedArgs } from '../args.js';
import { processIO, runCommand, writeOut, type CommandIO } from '../command.js';
import { DATA_OPTIONS, DATE_OPTIONS, compileExpression, openData, resolveDays } from '../engineOptions.js';

const OPTIONS: Record<string, OptionSpec> = {
  expr: { type: 'string', description: 'the factor expression, e.g. "Mean($close,5)"' },
  ...DATA_OPTIONS,
  ...DATE_OPTIONS,
  'members-only': { type: 'boolean', description: "with --universe: null on the days an instrument is not a member" },
  json: { type: 'boolean', description: 'print JSON {expr, notes, dates, symbols, values} instead of CSV' },
  help: { type: 'boolean', description: 'show this help' },
};

const USAGE = `usage: alphaswarm values --expr EXPR [--data DIR] [--universe U [--members-only]] [--start D] [--end D] [--json]

Prints the factor's values from --start to --end (both inclusive; dates that
are not trading days snap inward, with a note on stderr): a row per trading
day, a column per instrument (codes upper-case, as in the data). Values are
computed over each instrument's own whole history, so windows warm up on
data before --start; nothing after --end is read.

--universe U keeps the instruments that were ever members of U, and
cross-sectional operators (CSRank, ...) rank among U's members of the day.
Days an instrument was not a member are still reported (its own history's
values) unless --members-only is given.

Missing values - NaN, and +-inf (e.g. a division by zero) - are null in
JSON and empty cells in CSV.

--json: {"expr": canonical text, "notes": [...], "dates": [...],
"symbols": [...], "values": [[row of the first date], ...]}.
Without --json: CSV with a header "date,SYMBOL,...".

${optionsHelp(OPTIONS)}`;

export async function run(argv: string[], io: CommandIO = processIO): Promise<number> {
  return runCommand({ name: 'values', usage: USAGE, options: OPTIONS, body: printValues }, argv, io);
}

/** Text is handed to the stream in pieces of about this many characters. */
const PIECE = 1 << 16;

async function printValues(args: ParsedArgs, io: CommandIO): Promise<number> {
  const factor = compileExpression('--expr', requireString(args, 'expr', 'values'), 'factor');
  const membersOnly = args.options['members-only'] === true;
  if (membersOnly && args.options.universe === undefined) throw new UsageError('--members-only needs --universe');
  const data = openData(args, factor.fields);
  const days = resolveDays(data.panel, args);
  const notes = [...data.notes, ...days.notes];
  for (const note of notes) io.err(`alphaswarm values: note: ${note}`);

  const { panel, universe } = data;
  const { T, N } = panel;
  const values = new FactorEngine(panel, { universe: universe.mask, lastDay: days.range.end }).evaluate(factor.ast);
  const mask = membersOnly ? universe.mask : null;
  const json = args.options.json === true;
  const cell = (i: number, t: number): string | null => {
    const v = values[i * T + t]!;
    return Number.isFinite(v) && (mask === null || mask[i * T + t] === 1) ? String(v) : null;
  };

  const out = new PieceWriter(io.out);
  if (json) {
    const dates = panel.calendar.slice(days.range.start, days.range.end);
    await out.write(`{"expr":${JSON.stringify(factor.canonical)},"notes":${JSON.stringify(notes)},"dates":${JSON.stringify(dates)},"symbols":${JSON.stringify(panel.symbols)},"values":[`);
    for (let t = days.range.start; t < days.range.end; t++) {
      let row = t === days.range.start ? '[' : ',[';
      for (let i = 0; i < N; i++) row += `${i === 0 ? '' : ','}${cell(i, t) ?? 'null'}`;
      await out.write(`${row}]`);
    }
    await out.write(']}\n');
  } else {
    await out.write(`date,${panel.symbols.join(',')}\n`);
    for (let t = days.range.start; t < days.range.end; t++) {
      let row = panel.calendar[t]!;
      for (let i = 0; i < N; i++) row += `,${cell(i, t) ?? ''}`;
      await out.write(`${row}\n`);
    }
  }
  await out.flush();
  return 0;
}

/** Gathers small strings into pieces and waits for the stream to drain when it asks to. */
class PieceWriter {
  private pending = '';
  constructor(private readonly out: NodeJS.WritableStream) {}

  async write(text: string): Promise<void> {
    this.pending += text;
    if (this.pending.length >= PIECE) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pending === '') return;
    const piece = this.pending;
    this.pending = '';
    await writeOut(this.out, piece);
  }
}
