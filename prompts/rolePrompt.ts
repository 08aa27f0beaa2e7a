/** What each role's prompt file defines; prompts/index.ts assembles the messages. */
import type { RoleInput, RoleName } from '../agents/roles.js';

export interface RolePrompt<R extends RoleName> {
  readonly role: R;
  /** The role writes expressions, so its system message carries the factor language. */
  readonly writesExpressions: boolean;
  /** The role as the seed papers frame it, and what the input's fields mean. */
  readonly framing: string;
  /** Rules particular to the role (the shared ones are added by index.ts). */
  readonly rules: readonly string[];
  /** The request for this input, one short line above the context block. */
  task(input: RoleInput<R>): string;
}
