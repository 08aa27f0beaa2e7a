/**
 * The verifier (QuantaAlpha's gates, CogAlpha's judge): a built candidate
 * passes four gates, in order, and the first it fails is the answer.
 *
 *   1. compile     library references expanded, then parse, type-check
 *                  against the data's fields, no look-ahead, limits
 *                  (operators/compileFactor); failing step: the expression
 *   2. complexity  QuantaAlpha's C(f) above the cap; failing step: the expression
 *   3. redundancy  QuantaAlpha's largest common subtree with a library factor,
 *                  as a share of the candidate's nodes (how much of it repeats
 *                  the library), above the threshold; reported with the entry.
 *                  Normalised by the candidate, not the smaller tree, so a
 *                  factor that reuses a library factor as one building block
 *                  (`$<name>`) and adds to it is not rejected for containing it
 *   4. judge       the judge model: hypothesis, description and expression
 *                  consistent, and the idea economically sound; failing step
 *                  as the judge says
 *
 *   idle --verify.request--> reading (the library) --> gating --passed--> judging --> answering --> idle
 *                                                          \--failed---------------------^
 *   judging --model failed--> failing --> idle
 *
 * The library is read, never written: entries from the run store (refetched
 * only when the librarian's index moved), their trees compiled once.
 */
import { assign, emit, fromPromise, setup } from 'xstate';
import type { z } from 'zod';
import type { Node } from '../operators/ast.js';
import { maxSimilarity } from '../operators/similarity.js';
import type { CompiledFactor } from '../operators/compile.js';
import { fail, reply, type BusEvent } from '../runtime/actorHost.js';
import type { Envelope } from '../runtime/envelope.js';
import type { RunStore } from '../runtime/runStore.js';
import type { AgentIdentity } from '../runtime/runtimeMessages.js';
import { LibraryView, type StoredEntry } from './library/libraryStore.js';
import { ReferenceTable } from './libraryReferences.js';
import { askModel, compileOptionsOf, errorMessage, oneLine, type ModelAccess } from './modelCall.js';
import { VERIFIER, type verifyResultSchema, type verifyTaskSchema } from './protocol.js';
import type { RoleReply } from './roles.js';

export type VerifyTask = z.infer<typeof verifyTaskSchema>;
export type VerifyResult = z.infer<typeof verifyResultSchema>;

export const VERIFIER_IDENTITY: AgentIdentity = {
  role: 'verifier',
  name: VERIFIER.queue,
  level: null,
  capabilities: ['compile', 'look-ahead', 'complexity', 'structural-redundancy', 'judge'],
  version: '1.0.0',
};

export interface VerifierOptions {
  /** Largest QuantaAlpha complexity C(f) accepted. */
  readonly complexityCap: number;
  /** Largest share of the candidate's nodes in a common subtree with one library factor. */
  readonly redundancyThreshold: number;
}

/**
 * C(f) = SL + PC + ln(1 + |F|) with unit weights. Of the 821 factors that
 * QuantaAlpha's and AlphaAgent's models wrote for CSI 300 (translated by
 * agents/importers), the median scores 39, the 75th percentile 56, the 90th
 * 87: a cap of 80 turns away the sprawling tenth or so, the formulas that look
 * impressive and overfit. Every Alpha158 factor scores far below it.
 */
export const DEFAULT_VERIFIER_OPTIONS: VerifierOptions = { complexityCap: 80, redundancyThreshold: 0.8 };

/** The library as the gates need it: each entry's tree, and the reference table for `$<name>`. */
export interface LibrarySnapshot {
  readonly entries: readonly { readonly id: string; readonly ast: Node }[];
  readonly references: ReferenceTable;
}

export type GateOutcome =
  | { readonly passed: false; readonly result: VerifyResult }
  | { readonly passed: true; readonly compiled: CompiledFactor; readonly similarity: VerifyResult['similarity']; readonly facts: string; readonly references: readonly string[] };

/** Longest canonical expression a verify result and a library entry hold. */
const CANONICAL_LIMIT = 2000;

const rejected = (fields: Omit<VerifyResult, 'ok'>): GateOutcome => ({ passed: false, result: { ok: false, ...fields } });

