/**
 * The tokens that appear inside NATS subjects, stream and bucket names. NATS
 * treats `.`, `*`, `>` and whitespace specially, so every name a message or a
 * user supplies is checked here before it becomes part of a subject.
 */
import { nuid } from 'nats';

/** A run id: also part of the stream and bucket names, so no dots. */
export const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** An agent or queue name (`example-attached`, `evaluator`). */
export const AGENT_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
/** A message type: dotted lower-case words (`specialist.task`, `runtime.dead-letter`). */
export const MESSAGE_TYPE = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*){0,5}$/;
/** A message id: one subject token (nuid's 22 base-62 characters, or a caller's own stable id). */
export const MESSAGE_ID = /^[A-Za-z0-9_-]{1,64}$/;

export class NameError extends Error {
  override readonly name = 'NameError';
}

function check(kind: string, pattern: RegExp, value: string): string {
  if (!pattern.test(value)) throw new NameError(`invalid ${kind} '${value}' (must match ${pattern.source})`);
  return value;
}

export const checkRunId = (run: string): string => check('run id', RUN_ID, run);
export const checkAgentName = (name: string): string => check('agent name', AGENT_NAME, name);
export const checkMessageType = (type: string): string => check('message type', MESSAGE_TYPE, type);
export const checkMessageId = (id: string): string => check('message id', MESSAGE_ID, id);

/** A fresh message id, unique across processes (nuid: 22 base-62 characters). */
export function newMessageId(): string {
  return nuid.next();
}

/** A run id for a new run: time-ordered so run directories sort by start. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  return `${stamp}-${nuid.next().slice(-6)}`;
}
