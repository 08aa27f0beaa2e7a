#!/usr/bin/env node
/**
 * `alphaswarm <command> [options]`: each command lives in bin/commands/<command>.ts
 * and exports `run(argv): Promise<number>` (the exit code). Errors a user can fix
 * are reported as one line on stderr, never a stack trace.
 */
import { UsageError } from './args.js';

const COMMANDS: Record<string, string> = {
  eval: 'score one factor expression (IC, RankIC, ...) on a data set',
  values: 'print the values of one factor expression',
  compute: 'compute a factor library over a whole panel',
  swarm: 'run a mining swarm',
  agent: 'attach an agent (e.g. a specialist) to a running swarm',
  trace: 'stream or replay the messages of a run',
  lineage: 'print the family tree of a mined factor',
  review: 'review the candidates a swarm started with --review waits on',
  import: 'translate a factor library from another system',
  backtest: 'combine a library with a model and backtest it',
  report: 'write an HTML report for a run or a backtest',
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([c, d]) => `  ${c.padEnd(width)}  ${d}`);
  return `usage: alphaswarm <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nalphaswarm <command> --help for a command's options`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(usage());
    return command ? 0 : 2;
  }
  if (!(command in COMMANDS)) {
    console.error(`alphaswarm: unknown command '${command}' (commands: ${Object.keys(COMMANDS).join(', ')})`);
    return 2;
  }
  let mod: { run: (argv: string[]) => Promise<number> };
  try {
    mod = await import(`./commands/${command}.js`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(err).includes(`commands/${command}.js`)) {
      console.error(`alphaswarm: command '${command}' is not available in this build yet`);
      return 2;
    }
    throw err;
  }
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`alphaswarm: ${err.message}`);
      process.exitCode = 2;
    } else {
      const message = err instanceof Error ? err.message : String(err);
      console.error(`alphaswarm: ${message.split('\n')[0]}`);
      if (process.env.ALPHASWARM_DEBUG) console.error(err);
      process.exitCode = 1;
    }
  },
);
