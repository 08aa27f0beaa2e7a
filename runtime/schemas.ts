/**
 * MessageSchemas: message type -> zod schema of its payload. Payloads are
 * validated against it on receipt (and on sending, to catch a sender's bug at
 * its source). Each part of the system registers the types it speaks; a type
 * has exactly one schema.
 */
import type { z } from 'zod';
import { checkMessageType } from './names.js';

export type PayloadSchema = z.ZodType;

export type ParseResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

export class MessageSchemas {
  readonly #schemas = new Map<string, PayloadSchema>();

  /** Registers a type's payload schema. Registering the same schema again is a no-op; a different one is an error. */
  register(type: string, schema: PayloadSchema): void {
    checkMessageType(type);
    const existing = this.#schemas.get(type);
    if (existing !== undefined && existing !== schema) throw new Error(`message type '${type}' already has a different schema`);
    this.#schemas.set(type, schema);
  }

  has(type: string): boolean {
    return this.#schemas.has(type);
  }

  types(): string[] {
    return [...this.#schemas.keys()].sort();
  }

  /** Validates a payload; unknown types fail, since they cannot be checked. */
  parse(type: string, payload: unknown): ParseResult {
    const schema = this.#schemas.get(type);
    if (schema === undefined) return { ok: false, error: `no schema registered for message type '${type}'` };
    const result = schema.safeParse(payload);
    return result.success ? { ok: true, value: result.data } : { ok: false, error: describeIssues(result.error.issues) };
  }
}

/** One line naming every issue: `payload.direction: Too big: ...; ...`. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  const parts = issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
  if (issues.length > 5) parts.push(`and ${issues.length - 5} more`);
  return parts.join('; ');
}

/** The one registry of the process: every bus validates against it. */
export const messageSchemas = new MessageSchemas();
