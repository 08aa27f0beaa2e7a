import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { extractJson } from '../../agents/llm/extractJson.js';
import { interpretReply } from '../../agents/llm/reply.js';

const value = (text: string) => {
  const r = extractJson(text);
  if (!r.ok) throw new Error(r.detail);
  return r.value;
};

describe('extractJson', () => {
  it('takes plain JSON, arrays, and JSON after prose', () => {
    expect(value('{"a": 1}')).toEqual({ a: 1 });
    expect(value('[1, 2]')).toEqual([1, 2]);
    expect(value('Sure! The answer is {"a": {"b": [1, "}"]}} as requested.')).toEqual({ a: { b: [1, '}'] } });
  });

  it('prefers a fenced block over braces in the surrounding prose', () => {
    expect(value('Using {close} data:\n```json\n{"a": 2}\n```')).toEqual({ a: 2 });
    expect(value('```\n{"a": 3}\n```')).toEqual({ a: 3 });
  });

  it('forgives trailing commas but not inside strings', () => {
    expect(value('{"a": [1, 2,], "b": "x,]",}')).toEqual({ a: [1, 2], b: 'x,]' });
  });

  it('skips bracketed prose that is not JSON', () => {
    expect(value('[see note} then {"a": 4}')).toEqual({ a: 4 });
    expect(value('[note] {"a": 5}')).toEqual({ a: 5 });
  });

  it('does not rescue a fragment from inside a malformed or cut-off value', () => {
    const bad = extractJson('{"outer": {"a": 1} "b": 2}');
    expect(bad).toEqual({ ok: false, detail: expect.stringMatching(/^malformed JSON: /) });
    expect(extractJson('{"factors": [{"a": 1}, {"a": 2')).toEqual({ ok: false, detail: 'malformed JSON: { at character 0 is never closed (reply cut off?)' });
  });

  it('says when there is no JSON at all', () => {
    expect(extractJson('nothing here')).toEqual({ ok: false, detail: 'no JSON object or array in the reply' });
  });

  it('handles escaped quotes and a "__proto__" key as plain data', () => {
    const v = value('{"s": "say \\"hi\\" {", "__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(v.s).toBe('say "hi" {');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('interpretReply', () => {
  const schema = z.object({ n: z.number() });
  const judge = (text: string, finishReason: string | undefined = 'stop', max = 1000) => interpretReply({ text, finishReason }, schema, max);

  it('accepts a value matching the schema', () => {
    expect(judge('{"n": 2}')).toEqual({ ok: true, value: { n: 2 } });
  });

  it('classifies refusals, size, bad JSON and schema failures', () => {
    expect(judge('   ')).toMatchObject({ ok: false, reason: 'refused' });
    expect(judge('{"n": 1}', 'content_filter')).toMatchObject({ ok: false, reason: 'refused' });
    expect(judge('I cannot help with that request.')).toMatchObject({ ok: false, reason: 'refused' });
    expect(judge(`{"n": ${'1'.repeat(2000)}}`)).toMatchObject({ ok: false, reason: 'too-large' });
    expect(judge('{"n": 1', 'length')).toMatchObject({ ok: false, reason: 'invalid-output', detail: expect.stringContaining('stopped at the token limit') });
    expect(judge('{"n": "1"}')).toEqual({ ok: false, reason: 'invalid-output', detail: 'does not match the schema: n: Invalid input: expected number, received string' });
  });

  it('does not call an apology that carries the JSON a refusal', () => {
    expect(judge('Sorry, fixed: {"n": 3}')).toEqual({ ok: true, value: { n: 3 } });
  });
});
