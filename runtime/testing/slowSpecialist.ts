/**
 * Test fixture: a specialist whose propose() takes a while and writes what it
 * does to a log, so tests can kill it mid-task and count how often each task
 * was started and finished. Configured by environment:
 *   SLOW_SPECIALIST_NAME  agent name (default slow-specialist)
 *   SLOW_SPECIALIST_MS    how long each proposal takes (default 500)
 *   SLOW_SPECIALIST_LOG   file to append `start|done <direction> <pid>` lines to
 */
import { appendFileSync } from 'node:fs';
import type { Proposal, SpecialistTask } from '../../agents/specialistDefinition.js';

export const name = process.env.SLOW_SPECIALIST_NAME ?? 'slow-specialist';
export const level = 1;
export const guidance = 'Test fixture: answers slowly and deterministically.';
export const version = 'test';

const note = (what: string, direction: string): void => {
  if (process.env.SLOW_SPECIALIST_LOG) appendFileSync(process.env.SLOW_SPECIALIST_LOG, `${what} ${direction} ${process.pid}\n`);
};

export async function propose(task: SpecialistTask): Promise<Proposal[]> {
  note('start', task.direction);
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.SLOW_SPECIALIST_MS ?? 500)));
  note('done', task.direction);
  return [{ hypothesis: `${task.direction} by pid ${process.pid}`, expression: `Mean($close, ${task.direction.length})` }];
}
