/**
 * `alphaswarm agent`: attach a specialist to a running swarm, from any process
 * that reaches its NATS server. It registers, takes tasks from the queue named
 * after it, and leaves cleanly on Ctrl-C / SIGTERM.
 */
import { existsSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, isAbsolute } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { UsageError, optionsHelp, parseArgs, requireString, type OptionSpec } from '../args.js';
import { LLM_CLI_OPTIONS, LlmClient, loadLlmConfig } from '../../agents/llm/index.js';
import { swarmEnvironment } from '../../agents/modelCall.js';
import { DEFAULT_ENVIRONMENT, offlineResearchModel } from '../../agents/offline/index.js';
import { ROLE_KINDS } from '../../agents/roles.js';
import { installDefaultSpecialistBehaviour } from '../../agents/specialistBehaviour.js';
import { behaviourOf, specialistFromModule, specialistIdentity, specialistMachine, NoBehaviourError, type Propose } from '../../agents/specialistDefinition.js';
import { attachAgent } from '../../runtime/attach.js';
import { natsUrlFromEnvironment } from '../../runtime/natsUrl.js';

const OPTIONS: Record<string, OptionSpec> = {
  nats: { type: 'string', description: "the run's NATS URL (run.json's \"nats\"); default $NATS_URL" },
  run: { type: 'string', description: 'the run id' },
  specialist: { type: 'string', description: 'a specialist module (.js, or a .ts of this repository once built)' },
  seed: { type: 'string', description: "for a module without propose(): the offline research model's seed; default 1" },
  ...Object.fromEntries(Object.entries(LLM_CLI_OPTIONS).map(([k, v]) => [k, { ...v, description: `for a module without propose(): ${v.description}` }])),
  help: { type: 'boolean', description: 'show this help' },
};

const USAGE = `usage: alphaswarm agent --nats URL --run RUN --specialist FILE

Attaches a specialist to a running swarm. FILE exports name, level (1-7),
guidance and optionally version, capabilities and propose(task); see
agents/examples/attach-specialist.ts. A module without propose() gets the
swarm's default behaviour: its guidance and each task's brief go to the
model (an LLM endpoint configured as for \`swarm\`, else the embedded offline
research model, which is not an LLM).

${optionsHelp(OPTIONS)}`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, OPTIONS, 'agent');
  if (args.options.help) {
    console.log(USAGE);
    return 0;
  }
  const natsUrl = natsUrlFromEnvironment(args.options.nats as string | undefined);
  if (natsUrl === undefined) throw new UsageError('agent: --nats is required (or set NATS_URL); the run prints it in run.json');
  const runId = requireString(args, 'run', 'agent');
  const file = requireString(args, 'specialist', 'agent');

  const modulePath = loadablePath(file);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(modulePath).href)) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot load ${file}: ${(err as Error).message.split('\n')[0]}`);
  }
  const definition = specialistFromModule(exports, file);
  if (definition.propose === undefined) {
    const llmOptions = Object.fromEntries(Object.keys(LLM_CLI_OPTIONS).flatMap((k) => (typeof args.options[k] === 'string' ? [[k, args.options[k] as string]] : [])));
    const seed = Number((args.options.seed as string | undefined) ?? '1');
    if (!Number.isInteger(seed) || seed < 0) throw new UsageError('agent: --seed must be a non-negative integer');
    const offlineModel = offlineResearchModel({ seed, environment: DEFAULT_ENVIRONMENT });
    const config = loadLlmConfig({ options: llmOptions });
    const llm = new LlmClient({ config, roles: ROLE_KINDS, offlineModel, seed });
    installDefaultSpecialistBehaviour({ llm, env: swarmEnvironment([...DEFAULT_ENVIRONMENT.fields]) });
    const endpoint = (config.roles.specialist ?? config.defaults).endpoint;
    const answering = endpoint === null ? 'the offline research model (deterministic, not an LLM)' : `${endpoint.model} at ${endpoint.baseUrl}`;
    console.error(`alphaswarm agent: ${definition.name} has no propose(): its proposals come from ${answering}`);
  }
  let propose: Propose;
  try {
    propose = behaviourOf(definition);
  } catch (err) {
    if (err instanceof NoBehaviourError) {
      console.error(`alphaswarm: ${err.message}`);
      return 1;
    }
    throw err;
  }

  const agent = await attachAgent({ natsUrl, run: runId, identity: specialistIdentity(definition), machine: specialistMachine(definition, propose) });
  console.log(`${definition.name} attached to run ${runId} (specialist, level ${definition.level}); taking tasks from queue '${definition.name}'; Ctrl-C to leave`);
  const why = await new Promise<'signal' | 'closed'>((done) => {
    process.once('SIGINT', () => done('signal'));
    process.once('SIGTERM', () => done('signal'));
    void agent.bus.nc.closed().then(() => done('closed'));
  });
  if (why === 'closed') {
    console.error(`alphaswarm: ${definition.name} lost the run's NATS server for good`);
    return 1;
  }
  await agent.leave();
  console.log(`${definition.name} left run ${runId} after answering ${agent.hosted.answered} task(s)`);
  return 0;
}

/** A .js module as is; a .ts module of this repository as its compiled twin under dist/. */
function loadablePath(file: string): string {
  const path = resolve(file);
  if (!existsSync(path)) throw new Error(`specialist module ${file} not found`);
  if (extname(path) !== '.ts') return path;
  const root = packageRoot();
  const rel = relative(root, path);
  if (rel.startsWith('..') || isAbsolute(rel) || rel.startsWith('dist')) {
    throw new Error(`${file} is TypeScript, which Node 20 cannot load: compile it (e.g. npx tsc --module nodenext --target es2022 ${file}) and pass the .js`);
  }
  const twin = join(root, 'dist', rel.replace(/\.ts$/, '.js'));
  if (!existsSync(twin)) throw new Error(`${file} is not compiled yet: run \`npm run build\` (it compiles to ${relative(process.cwd(), twin)})`);
  return twin;
}

/** The directory holding this package's package.json (this file runs from bin/ or dist/bin/). */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the alphaswarm package root');
    dir = parent;
  }
  return dir;
}
