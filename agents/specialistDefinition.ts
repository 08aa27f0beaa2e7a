/**
 * Specialists: the agents that propose factor ideas along one direction
 * (CogAlpha's seven-level hierarchy: level 1 market structure ... level 7 the
 * finest patterns). A specialist is a module with named exports:
 *
 *   export const name = 'example-attached';         // agent name, also its queue
 *   export const level = 3;                         // 1..7
 *   export const guidance = 'Look for ...';         // how it thinks, for its prompt
 *   export const version = '1.0.0';                 // optional
 *   export const capabilities = ['momentum'];       // optional
 *   export async function propose(task) { ... }     // optional custom behaviour
 *
 * Work it does (the payloads the swarm adopts):
 *   task      `specialist.task`       { direction, context, brief? }
 *   answer    `specialist.proposals`  { proposals: [{ hypothesis, expression? }] }
 *
 * A module without `propose` gets the default behaviour (LLM-backed, provided
 * by the swarm through provideDefaultSpecialistBehaviour; until then such a
 * module cannot be served).
 */
import { assign, emit, fromPromise, setup } from 'xstate';
import { z } from 'zod';
import { fail, reply, type BusEvent } from '../runtime/actorHost.js';
import type { Envelope } from '../runtime/envelope.js';
import { AGENT_NAME } from '../runtime/names.js';
import { GUIDANCE_MODES, directionSchema, exampleFactorSchema } from './roles.js';
import type { AgentIdentity } from '../runtime/runtimeMessages.js';
import { describeIssues, messageSchemas } from '../runtime/schemas.js';

export const SPECIALIST_TASK = 'specialist.task';
export const SPECIALIST_PROPOSALS = 'specialist.proposals';

/**
 * The same information as `context`, structured (the swarm sends both): what
 * the default LLM-backed behaviour builds its prompt from, so built-in and
 * attached specialists get the same brief. Modules with their own propose()
 * may read either.
 */
export const specialistBriefSchema = z.strictObject({
  /** CogAlpha's paraphrase mode of the specialist's guidance to use. */
  guidanceMode: z.enum(GUIDANCE_MODES),
  direction: directionSchema.nullable(),
  /** Hubble's positive retrieval: accepted factors near the specialist's remit. */
  positives: z.array(exampleFactorSchema).max(8),
  /** Hubble's negative retrieval: rejected attempts and why. */
  negatives: z.array(exampleFactorSchema).max(8),
  /** CogAlpha's adaptive generation: analysed best and worst factors of the last generation. */
  feedback: z.array(z.string().min(1).max(2000)).max(8),
  /** Comments a person left on earlier candidates (AlphaGPT 2.0). */
  humanComments: z.array(z.string().min(1).max(1000)).max(8),
  /** Proposals wanted. */
  count: z.number().int().min(1).max(16),
});
export type SpecialistBrief = z.infer<typeof specialistBriefSchema>;

export const specialistTaskSchema = z.strictObject({
  /** The direction to explore, e.g. "short-term reversal after volume spikes". */
  direction: z.string().min(1).max(2000),
  /** What the specialist should know: accepted factors, feedback on its last proposals, ... */
  context: z.string().max(20_000).default(''),
  brief: specialistBriefSchema.optional(),
});
export type SpecialistTask = z.infer<typeof specialistTaskSchema>;

export const proposalSchema = z.strictObject({
  /** The idea in words: what market behaviour the factor captures and why it should predict returns. */
  hypothesis: z.string().min(1).max(4000),
  /** A factor expression in the factor language, when the specialist writes one. */
  expression: z.string().min(1).max(2000).optional(),
});
export type Proposal = z.infer<typeof proposalSchema>;

export const specialistProposalsSchema = z.strictObject({ proposals: z.array(proposalSchema).max(32) });
export type SpecialistProposals = z.infer<typeof specialistProposalsSchema>;

messageSchemas.register(SPECIALIST_TASK, specialistTaskSchema);
messageSchemas.register(SPECIALIST_PROPOSALS, specialistProposalsSchema);

