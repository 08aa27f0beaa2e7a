/**
 * `alphaswarm lineage RUN_DIR FACTOR_ID`: a mined factor's family tree, read
 * from the run directory (trajectories.jsonl, library.json): the trajectory
 * that produced it and its parents recursively, each with its origin,
 * specialist, expression, what it inherited, reward and train/valid metrics.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError, optionsHelp, parseArgs, type OptionSpec } from '../args.js';
import { findFactor, lineageOf, renderLineage } from '../../graphs/lineage.js';
import { RUN_FILES, readLibraryFile, readTrajectories } from '../../graphs/outputs.js';

const OPTIONS: Record<string, OptionSpec> = {
  json: { type: 'boolean', description: 'print the tree as one JSON object (nested parents)' },
  help: { type: 'boolean', description: 'show this help' },
};

const USAGE = `usage: alphaswarm lineage RUN_DIR FACTOR_ID [--json]

FACTOR_ID is a library entry id (library.json's "id"), a trajectory id, or a
unique prefix of either.

${optionsHelp(OPTIONS)}`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, OPTIONS, 'lineage');
  if (args.options.help) {
    console.log(USAGE);
    return 0;
  }
  const [runDir, factor, ...extra] = args.positionals;
  if (runDir === undefined || factor === undefined || extra.length > 0) throw new UsageError('lineage: expected RUN_DIR and FACTOR_ID (see alphaswarm lineage --help)');
  if (!existsSync(join(runDir, RUN_FILES.trajectories))) throw new UsageError(`lineage: ${runDir} has no ${RUN_FILES.trajectories} (is it a swarm run directory?)`);
  const { trajectories, skipped } = readTrajectories(runDir);
  const library = existsSync(join(runDir, RUN_FILES.library)) ? readLibraryFile(runDir) : [];
  const found = findFactor(factor, trajectories, library);
  if ('error' in found) {
    console.error(`alphaswarm lineage: ${found.error}`);
    return 1;
  }
  const tree = lineageOf(found.trajectory, trajectories, library);
  console.log(args.options.json ? JSON.stringify(tree) : renderLineage(tree));
  if (skipped > 0) console.error(`alphaswarm lineage: note: ${skipped} line(s) of ${RUN_FILES.trajectories} did not parse and were skipped`);
  return 0;
}
