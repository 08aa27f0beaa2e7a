/**
 * A compact, human-readable description of a reply schema for prompts,
 * derived from the zod schema itself (through its JSON Schema), so the shape
 * a prompt asks for cannot drift from the shape LlmClient validates:
 *
 *   {"name": string (max 120), "tags": ["a" | "b", ...] (1-4 items), "note"?: string | null}
 */
import { z } from 'zod';

interface JsonSchema {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly items?: JsonSchema;
  readonly anyOf?: readonly JsonSchema[];
  readonly enum?: readonly unknown[];
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
}

function range(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return ` in [${min}, ${max}]`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return '';
}

function describe(schema: JsonSchema): string {
  if (schema.anyOf) return schema.anyOf.map(describe).join(' | ');
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' | ');
  switch (schema.type) {
    case 'object': {
      const required = new Set(schema.required ?? []);
      const fields = Object.entries(schema.properties ?? {}).map(
        ([key, value]) => `${JSON.stringify(key)}${required.has(key) ? '' : '?'}: ${describe(value)}`,
      );
      return `{${fields.join(', ')}}`;
    }
    case 'array': {
      const { minItems: min, maxItems: max } = schema;
      const count = min !== undefined && max !== undefined ? `${min}-${max}` : min !== undefined ? `at least ${min}` : max !== undefined ? `at most ${max}` : '';
      return `[${schema.items ? describe(schema.items) : 'any'}, ...]${count ? ` (${count} items)` : ''}`;
    }
    case 'string':
      return schema.maxLength !== undefined ? `string (max ${schema.maxLength})` : 'string';
    case 'integer':
    case 'number':
      return `${schema.type}${range(schema.minimum, schema.maximum)}`;
    default:
      return schema.type ?? 'any';
  }
}

const shapes = new WeakMap<z.ZodType, string>();

/** The reply shape of `schema`, memoised per schema object. */
export function replyShape(schema: z.ZodType): string {
  let shape = shapes.get(schema);
  if (shape === undefined) {
    shape = describe(z.toJSONSchema(schema) as JsonSchema);
    shapes.set(schema, shape);
  }
  return shape;
}