/** Gates 1-3: deterministic, no model. */
export function deterministicGates(task: VerifyTask, library: LibrarySnapshot, options: VerifierOptions): GateOutcome {
  const compiled = library.references.compile(task.expression);
  if (!compiled.ok) {
    return rejected({ stage: 'compile', canonical: null, complexity: null, similarity: null, failingStep: 'expression', reasons: [oneLine(compiled.error.message)] });
  }
  if (compiled.canonical.length > CANONICAL_LIMIT) {
    return rejected({
      stage: 'compile',
      canonical: null,
      complexity: null,
      similarity: null,
      failingStep: 'expression',
      reasons: [`the expression is ${compiled.canonical.length} characters long in canonical form (library references expanded); the limit is ${CANONICAL_LIMIT}`],
    });
  }
  const c = compiled.complexity;
  const base = { canonical: compiled.canonical, complexity: c.score };
  if (c.score > options.complexityCap) {
    return rejected({
      ...base,
      stage: 'complexity',
      similarity: null,
      failingStep: 'expression',
      reasons: [`complexity C(f) = ${c.score.toFixed(2)} exceeds the cap of ${options.complexityCap} (${c.symbolLength} nodes, ${c.parameterCount} parameters, ${c.features.length} fields): simplify the expression`],
    });
  }
  const match = maxSimilarity(compiled.ast, library.entries.map((e) => e.ast));
  const similarity = match === null ? null : { entry: library.entries[match.index]!.id, normalized: match.size / c.symbolLength };
  if (similarity !== null && similarity.normalized > options.redundancyThreshold) {
    return rejected({
      ...base,
      stage: 'redundancy',
      similarity,
      failingStep: 'expression',
      reasons: [
        `structurally redundant with library factor ${similarity.entry}: ${match!.size} of its ${c.symbolLength} nodes repeat it (similarity ${similarity.normalized.toFixed(2)} above ${options.redundancyThreshold})`,
      ],
    });
  }
  return { passed: true, compiled, similarity, facts: factsOf(compiled, similarity, compiled.references), references: compiled.references };
}

function operatorsOf(root: Node): string[] {
  const ops = new Set<string>();
  const visit = (n: Node): void => {
    if (n.kind !== 'call') return;
    ops.add(n.op);
    n.args.forEach(visit);
  };
  visit(root);
  return [...ops].sort();
}

/** What the deterministic gates established, for the judge. */
export function factsOf(compiled: CompiledFactor, similarity: VerifyResult['similarity'], references: readonly string[]): string {
  const c = compiled.complexity;
  const lines = [
    `Fields read: ${compiled.fields.map((f) => `$${f}`).join(', ')}.`,
    `Operators used: ${operatorsOf(compiled.ast).join(', ') || 'none'}.`,
    `Largest window or lag: ${compiled.maxWindow} days; no look-ahead.`,
    `Complexity C(f) = ${c.score.toFixed(2)} (${c.symbolLength} nodes, ${c.parameterCount} parameters, depth ${c.depth}).`,
    references.length > 0 ? `Library factors reused (expanded): ${references.join(', ')}.` : '',
    similarity ? `Closest library factor: ${similarity.entry} (normalised common-subtree similarity ${similarity.normalized.toFixed(2)}).` : 'The library is empty.',
  ];
  return oneLine(lines.filter(Boolean).join(' '), 2000);
}

/** Gate 4's verdict as the verify result. */
export function judgedResult(gates: Extract<GateOutcome, { passed: true }>, verdict: RoleReply<'judge'>): VerifyResult {
  const base = { canonical: gates.compiled.canonical, complexity: gates.compiled.complexity.score, similarity: gates.similarity };
  if (verdict.consistent && verdict.sound) return { ok: true, stage: null, failingStep: null, reasons: [], ...base };
  const problems = [...(verdict.consistent ? [] : ['hypothesis, description and expression do not say the same thing']), ...(verdict.sound ? [] : ['the economic logic is not sound'])];
  return {
    ok: false,
    stage: 'judge',
    // An inconsistency is most often the expression not doing what the words say; an unsound idea is the hypothesis's.
    failingStep: verdict.failingStep ?? (verdict.consistent ? 'hypothesis' : 'expression'),
    reasons: (verdict.reasons.length > 0 ? verdict.reasons : problems).slice(0, 8).map((r) => oneLine(r)),
    ...base,
  };
}

export interface VerifierDeps {
  readonly model: ModelAccess;
  readonly store: RunStore;
  readonly options?: Partial<VerifierOptions>;
}

