import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEnvelope, jsonCodec, msgpackCodec } from '../../runtime/envelope.js';
import { openMessage } from '../../runtime/receive.js';
import { MessageSchemas } from '../../runtime/schemas.js';
import { subjects, jetstreamNames } from '../../runtime/subjects.js';
import { connectionOptions, natsUrlFromEnvironment, parseNatsUrl, redactNatsUrl } from '../../runtime/natsUrl.js';
import { agentPermissions } from '../../runtime/permissions.js';

const schemas = new MessageSchemas();
schemas.register('demo.task', z.strictObject({ n: z.number().int() }));
const ctx = { run: 'r1', schemas, maxBytes: 1024 };
const envelope = (payload: unknown, over: Record<string, unknown> = {}) => ({
  ...createEnvelope({ type: 'demo.task', run: 'r1', from: 'tester', payload }),
  ...over,
});

describe('envelopes', () => {
  it('links a reply to its cause: causation is the cause, correlation and trajectory are inherited', () => {
    const first = createEnvelope({ type: 'demo.task', run: 'r1', from: 'a', payload: { n: 1 }, trajectory: 'traj-7' });
    const second = createEnvelope({ type: 'demo.task', run: 'r1', from: 'b', payload: { n: 2 }, cause: first });
    const third = createEnvelope({ type: 'demo.task', run: 'r1', from: 'c', payload: { n: 3 }, cause: second });
    expect(first.correlation).toBe(first.id);
    expect(first.causation).toBeNull();
    expect(second.causation).toBe(first.id);
    expect(third.causation).toBe(second.id);
    expect(third.correlation).toBe(first.id);
    expect(third.trajectory).toBe('traj-7');
  });

  it('round-trips through msgpack and json alike', () => {
    const e = envelope({ n: 5 });
    expect(msgpackCodec.decode(msgpackCodec.encode(e))).toEqual(e);
    expect(jsonCodec.decode(jsonCodec.encode(e))).toEqual(e);
  });
});

describe('openMessage: every failure is a named dead-letter reason, never a throw', () => {
  it('accepts a valid envelope', () => {
    const opened = openMessage(msgpackCodec.encode(envelope({ n: 3 })), ctx);
    expect(opened.ok).toBe(true);
  });

  it.each([
    ['oversized', new Uint8Array(1025)],
    ['undecodable', new TextEncoder().encode('hello, not msgpack')],
    ['undecodable', new Uint8Array([0x92, 0x01])], // truncated array
    ['invalid-envelope', msgpackCodec.encode(42)],
    ['invalid-envelope', msgpackCodec.encode({ ...envelope({ n: 1 }), from: 'Bad Name!' })],
    ['invalid-envelope', msgpackCodec.encode({ ...envelope({ n: 1 }), extra: true })],
    ['wrong-run', msgpackCodec.encode(envelope({ n: 1 }, { run: 'r2' }))],
    ['unknown-type', msgpackCodec.encode(envelope({ n: 1 }, { type: 'demo.unknown' }))],
    ['invalid-payload', msgpackCodec.encode(envelope({ n: 1.5 }))],
    ['invalid-payload', msgpackCodec.encode(envelope({ n: 1, sneaky: 'x' }))],
  ])('%s', (reason, bytes) => {
    const opened = openMessage(bytes, ctx);
    expect(opened.ok).toBe(false);
    if (!opened.ok) expect(opened.reason).toBe(reason);
  });

  it('keeps the envelope of a task whose payload alone is wrong, so it can be answered', () => {
    const e = envelope({ n: 'x' });
    const opened = openMessage(msgpackCodec.encode(e), ctx);
    expect(opened.ok).toBe(false);
    if (!opened.ok) {
      expect(opened.envelope?.id).toBe(e.id);
      expect(opened.original).toEqual({ id: e.id, type: 'demo.task', from: 'tester' });
    }
  });

  it('does not let a __proto__ key reach an object prototype', () => {
    const bytes = msgpackCodec.encode(JSON.parse(`{"__proto__": {"polluted": true}, "id": "x"}`));
    openMessage(bytes, ctx);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('MessageSchemas', () => {
  it('gives a type exactly one schema', () => {
    const registry = new MessageSchemas();
    const s = z.object({});
    registry.register('a.b', s);
    registry.register('a.b', s);
    expect(() => registry.register('a.b', z.object({}))).toThrow(/already has a different schema/);
    expect(() => registry.register('Not.A.Type', s)).toThrow(/invalid message type/);
  });
});

describe('subjects', () => {
  it('follows the documented scheme', () => {
    expect(subjects.event('r1', 'factor.accepted')).toBe('as.r1.evt.factor.accepted');
    expect(subjects.work('r1', 'evaluator')).toBe('as.r1.work.evaluator');
    expect(subjects.reply('r1', 'abc')).toBe('as.r1.reply.abc');
    expect(subjects.deadLetter('r1', 'oversized')).toBe('as.r1.dead.oversized');
    expect(subjects.persisted('r1')).not.toContain('as.r1.live.>');
    expect(jetstreamNames.stream('r1')).toBe('AS_r1');
  });

  it('refuses tokens that would change a subject', () => {
    expect(() => subjects.work('r1', 'a.b')).toThrow();
    expect(() => subjects.work('r1', '>')).toThrow();
    expect(() => subjects.event('r.1', 'x')).toThrow();
    expect(() => subjects.reply('r1', 'a b')).toThrow();
  });
});

describe('NATS URLs', () => {
  it('splits credentials off for nats.js', () => {
    expect(parseNatsUrl('nats://agent:p%40ss@127.0.0.1:4333')).toMatchObject({ server: '127.0.0.1:4333', user: 'agent', pass: 'p@ss' });
    expect(parseNatsUrl('nats://tok@example.org')).toMatchObject({ server: 'example.org:4222', token: 'tok' });
    expect(parseNatsUrl('localhost:5000')).toMatchObject({ server: 'localhost:5000' });
  });

  it('never prints a password', () => {
    expect(redactNatsUrl('nats://agent:secret@10.0.0.2:4222')).toBe('nats://agent:***@10.0.0.2:4222');
    expect(redactNatsUrl('nats://secret@10.0.0.2:4222')).toBe('nats://***@10.0.0.2:4222');
  });

  it('refuses a server beyond loopback without credentials', () => {
    expect(() => connectionOptions('nats://10.1.2.3:4222', 'x')).toThrow(/without credentials/);
    expect(() => connectionOptions('nats://u:p@10.1.2.3:4222', 'x')).not.toThrow();
    expect(() => connectionOptions('nats://127.0.0.1:4222', 'x')).not.toThrow();
  });

  it('takes --nats over NATS_URL', () => {
    expect(natsUrlFromEnvironment('nats://a:1', { NATS_URL: 'nats://b:2' })).toBe('nats://a:1');
    expect(natsUrlFromEnvironment(undefined, { NATS_URL: 'nats://b:2' })).toBe('nats://b:2');
    expect(natsUrlFromEnvironment(undefined, {})).toBeUndefined();
  });
});

describe('agent permissions', () => {
  it('allow no key-value writes and no stream or consumer deletion', () => {
    const allowed = agentPermissions('r1').publish.allow;
    expect(allowed.some((s) => s.startsWith('$KV'))).toBe(false);
    expect(allowed.some((s) => /DELETE|PURGE|UPDATE|STREAM\.CREATE/.test(s))).toBe(false);
    expect(allowed).toContain('as.r1.>');
  });
});
