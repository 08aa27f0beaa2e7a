/**
 * Opening a received message: size, decoding, envelope shape, run, payload
 * schema, in that order. Anything that fails becomes a dead letter with the
 * reason; nothing here throws.
 */
import { msgpackCodec, envelopeSchema, type Envelope } from './envelope.js';
import type { DeadLetterPayload, DeadLetterReason } from './runtimeMessages.js';
import { describeIssues, type MessageSchemas } from './schemas.js';

export type Opened =
  | { readonly ok: true; readonly envelope: Envelope }
  | {
      readonly ok: false;
      readonly reason: DeadLetterReason;
      readonly detail: string;
      readonly original: DeadLetterPayload['original'];
      /** The envelope, when only its payload was wrong (so a task can still be answered with a failure). */
      readonly envelope?: Envelope;
    };

export interface OpenContext {
  readonly run: string;
  readonly schemas: MessageSchemas;
  readonly maxBytes: number;
}

export function openMessage(bytes: Uint8Array, ctx: OpenContext): Opened {
  if (bytes.length > ctx.maxBytes) {
    return { ok: false, reason: 'oversized', detail: `${bytes.length} bytes, limit ${ctx.maxBytes}`, original: {} };
  }
  let decoded: unknown;
  try {
    decoded = msgpackCodec.decode(bytes);
  } catch (err) {
    return { ok: false, reason: 'undecodable', detail: `not MessagePack: ${(err as Error).message}`, original: {} };
  }
  const original = readableParts(decoded);
  const parsed = envelopeSchema.safeParse(decoded);
  if (!parsed.success) return { ok: false, reason: 'invalid-envelope', detail: describeIssues(parsed.error.issues), original };
  const envelope = parsed.data as Envelope;
  if (envelope.run !== ctx.run) {
    return { ok: false, reason: 'wrong-run', detail: `envelope of run '${envelope.run}' on run '${ctx.run}'`, original };
  }
  if (!ctx.schemas.has(envelope.type)) {
    return { ok: false, reason: 'unknown-type', detail: `no schema registered for message type '${envelope.type}'`, original, envelope };
  }
  const payload = ctx.schemas.parse(envelope.type, envelope.payload);
  if (!payload.ok) return { ok: false, reason: 'invalid-payload', detail: `${envelope.type}: ${payload.error}`, original, envelope };
  return { ok: true, envelope: { ...envelope, payload: payload.value } };
}

/** The id, type and sender of whatever was decoded, when they are short strings, to name it in the dead letter. */
function readableParts(decoded: unknown): DeadLetterPayload['original'] {
  if (typeof decoded !== 'object' || decoded === null) return {};
  const record = decoded as Record<string, unknown>;
  const part = (key: string, max: number): string | undefined => {
    const v = record[key];
    return typeof v === 'string' && v.length <= max ? v : undefined;
  };
  const out: { id?: string; type?: string; from?: string } = {};
  const id = part('id', 64);
  const type = part('type', 128);
  const from = part('from', 64);
  if (id !== undefined) out.id = id;
  if (type !== undefined) out.type = type;
  if (from !== undefined) out.from = from;
  return out;
}