/** Keeps the library's compiled trees across tasks (entries never change under a hash). */
class LibraryTrees {
  private readonly view: LibraryView;
  private readonly trees = new Map<string, Node | null>();
  private snapshot: { entries: readonly StoredEntry[]; library: LibrarySnapshot } | null = null;

  constructor(
    store: RunStore,
    private readonly model: ModelAccess,
  ) {
    this.view = new LibraryView(store);
  }

  async read(): Promise<LibrarySnapshot> {
    const entries = await this.view.refresh();
    if (this.snapshot?.entries === entries) return this.snapshot.library;
    const options = compileOptionsOf(this.model.env);
    const references = new ReferenceTable(entries.map((e) => e.entry), options);
    const compiled: { id: string; ast: Node }[] = [];
    for (const { hash, entry } of entries) {
      if (!this.trees.has(hash)) {
        const result = new ReferenceTable([], options).compile(entry.expression);
        this.trees.set(hash, result.ok ? result.ast : null);
      }
      const ast = this.trees.get(hash);
      if (ast) compiled.push({ id: entry.id, ast });
    }
    const library: LibrarySnapshot = { entries: compiled, references };
    this.snapshot = { entries, library };
    return library;
  }
}

interface VerifierContext {
  task: Envelope<VerifyTask> | null;
  library: LibrarySnapshot | null;
  gates: GateOutcome | null;
  result: VerifyResult | null;
  failure: string | null;
}

export function verifierMachine(deps: VerifierDeps) {
  const options: VerifierOptions = { ...DEFAULT_VERIFIER_OPTIONS, ...deps.options };
  const trees = new LibraryTrees(deps.store, deps.model);
  return setup({
    types: { context: {} as VerifierContext, events: {} as BusEvent<VerifyTask> },
    actors: {
      readLibrary: fromPromise<LibrarySnapshot>(() => trees.read()),
      judge: fromPromise<RoleReply<'judge'>, { task: VerifyTask; gates: Extract<GateOutcome, { passed: true }> }>(({ input }) =>
        askModel(deps.model, 'judge', VERIFIER.queue, {
          hypothesis: input.task.hypothesis,
          description: input.task.description,
          expression: input.gates.compiled.canonical,
          facts: input.gates.facts,
        }),
      ),
    },
    guards: { gatesPassed: ({ context }) => context.gates?.passed === true },
  }).createMachine({
    id: VERIFIER.queue,
    context: { task: null, library: null, gates: null, result: null, failure: null },
    initial: 'idle',
    states: {
      idle: {
        on: { [VERIFIER.task]: { target: 'reading', actions: assign({ task: ({ event }) => event.envelope }) } },
      },
      reading: {
        invoke: {
          src: 'readLibrary',
          onDone: { target: 'gating', actions: assign({ library: ({ event }) => event.output }) },
          onError: { target: 'failing', actions: assign({ failure: ({ event }) => `cannot read the library: ${errorMessage(event.error)}` }) },
        },
      },
      gating: {
        entry: assign({ gates: ({ context }) => deterministicGates(context.task!.payload, context.library!, options) }),
        always: [
          { guard: 'gatesPassed', target: 'judging' },
          { target: 'answering', actions: assign({ result: ({ context }) => (context.gates as Extract<GateOutcome, { passed: false }>).result }) },
        ],
      },
      judging: {
        invoke: {
          src: 'judge',
          input: ({ context }) => ({ task: context.task!.payload, gates: context.gates as Extract<GateOutcome, { passed: true }> }),
          onDone: { target: 'answering', actions: assign({ result: ({ context, event }) => judgedResult(context.gates as Extract<GateOutcome, { passed: true }>, event.output) }) },
          onError: { target: 'failing', actions: assign({ failure: ({ event }) => errorMessage(event.error) }) },
        },
      },
      answering: {
        entry: emit(({ context }) => reply(context.task!, VERIFIER.reply, context.result)),
        always: { target: 'idle', actions: assign({ task: null, library: null, gates: null, result: null }) },
      },
      failing: {
        entry: emit(({ context }) => fail(context.task!, context.failure ?? 'verification failed')),
        always: { target: 'idle', actions: assign({ task: null, library: null, gates: null, result: null, failure: null }) },
      },
    },
  });
}
