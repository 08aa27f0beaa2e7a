/**
 * The subject scheme: every subject of a run starts with `as.<run>.`.
 *
 *   as.<run>.evt.<type>        broadcast event; every subscriber of the type gets it
 *   as.<run>.work.<queue>      a task for the queue group <queue>; exactly one member handles it
 *   as.<run>.reply.<taskId>    the one answer to task <taskId>
 *   as.<run>.agents.announce   an agent joined (registry)
 *   as.<run>.agents.leave      an agent left cleanly (registry)
 *   as.<run>.dead.<reason>     a dead letter: a message that failed validation, with the reason
 *   as.<run>.live.heartbeat    liveness beats (not persisted)
 *   as.<run>.live.discover     "who is there?" ping; agents answer with a beat (not persisted)
 *
 * The run's stream persists everything except `live.*`, which is chatter about
 * who is alive rather than a message of the run.
 */
import { checkAgentName, checkMessageId, checkMessageType, checkRunId } from './names.js';

const root = (run: string): string => `as.${checkRunId(run)}`;

export const subjects = {
  event: (run: string, type: string): string => `${root(run)}.evt.${checkMessageType(type)}`,
  work: (run: string, queue: string): string => `${root(run)}.work.${checkAgentName(queue)}`,
  reply: (run: string, taskId: string): string => `${root(run)}.reply.${checkMessageId(taskId)}`,
  announce: (run: string): string => `${root(run)}.agents.announce`,
  leave: (run: string): string => `${root(run)}.agents.leave`,
  deadLetter: (run: string, reason: string): string => `${root(run)}.dead.${reason}`,
  heartbeat: (run: string): string => `${root(run)}.live.heartbeat`,
  discover: (run: string): string => `${root(run)}.live.discover`,
  /** Everything of the run, for permissions. */
  all: (run: string): string => `${root(run)}.>`,
  /** What the run's stream persists. */
  persisted: (run: string): string[] => ['evt', 'work', 'reply', 'agents', 'dead'].map((k) => `${root(run)}.${k}.>`),
} as const;

/** JetStream names derived from the run id (stream and bucket names allow no dots). */
export const jetstreamNames = {
  stream: (run: string): string => `AS_${checkRunId(run)}`,
  stateBucket: (run: string): string => `AS_${checkRunId(run)}_state`,
  libraryBucket: (run: string): string => `AS_${checkRunId(run)}_library`,
  /** The durable consumer that the members of a queue group share. */
  workConsumer: (queue: string): string => `work_${checkAgentName(queue)}`,
} as const;
