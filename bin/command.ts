/**
 * What every engine command (eval, values, compute) shares around its work:
 * where it writes, how it parses options, and how any failure becomes ONE
 * line on stderr prefixed with the command (`alphaswarm eval: ...`) and an
 * exit code, never a stack trace. Commands take their streams as a
 * parameter so tests can run them in-process.
 */
import { FactorError } from '../operators/index.js';
import { DataError } from '../evaluator/data/index.js';
import { UsageError, parseArgs, type OptionSpec, type ParsedArgs } from './args.js';

/** Where a command writes: results to `out`, notes and errors (one line each) to `err`. */
export interface CommandIO {
  readonly out: NodeJS.WritableStream;
  readonly err: (line: string) => void;
}

export const processIO: CommandIO = {
  out: process.stdout,
  err: (line) => process.stderr.write(`${line}\n`),
};

/** A mistake in the user's input, already phrased as one line (the command prefix is added when printed). */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

/** The reader of the output went away (e.g. piped into `head`): stop quietly. */
export class OutputClosedError extends Error {
  override readonly name = 'OutputClosedError';
}

/** Exit codes: 1 for bad input or data, 2 for bad usage (as the dispatcher does). */
const EXIT_INPUT = 1;
const EXIT_USAGE = 2;

export interface CommandDefinition {
  readonly name: string;
  readonly usage: string;
  readonly options: Readonly<Record<string, OptionSpec>>;
  /** Most positional arguments the command takes (e.g. `import ... FILE`); default none. */
  readonly positionals?: number;
  readonly body: (args: ParsedArgs, io: CommandIO) => Promise<number>;
}

/**
 * Parses `argv`, prints the usage for --help, runs the body, and turns every
 * error into one stderr line and an exit code. Never throws.
 */
export async function runCommand(command: CommandDefinition, argv: readonly string[], io: CommandIO): Promise<number> {
  const prefix = `alphaswarm ${command.name}:`;
  // A closed pipe is reported as an 'error' event; without a listener it would crash the process.
  const ignoreOutputError = (): void => {};
  io.out.on('error', ignoreOutputError);
  try {
    const args = parseArgs(argv, command.options, command.name);
    if (args.options.help) {
      io.out.write(`${command.usage}\n`);
      return 0;
    }
    const extra = args.positionals[command.positionals ?? 0];
    if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)} (options start with --)`);
    return await command.body(args, io);
  } catch (error) {
    if (error instanceof OutputClosedError) return 0;
    if (error instanceof UsageError) {
      // parseArgs and requireString phrase theirs as `<command>: ...`; the commands' own do not.
      const message = error.message.startsWith(`${command.name}: `) ? error.message.slice(command.name.length + 2) : error.message;
      io.err(oneLine(`${prefix} ${message}`));
      return EXIT_USAGE;
    }
    if (error instanceof CommandError || error instanceof DataError || error instanceof FactorError) {
      io.err(oneLine(`${prefix} ${error.message}`));
      return EXIT_INPUT;
    }
    // A bug rather than the input's fault: still one line; the stack only on request.
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    io.err(oneLine(`${prefix} internal error: ${detail}`));
    if (process.env.ALPHASWARM_DEBUG) console.error(error);
    return EXIT_INPUT;
  } finally {
    io.out.off('error', ignoreOutputError);
  }
}

function oneLine(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ');
}

/**
 * Writes `text`, waiting for the stream to drain when it asks to; throws
 * OutputClosedError once the stream is gone.
 */
export async function writeOut(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (isClosed(out)) throw new OutputClosedError('output closed');
  if (out.write(text)) return;
  await new Promise<void>((resolve) => {
    const done = (): void => {
      out.off('drain', done);
      out.off('error', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('error', done);
    out.on('close', done);
  });
  if (isClosed(out)) throw new OutputClosedError('output closed');
}

function isClosed(out: NodeJS.WritableStream): boolean {
  const stream = out as NodeJS.WritableStream & { destroyed?: boolean; writableEnded?: boolean };
  return stream.destroyed === true || stream.writableEnded === true;
}
