/**
 * `alphaswarm review --run-dir DIR`: a person's review of the generation a
 * swarm started with --review is waiting on (AlphaGPT 2.0's human in the
 * loop). It shows the candidates from the run's review.json; with decision
 * flags and --continue (or interactively at a terminal) it sends the
 * decision over the run's bus to the waiting supervisor (`review.submit` on
 * the `supervisor` queue), which resumes the graph with it.
 */
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { UsageError, optionsHelp, parseArgs, requireString, type OptionSpec } from '../args.js';
import { RUN_FILES } from '../../graphs/outputs.js';
import { SUPERVISOR_REVIEW, describeDecision, reviewResultSchema, type ReviewFile } from '../../graphs/review.js';
import type { ReviewDecision } from '../../graphs/state.js';
import { Bus, readRunInfo } from '../../runtime/index.js';
import { join } from 'node:path';

const OPTIONS: Record<string, OptionSpec> = {
  'run-dir': { type: 'string', description: "the swarm's run directory" },
  approve: { type: 'string', multiple: true, description: 'send this candidate to the librarian even if it is not elite (repeatable)' },
  veto: { type: 'string', multiple: true, description: 'reject this candidate: not in the library, not a parent (repeatable)' },
  comment: { type: 'string', multiple: true, description: "ID=TEXT: a comment on a candidate; it reaches the specialists' prompts (repeatable)" },
  direction: { type: 'string', multiple: true, description: 'a research direction for the planner (repeatable)' },
  continue: { type: 'boolean', description: 'send the decision (empty: just continue) and let the swarm go on' },
  json: { type: 'boolean', description: 'print the pending review as JSON' },
  help: { type: 'boolean', description: 'show this help' },
};

const USAGE = `usage: alphaswarm review --run-dir DIR [--approve ID] [--veto ID] [--comment ID=TEXT] [--direction TEXT] [--continue]

Without --continue it shows the candidates the swarm waits on (and, at a
terminal, asks for the decision: approve ID, veto ID, comment ID TEXT,
direction TEXT, show, continue, quit).

${optionsHelp(OPTIONS)}`;

export async function run(argv: string[]): Promise<number> {
  const args = parseArgs(argv, OPTIONS, 'review');
  if (args.options.help) {
    console.log(USAGE);
    return 0;
  }
  if (args.positionals.length > 0) throw new UsageError(`review: unexpected argument ${JSON.stringify(args.positionals[0])} (options start with --)`);
  const runDir = requireString(args, 'run-dir', 'review');
  const pending = readPending(runDir);
  if (args.options.json) console.log(JSON.stringify(pending));
  const list = (name: string): string[] => (args.options[name] as string[] | undefined) ?? [];
  const decision: { approve: string[]; veto: string[]; comments: { id: string; text: string }[]; directions: string[] } = {
    approve: list('approve'),
    veto: list('veto'),
    comments: list('comment').map(parseComment),
    directions: list('direction'),
  };
  const known = new Set(pending.candidates.map((c) => c.id));
  for (const id of [...decision.approve, ...decision.veto, ...decision.comments.map((c) => c.id)]) {
    if (!known.has(id)) throw new UsageError(`review: no candidate '${id}' in generation ${pending.generation + 1} (see the list without flags)`);
  }
  const flagged = decision.approve.length + decision.veto.length + decision.comments.length + decision.directions.length > 0;
  if (!args.options.continue) {
    if (!args.options.json) console.log(renderPending(pending));
    if (!process.stdin.isTTY) {
      if (flagged) console.error('alphaswarm review: nothing sent: add --continue to send the decision');
      else console.error(`alphaswarm review: decide with --approve/--veto/--comment/--direction, then --continue`);
      return flagged ? 1 : 0;
    }
    const asked = await askInteractively(decision, known);
    if (asked === null) {
      console.error('alphaswarm review: nothing sent; the swarm keeps waiting');
      return 0;
    }
  }
  return submit(runDir, pending.generation, decision);
}

