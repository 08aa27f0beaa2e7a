/**
 * Every prompt ends with its input as a fenced JSON block:
 *
 *   ```json alphaswarm-context
 *   {"role":"builder","input":{...}}
 *   ```
 *
 * A model reads it like any other part of the prompt; the embedded offline
 * research model reads only it (it understands no prose), so the block is
 * the whole contract between prompts and that model.
 */
import type { RoleInput, RoleName } from '../agents/roles.js';

const OPEN = '```json alphaswarm-context\n';
const CLOSE = '\n```';

export function contextBlock<R extends RoleName>(role: R, input: RoleInput<R>): string {
  return `${OPEN}${JSON.stringify({ role, input })}${CLOSE}`;
}

/** The role and input of the last context block in `text`, or null (unvalidated: callers check the input against the role's schema). */
export function readContextBlock(text: string): { role: string; input: unknown } | null {
  const open = text.lastIndexOf(OPEN);
  if (open === -1) return null;
  const body = text.slice(open + OPEN.length);
  const close = body.indexOf(CLOSE);
  if (close === -1) return null;
  try {
    const parsed: unknown = JSON.parse(body.slice(0, close));
    if (typeof parsed !== 'object' || parsed === null || !('role' in parsed) || typeof parsed.role !== 'string') return null;
    return { role: parsed.role, input: (parsed as { input?: unknown }).input };
  } catch {
    return null;
  }
}
