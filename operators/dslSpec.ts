/**
 * The factor language as Markdown for LLM prompts, generated from the
 * registry, the precedence table, the field set and the limits, so the text
 * cannot drift from what the compiler accepts.
 */

import { DEFAULT_FIELDS, FIELD_DOCS, normaliseFields } from './fields.js';
import { resolveLimits, type FactorLimits } from './limits.js';
import { BINARY_LEVELS } from './precedence.js';
import { INFIX_OPERATORS, OPERATORS } from './registry.js';
import type { ArgKind, OperatorCategory, OperatorSpec } from './spec.js';

export interface DslSpecificationOptions {
  readonly fields?: ReadonlySet<string>;
  readonly limits?: Partial<FactorLimits>;
}

const CATEGORY_TITLES: Readonly<Record<OperatorCategory, string>> = {
  elementwise: 'Element-wise (one series in, one out, day by day)',
  pair: 'Pair (two operands, series or constants, day by day)',
  conditional: 'Conditional',
  rolling: 'Rolling (per instrument, over its own past days)',
  pairRolling: 'Pair rolling (two series over a window)',
  crossSectional: "Cross-sectional (across the universe's instruments, day by day)",
};

const ARG_KIND_DOCS: Readonly<Record<ArgKind, string>> = {
  series: 'an expression over fields (not a constant)',
  operand: 'a series or a numeric constant',
  window: 'an integer literal >= 0 (days, including today); 0 means expanding from the first day',
  lag: 'an integer literal >= 0 (days back); 0 means the first value',
  span: 'a numeric literal >= 0: >= 1 is an EMA span, in (0, 1) the smoothing factor alpha, 0 expanding',
  quantile: 'a numeric literal in [0, 1]',
  number: 'a numeric constant',
};

function signature(spec: OperatorSpec): string {
  return `${spec.name}(${spec.args.map((a) => `${a.name}: ${a.kind}${a.minWindow ? ` >= ${a.minWindow}` : ''}`).join(', ')})`;
}

function sentences(doc: string): string[] {
  return doc.split(/(?<=\.)\s+/);
}

/**
 * The longest run of closing sentences shared by at least three docs (the
 * registry repeats its rolling-window rule in each): printed once above the
 * operators instead of in every line.
 */
function sharedNote(specs: readonly OperatorSpec[]): string | undefined {
  const counts = new Map<string, number>();
  for (const spec of specs) {
    const parts = sentences(spec.doc);
    for (let k = 1; k < parts.length; k++) {
      const suffix = parts.slice(parts.length - k).join(' ');
      counts.set(suffix, (counts.get(suffix) ?? 0) + 1);
    }
  }
  let best: string | undefined;
  for (const [suffix, count] of counts) if (count >= 3 && (!best || suffix.length > best.length)) best = suffix;
  return best;
}

function operatorLine(spec: OperatorSpec, note: string | undefined): string {
  const hoisted = note !== undefined && spec.doc.endsWith(` ${note}`);
  const doc = hoisted ? spec.doc.slice(0, -note.length - 1) : spec.doc;
  const infix = spec.infix ? ` Infix: \`a ${spec.infix} b\`.` : '';
  return `- \`${signature(spec)}\`${hoisted ? ' (*)' : ''}: ${doc}${infix} Example: \`${spec.example}\``;
}

function categorySection(category: OperatorCategory, note: string | undefined): string[] {
  const specs = [...OPERATORS.values()].filter((s) => s.category === category);
  return ['', `### ${CATEGORY_TITLES[category]}`, '', ...specs.map((s) => operatorLine(s, note))];
}

export function dslSpecification(options: DslSpecificationOptions = {}): string {
  const fields = options.fields ? normaliseFields(options.fields) : DEFAULT_FIELDS;
  const limits = resolveLimits(options.limits);
  const categories = [...new Set([...OPERATORS.values()].map((s) => s.category))];
  const note = sharedNote([...OPERATORS.values()]);
  const kindsUsed = [...new Set([...OPERATORS.values()].flatMap((s) => s.args.map((a) => a.kind)))];

  return [
    '# Factor language',
    '',
    "A factor is one expression in qlib's expression syntax. It is evaluated for every instrument and day, and its value on day t may use data up to and including day t only.",
    '',
    '## Fields',
    '',
    ...[...fields].map((f) => `- \`$${f}\`${FIELD_DOCS[f] ? `: ${FIELD_DOCS[f]}` : ''}`),
    '',
    'No other fields exist. Field names are lower-case.',
    '',
    '## Syntax',
    '',
    '- Numbers: `5`, `0.5`, `.5`, `1e-8`. Finite only (no NaN, inf).',
    '- Operator calls: `Name(arg, ...)`, names exactly as listed below (case-sensitive).',
    `- Infix operators: ${[...INFIX_OPERATORS].map(([symbol, name]) => `\`${symbol}\` (${name})`).join(', ')}; unary minus \`-x\`; parentheses.`,
    '- Not supported: `**` or `^` (use Power), `a ? b : c` (use If), `and`/`or`/`not`/`&&`/`||` (use `&`, `|`, Not), `=` (use `==`).',
    '',
    "Precedence is Python's, from loosest to tightest binding:",
    '',
    ...BINARY_LEVELS.map((symbols, level) => `${level + 1}. ${symbols.map((s) => `\`${s}\``).join(' ')}`),
    `${BINARY_LEVELS.length + 1}. unary \`-\``,
    `${BINARY_LEVELS.length + 2}. calls, fields, numbers, parentheses`,
    '',
    'So `$close > $open & $volume > 0` is an error (a chained comparison around `$open & $volume`): write `($close > $open) & ($volume > 0)`.',
    '',
    '## Argument kinds',
    '',
    ...kindsUsed.map((kind) => `- ${kind}: ${ARG_KIND_DOCS[kind]}`),
    '',
    '## Operators',
    ...(note ? ['', `(*) ${note}`] : []),
    ...categories.flatMap((category) => categorySection(category, note)),
    '',
    '## No look-ahead',
    '',
    'A factor may not read the future: a negative lag (`Ref($close, -1)`) or a negative window is rejected, also inside other operators.',
    '',
    '## Limits',
    '',
    `- at most ${limits.maxLength} characters`,
    `- nesting depth at most ${limits.maxDepth} (a lone field has depth 1)`,
    `- at most ${limits.maxNodes} nodes (operators, fields and numbers)`,
    `- windows and lags at most ${limits.maxWindow} days`,
    '',
  ].join('\n');
}
