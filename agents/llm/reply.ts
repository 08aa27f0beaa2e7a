/**
 * Judges one model reply: a refusal, too large, not JSON, JSON failing the
 * schema, or a value the caller can use. Pure; the client decides what to do
 * with each verdict (re-ask, give up, accept).
 */
import type { z } from 'zod';
import { extractJson } from './extractJson.js';

export type ReplyRejection = 'refused' | 'too-large' | 'invalid-output';

export type ReplyVerdict<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: ReplyRejection; readonly detail: string };

export interface Reply {
  readonly text: string;
  /** The endpoint's finish_reason (`stop`, `length`, `content_filter`, ...) when it gave one. */
  readonly finishReason: string | undefined;
}

/** Longest schema-error text handed back to the model and the caller. */
const MAX_DETAIL_CHARS = 800;

const REFUSAL_OPENING =
  /^(?:i['’]m sorry|i am sorry|sorry,|i apologi[sz]e|i can(?:['’]t|not)|i won['’]t|i['’]m (?:not able|unable)|i am (?:not able|unable)|as an ai\b)/i;

export function interpretReply<T>(reply: Reply, schema: z.ZodType<T>, maxChars: number): ReplyVerdict<T> {
  const text = reply.text.trim();
  if (reply.finishReason === 'content_filter') return { ok: false, reason: 'refused', detail: "the endpoint's content filter stopped the reply" };
  if (text === '') return { ok: false, reason: 'refused', detail: `empty reply (finish_reason ${reply.finishReason ?? 'not given'})` };
  if (text.length > maxChars) return { ok: false, reason: 'too-large', detail: `reply of ${text.length} characters exceeds the ${maxChars}-character limit` };

  const extracted = extractJson(text);
  if (!extracted.ok) {
    if (REFUSAL_OPENING.test(text)) return { ok: false, reason: 'refused', detail: `the model declined: ${quote(text)}` };
    const cutOff = reply.finishReason === 'length' ? '; the reply stopped at the token limit' : '';
    return { ok: false, reason: 'invalid-output', detail: `${extracted.detail}${cutOff}` };
  }
  const checked = schema.safeParse(extracted.value);
  if (!checked.success) return { ok: false, reason: 'invalid-output', detail: `does not match the schema: ${issuesText(checked.error.issues)}` };
  return { ok: true, value: checked.data };
}

function issuesText(issues: readonly z.core.$ZodIssue[]): string {
  const text = issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`).join('; ');
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}...` : text;
}

function quote(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}...` : line);
}
