/**
 * `alphaswarm trace`: a run's messages, read from its stream. Without --follow
 * it prints what is stored (a finished run's whole history) and exits; with
 * --follow it then keeps printing new messages until Ctrl-C.
 */
import { UsageError, optionsHelp, parseArgs, requireString, type OptionSpec, type ParsedArgs } from '../args.js';
import { Bus } from '../../runtime/bus.js';
import { natsUrlFromEnvironment } from '../../runtime/natsUrl.js';
import { readRunInfo } from '../../runtime/runDir.js';
import { reopenRun } from '../../runtime/start.js';
import { readTrace, traceJson, traceLine } from '../../runtime/trace.js';

const OPTIONS: Record<string, OptionSpec> = {
  nats: { type: 'string', description: "the run's NATS URL (run.json's \"nats\"); default $NATS_URL" },
  run: { type: 'string', description: 'the run id' },
  'run-dir': { type: 'string', description: "instead of --nats/--run: the run's directory (replays a finished run from its store)" },
  follow: { type: 'boolean', description: 'keep printing new messages until Ctrl-C' },
  json: { type: 'boolean', description: 'one JSON envelope per line (id, type, run, from, to, time, payload, ...)' },
  from: { type: 'string', description: 'only messages sent by this agent' },
  type: { type: 'string', description: 'only messages of this type' },
  help: { type: 'boolean', description: 'show this help' },
};

const USAGE = `usage: alphaswarm trace --nats URL --run RUN [--follow] [--json] [--from NAME] [--type T]
       alphaswarm trace --run-dir DIR [--json] [--from NAME] [--type T]

${optionsHelp(OPTIONS)}`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, OPTIONS, 'trace');
  if (args.options.help) {
    console.log(USAGE);
    return 0;
  }
  const bus = await openRun(args);
  const runId = bus.run;
  const from = args.options.from as string | undefined;
  const type = args.options.type as string | undefined;
  const json = args.options.json === true;
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.stdout.on('error', onSignal); // e.g. piped into head
  try {
    for await (const entry of readTrace(bus.js, bus.jsm, runId, {
      follow: args.options.follow === true,
      signal: stop.signal,
      ...(from !== undefined ? { from } : {}),
      ...(type !== undefined ? { type } : {}),
    })) {
      process.stdout.write(`${json ? traceJson(entry, runId) : traceLine(entry)}\n`);
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await bus.close();
  }
  return 0;
}

/** The run named by --nats/--run, or by --run-dir: its live server, else (a finished embedded run) its store reopened. */
async function openRun(args: ParsedArgs): Promise<Bus> {
  const runDir = args.options['run-dir'];
  if (typeof runDir === 'string') {
    if (args.options.nats !== undefined || args.options.run !== undefined) throw new UsageError('trace: give either --run-dir or --nats/--run');
    const info = readRunInfo(runDir);
    try {
      return await Bus.connect({ natsUrl: info.nats, run: info.run, name: 'trace' });
    } catch (err) {
      if (!info.embedded) throw err;
      return reopenRun(runDir, 'trace');
    }
  }
  const natsUrl = natsUrlFromEnvironment(args.options.nats as string | undefined);
  if (natsUrl === undefined) throw new UsageError('trace: --nats is required (or set NATS_URL, or give --run-dir); the run prints it in run.json');
  return Bus.connect({ natsUrl, run: requireString(args, 'run', 'trace'), name: 'trace' });
}
