/**
 * The one envelope every message of a run travels in, and its wire encoding
 * (MessagePack via msgpackr, plain maps so any MessagePack reader can decode it).
 */
import { Packr } from 'msgpackr';
import { z } from 'zod';
import { AGENT_NAME, MESSAGE_ID, MESSAGE_TYPE, RUN_ID, checkMessageId, checkMessageType, newMessageId } from './names.js';

export interface Envelope<P = unknown> {
  /** Unique message id; also the JetStream de-duplication key. */
  readonly id: string;
  /** Message type; selects the payload schema (see MessageSchemas). */
  readonly type: string;
  readonly run: string;
  /** The sending agent's name. */
  readonly from: string;
  /** The queue a task is for, or the agent a reply answers; null for a broadcast event. */
  readonly to: string | null;
  /** The mining trajectory the message belongs to, carried along unchanged from its cause. */
  readonly trajectory: string | null;
  /** Id of the message that caused this one (a reply's causation is its task). */
  readonly causation: string | null;
  /** Id of the first message of the conversation. */
  readonly correlation: string;
  /** ISO 8601 time of sending. */
  readonly time: string;
  readonly payload: P;
}

/** The envelope as received: checked field by field before its payload is looked at. */
export const envelopeSchema = z.strictObject({
  id: z.string().regex(MESSAGE_ID),
  type: z.string().regex(MESSAGE_TYPE),
  run: z.string().regex(RUN_ID),
  from: z.string().regex(AGENT_NAME),
  to: z.string().regex(AGENT_NAME).nullable(),
  trajectory: z.string().max(128).nullable(),
  causation: z.string().regex(MESSAGE_ID).nullable(),
  correlation: z.string().regex(MESSAGE_ID),
  time: z.iso.datetime(),
  payload: z.unknown(),
});

export interface EnvelopeFields<P> {
  readonly type: string;
  readonly run: string;
  readonly from: string;
  readonly payload: P;
  readonly to?: string | null;
  /** The message this one answers or follows from: sets causation and inherits correlation and trajectory. */
  readonly cause?: Envelope | null;
  readonly trajectory?: string | null;
  /** A stable id chosen by the caller (e.g. a task id derived from run state, so a resumed run re-asks the same task). */
  readonly id?: string;
}

export function createEnvelope<P>(fields: EnvelopeFields<P>): Envelope<P> {
  const id = fields.id === undefined ? newMessageId() : checkMessageId(fields.id);
  const cause = fields.cause ?? null;
  return {
    id,
    type: checkMessageType(fields.type),
    run: fields.run,
    from: fields.from,
    to: fields.to ?? null,
    trajectory: fields.trajectory !== undefined ? fields.trajectory : (cause?.trajectory ?? null),
    causation: cause?.id ?? null,
    correlation: cause?.correlation ?? id,
    time: new Date().toISOString(),
    payload: fields.payload,
  };
}

/** A wire encoding of envelopes. The bus uses msgpack; json exists so the benchmark can compare. */
export interface Codec {
  readonly name: string;
  encode(value: unknown): Uint8Array;
  /** Throws on bytes that are not one complete value. */
  decode(bytes: Uint8Array): unknown;
}

// useRecords: false keeps objects as MessagePack maps (readable by any MessagePack library).
const packr = new Packr({ useRecords: false });

export const msgpackCodec: Codec = {
  name: 'msgpackr',
  encode: (value) => packr.pack(value),
  decode: (bytes) => packr.unpack(bytes),
};

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

export const jsonCodec: Codec = {
  name: 'json',
  encode: (value) => textEncoder.encode(JSON.stringify(value)),
  decode: (bytes) => JSON.parse(textDecoder.decode(bytes)),
};
