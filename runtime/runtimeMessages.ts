/**
 * The message types the runtime itself speaks: dead letters, task failures and
 * agent presence. Registered in the process's MessageSchemas on import.
 */
import { z } from 'zod';
import { AGENT_NAME, MESSAGE_ID, MESSAGE_TYPE } from './names.js';
import { messageSchemas } from './schemas.js';

export const DEAD_LETTER_REASONS = [
  'oversized', // larger than the bus's envelope limit
  'undecodable', // not one MessagePack value
  'invalid-envelope', // decoded, but not an envelope
  'wrong-run', // an envelope of another run on this run's subjects
  'unknown-type', // no payload schema registered for its type
  'invalid-payload', // payload fails its type's schema
  'poison', // a task delivered maxDeliveries times without completing
] as const;
export type DeadLetterReason = (typeof DEAD_LETTER_REASONS)[number];

export const deadLetterPayload = z.strictObject({
  reason: z.enum(DEAD_LETTER_REASONS),
  /** Subject the message arrived on. */
  subject: z.string().max(512),
  /** Size of the message in bytes. */
  size: z.number().int().nonnegative(),
  detail: z.string().max(2000),
  /** What could be read of the original envelope. */
  original: z.strictObject({
    id: z.string().max(64).optional(),
    type: z.string().max(128).optional(),
    from: z.string().max(64).optional(),
  }),
});
export type DeadLetterPayload = z.infer<typeof deadLetterPayload>;

/** The answer to a task that could not be done; request() turns it into a TaskFailedError. */
export const taskFailedPayload = z.strictObject({ reason: z.string().max(2000) });

/** Who an agent is: what it announces, and what heartbeats repeat. */
export const agentIdentitySchema = z.strictObject({
  role: z.string().regex(AGENT_NAME),
  name: z.string().regex(AGENT_NAME),
  /** Place in a hierarchy, e.g. CogAlpha's levels 1-7 for specialists; null when it has none. */
  level: z.number().int().min(1).max(99).nullable(),
  capabilities: z.array(z.string().max(64)).max(32),
  version: z.string().max(64),
});
export type AgentIdentity = z.infer<typeof agentIdentitySchema>;

export const presencePayload = agentIdentitySchema.extend({
  /** One process's incarnation of the agent. */
  instance: z.string().regex(MESSAGE_ID),
  host: z.string().max(255),
  pid: z.number().int().nonnegative(),
  /** The queue groups it takes tasks from. */
  queues: z.array(z.string().regex(AGENT_NAME)).max(16),
  /** The message types it subscribes to. */
  events: z.array(z.string().regex(MESSAGE_TYPE)).max(64),
  /** How often it beats; watchers declare it gone after three missed beats. */
  heartbeatMs: z.number().int().min(50).max(600_000),
});
export type Presence = z.infer<typeof presencePayload>;

export const leavePayload = z.strictObject({ instance: z.string().regex(MESSAGE_ID), name: z.string().regex(AGENT_NAME) });
export const discoverPayload = z.strictObject({});

export const RUNTIME_TYPES = {
  deadLetter: 'runtime.dead-letter',
  taskFailed: 'runtime.task-failed',
  announce: 'agent.announce',
  heartbeat: 'agent.heartbeat',
  leave: 'agent.leave',
  discover: 'agent.discover',
} as const;

messageSchemas.register(RUNTIME_TYPES.deadLetter, deadLetterPayload);
messageSchemas.register(RUNTIME_TYPES.taskFailed, taskFailedPayload);
messageSchemas.register(RUNTIME_TYPES.announce, presencePayload);
messageSchemas.register(RUNTIME_TYPES.heartbeat, presencePayload);
messageSchemas.register(RUNTIME_TYPES.leave, leavePayload);
messageSchemas.register(RUNTIME_TYPES.discover, discoverPayload);
