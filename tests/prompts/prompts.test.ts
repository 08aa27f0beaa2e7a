/**
 * Every role's prompt: renders, carries its input as a context block that
 * reads back exactly, shows the factor language to roles that write
 * expressions (and only to them), and asks for a reply shape that names
 * every field of the role's reply schema.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Rng } from '../../agents/offline/random.js';
import { ROLES, type RoleName } from '../../agents/roles.js';
import { OPERATORS, dslSpecification } from '../../operators/index.js';
import { ROLE_PROMPTS, readContextBlock, renderPrompt, replyShape } from '../../prompts/index.js';
import { ROLE_NAMES, roleInput } from '../offline/roleInputs.js';

const env = { dsl: dslSpecification() };

/** Every object key in a zod schema, found by walking the schema itself (not its JSON Schema). */
function fieldNames(schema: z.ZodType): string[] {
  if (schema instanceof z.ZodObject) return Object.entries(schema.shape as Record<string, z.ZodType>).flatMap(([key, value]) => [key, ...fieldNames(value)]);
  if (schema instanceof z.ZodArray) return fieldNames(schema.element as z.ZodType);
  if (schema instanceof z.ZodOptional || schema instanceof z.ZodNullable) return fieldNames(schema.unwrap() as z.ZodType);
  return [];
}

const WRITES_EXPRESSIONS: readonly RoleName[] = ['specialist', 'builder', 'repair', 'improve', 'mutation', 'crossover'];

describe('prompts', () => {
  it('renders every role as a system and a user message ending with the context block, which reads back exactly', () => {
    for (const role of ROLE_NAMES) {
      for (let i = 0; i < 10; i++) {
        const input = roleInput(role, Rng.keyed('prompt', role, i));
        const messages = renderPrompt(role, input, env);
        expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
        expect(messages[1]!.content.trimEnd().endsWith('```')).toBe(true);
        expect(readContextBlock(messages[1]!.content)).toEqual({ role, input });
        expect(ROLES[role].input.parse(readContextBlock(messages[1]!.content)!.input)).toEqual(input);
      }
    }
  });

  it('shows the factor language, generated from the registry, exactly to the roles that write expressions', () => {
    for (const role of ROLE_NAMES) {
      const system = renderPrompt(role, roleInput(role, new Rng(1)), env)[0]!.content;
      const writes = WRITES_EXPRESSIONS.includes(role);
      expect(ROLE_PROMPTS[role].writesExpressions, role).toBe(writes);
      expect(system.includes(env.dsl.trim()), role).toBe(writes);
      if (writes) for (const name of OPERATORS.keys()) expect(system, `${role} lacks ${name}`).toContain(`\`${name}(`);
      if (writes) expect(system).toMatch(/No look-ahead: the value on day t uses data up to day t only/);
    }
  });

  it('asks for a reply shape that names every field of the reply schema', () => {
    for (const role of ROLE_NAMES) {
      const system = renderPrompt(role, roleInput(role, new Rng(2)), env)[0]!.content;
      const fields = fieldNames(ROLES[role].reply);
      expect(fields.length, role).toBeGreaterThan(0);
      for (const field of fields) expect(system, `${role} reply shape lacks ${field}`).toContain(`"${field}"`);
      expect(system).toContain(replyShape(ROLES[role].reply));
    }
  });

  it('describes enum choices, bounds and optional fields in the reply shape', () => {
    expect(replyShape(ROLES.judge.reply)).toContain('"failingStep": "hypothesis" | "description" | "expression" | null');
    expect(replyShape(ROLES.specialist.reply)).toContain('"expression"?: string (max 2000)');
    expect(replyShape(ROLES.specialist.reply)).toContain('(1-16 items)');
    expect(replyShape(ROLES.model.reply)).toContain('"eta": number in [0.001, 1]');
  });

  it('frames each role as its seed paper does', () => {
    const framing = (role: RoleName) => ROLE_PROMPTS[role].framing;
    expect(framing('planner')).toMatch(/QuantaAlpha/);
    expect(framing('planner')).toMatch(/AlphaGPT 2\.0/);
    expect(framing('specialist')).toMatch(/CogAlpha/);
    expect(framing('specialist')).toMatch(/light, moderate, creative, divergent, concrete/);
    expect(framing('repair')).toMatch(/Co-STEER/);
    expect(framing('judge')).toMatch(/CogAlpha/);
    expect(framing('mutation')).toMatch(/QuantaAlpha/);
    expect(framing('crossover')).toMatch(/lineage/);
    expect(framing('analyst')).toMatch(/R&D-Agent\(Q\)/);
    expect(framing('model')).toMatch(/R&D-Agent\(Q\)/);
  });

  it('keeps the prompts tight (reported: characters per role)', () => {
    const sizes = ROLE_NAMES.map((role) => {
      const [system, user] = renderPrompt(role, roleInput(role, new Rng(3)), env);
      return { role, system: system!.content.length, user: user!.content.length };
    });
    console.log(`[prompts] dsl ${env.dsl.length} chars; ${sizes.map((s) => `${s.role} ${s.system}+${s.user}`).join(', ')}`);
    for (const s of sizes) expect(s.system - (WRITES_EXPRESSIONS.includes(s.role) ? env.dsl.length : 0)).toBeLessThan(2500);
  });

  it('reuses the system message for the same role and environment', () => {
    const a = renderPrompt('judge', roleInput('judge', new Rng(4)), env)[0]!.content;
    const b = renderPrompt('judge', roleInput('judge', new Rng(5)), env)[0]!.content;
    expect(a).toBe(b);
    const other = renderPrompt('builder', roleInput('builder', new Rng(4)), { dsl: dslSpecification({ fields: new Set(['close', 'volume', 'vwap']) }) })[0]!.content;
    expect(other).toContain('$vwap');
  });
});