export interface ProposeContext {
  /** The task's envelope (ids for tracing, trajectory). */
  readonly envelope: Envelope<SpecialistTask>;
}

export type Propose = (task: SpecialistTask, context: ProposeContext) => Promise<readonly Proposal[]>;

export interface SpecialistDefinition {
  readonly name: string;
  readonly level: number;
  readonly guidance: string;
  readonly version: string;
  readonly capabilities: readonly string[];
  readonly propose?: Propose;
}

const definitionSchema = z.object({
  name: z.string().regex(AGENT_NAME, 'must be lower-case letters, digits, - or _ (at most 64)'),
  level: z.number().int().min(1).max(7),
  guidance: z.string().min(1).max(20_000),
  version: z.string().min(1).max(64).default('0.0.0'),
  capabilities: z.array(z.string().min(1).max(64)).max(32).default([]),
  propose: z.custom<Propose>((v) => typeof v === 'function', 'must be a function').optional(),
});

export class SpecialistDefinitionError extends Error {
  override readonly name = 'SpecialistDefinitionError';
}

/** Checks a loaded module's exports; throws one line naming every problem. */
export function specialistFromModule(exports: Record<string, unknown>, source: string): SpecialistDefinition {
  const parsed = definitionSchema.safeParse({ ...exports });
  if (!parsed.success) throw new SpecialistDefinitionError(`${source} is not a specialist: ${describeIssues(parsed.error.issues)}`);
  const { propose, ...rest } = parsed.data;
  return propose === undefined ? rest : { ...rest, propose };
}

// The seam where the swarm plugs in the LLM-backed behaviour for specialists that bring only name, level and guidance.
let defaultBehaviour: ((definition: SpecialistDefinition) => Propose) | null = null;

export function provideDefaultSpecialistBehaviour(factory: (definition: SpecialistDefinition) => Propose): void {
  defaultBehaviour = factory;
}

export class NoBehaviourError extends Error {
  override readonly name = 'NoBehaviourError';
}

/** The specialist's own propose(), else the default behaviour; throws when there is neither. */
export function behaviourOf(definition: SpecialistDefinition): Propose {
  if (definition.propose !== undefined) return definition.propose;
  if (defaultBehaviour !== null) return defaultBehaviour(definition);
  throw new NoBehaviourError(
    `specialist '${definition.name}' has no propose() and no default behaviour is installed (agents/specialistBehaviour.ts: installDefaultSpecialistBehaviour)`,
  );
}

export function specialistIdentity(definition: SpecialistDefinition): AgentIdentity {
  return { role: 'specialist', name: definition.name, level: definition.level, capabilities: [...definition.capabilities], version: definition.version };
}

/**
 * The specialist as an actor: idle until a task arrives, proposing while
 * propose() runs, then back to idle, answering with its proposals (checked
 * against the schema by the host) or with the reason it failed.
 */
export function specialistMachine(definition: SpecialistDefinition, propose: Propose = behaviourOf(definition)) {
  return setup({
    types: {
      context: {} as { task: Envelope<SpecialistTask> | null },
      events: {} as BusEvent<SpecialistTask>,
    },
    actors: {
      propose: fromPromise<readonly Proposal[], Envelope<SpecialistTask>>(({ input }) => propose(input.payload, { envelope: input })),
    },
  }).createMachine({
    id: definition.name,
    context: { task: null },
    initial: 'idle',
    states: {
      idle: {
        on: { [SPECIALIST_TASK]: { target: 'proposing', actions: assign({ task: ({ event }) => event.envelope }) } },
      },
      proposing: {
        invoke: {
          src: 'propose',
          input: ({ context }) => context.task!,
          onDone: {
            target: 'idle',
            actions: [emit(({ context, event }) => reply(context.task!, SPECIALIST_PROPOSALS, { proposals: event.output })), assign({ task: null })],
          },
          onError: {
            target: 'idle',
            actions: [emit(({ context, event }) => fail(context.task!, `propose failed: ${errorMessage(event.error)}`)), assign({ task: null })],
          },
        },
      },
    },
  });
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