function readPending(runDir: string): ReviewFile {
  let review: ReviewFile;
  try {
    review = JSON.parse(readFileSync(join(runDir, RUN_FILES.review), 'utf8')) as ReviewFile;
  } catch {
    throw new UsageError(`review: ${runDir} has no ${RUN_FILES.review}: the swarm there is not waiting for a review (start it with --review)`);
  }
  if (!review.waiting) throw new UsageError(`review: the swarm in ${runDir} is not waiting for a review (generation ${review.generation + 1} was reviewed: ${review.decision ? describeDecision(review.decision) : 'no decision'})`);
  return review;
}

function parseComment(text: string): { id: string; text: string } {
  const eq = text.indexOf('=');
  if (eq <= 0 || eq === text.length - 1) throw new UsageError(`review: --comment takes ID=TEXT, got ${JSON.stringify(text)}`);
  return { id: text.slice(0, eq).trim(), text: text.slice(eq + 1).trim().slice(0, 1000) };
}

const fmt = (v: number | null): string => (v === null ? '   n/a' : v.toFixed(4).padStart(7));

export function renderPending(review: ReviewFile): string {
  const lines = [`generation ${review.generation + 1}: ${review.candidates.length} evaluated candidates (best reward first; RankICs oriented)`, ''];
  lines.push(`${'id'.padEnd(12)} ${'status'.padEnd(10)} lib ${'train RIC'.padStart(9)} ${'valid RIC'.padStart(9)} ${'reward'.padStart(7)}  origin / specialist`);
  for (const c of review.candidates) {
    lines.push(`${c.id.padEnd(12)} ${c.status.padEnd(10)} ${c.toLibrary ? 'yes' : ' - '} ${fmt(c.trainRankIc).padStart(9)} ${fmt(c.validRankIc).padStart(9)} ${fmt(c.reward)}  ${c.origin} / ${c.specialist}`);
    lines.push(`${''.padEnd(12)} ${c.expression ?? ''}`);
    if (c.why) lines.push(`${''.padEnd(12)} ${c.why}`);
  }
  return lines.join('\n');
}

/** A terminal session: returns the decision to send, or null to leave without sending. */
async function askInteractively(decision: ReviewDecision & { approve: string[]; veto: string[]; comments: { id: string; text: string }[]; directions: string[] }, known: ReadonlySet<string>): Promise<ReviewDecision | null> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    for (;;) {
      const line = (await rl.question('review> ')).trim();
      const [verb = '', id = '', ...rest] = line.split(/\s+/);
      if (verb === 'continue') return decision;
      if (verb === 'quit' || verb === 'exit') return null;
      if (verb === 'show') console.log(`${describeDecision(decision)}`);
      else if (verb === 'direction' && line.length > 'direction '.length) decision.directions.push(line.slice('direction '.length).trim().slice(0, 1000));
      else if ((verb === 'approve' || verb === 'veto' || verb === 'comment') && !known.has(id)) console.log(`no candidate '${id}'`);
      else if (verb === 'approve') decision.approve.push(id);
      else if (verb === 'veto') decision.veto.push(id);
      else if (verb === 'comment' && rest.length > 0) decision.comments.push({ id, text: rest.join(' ').slice(0, 1000) });
      else console.log('commands: approve ID | veto ID | comment ID TEXT | direction TEXT | show | continue | quit');
    }
  } finally {
    rl.close();
  }
}

async function submit(runDir: string, generation: number, decision: ReviewDecision): Promise<number> {
  const info = readRunInfo(runDir);
  const bus = await Bus.connect({ natsUrl: info.nats, run: info.run, name: 'reviewer', log: () => {} });
  try {
    const reply = await bus.request(SUPERVISOR_REVIEW.queue, SUPERVISOR_REVIEW.task, { generation, ...decision }, { timeoutMs: 60_000 });
    const parsed = reviewResultSchema.parse(reply.payload);
    console.log(`review sent: ${parsed.detail}`);
    return 0;
  } finally {
    await bus.close();
  }
}
