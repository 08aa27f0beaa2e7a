/**
 * Accepted library factors as building blocks: an expression may name one as
 * `$<name>` (its library entry name), like a data field. Before anything
 * checks or evaluates the expression, every reference is replaced by the
 * referenced factor's tree, and the result is compiled as usual, so limits,
 * look-ahead and complexity apply to the whole expanded factor, and
 * library.json only ever holds expanded expressions.
 *
 * Library expressions are themselves stored expanded, so one substitution
 * pass is complete (no reference can hide another).
 */
import type { Node } from '../operators/ast.js';
import { compileFactor, type CompileOptions, type CompileResult } from '../operators/compile.js';
import { DEFAULT_FIELDS } from '../operators/fields.js';
import { parseFactor } from '../operators/parser.js';
import { printFactor } from '../operators/printer.js';
import { resolveLimits } from '../operators/limits.js';

/** What a reference names: an accepted factor's name and its (expanded) expression. */
export interface LibraryReference {
  readonly name: string;
  readonly expression: string;
}

/** The form of a reference name: `$` + this is also a valid field token. */
export const REFERENCE_NAME = /^[a-z][a-z0-9_]{0,47}$/;

/**
 * A reference name for a factor called `text` (a builder's free-text name):
 * lower-case snake case, not a data field, not already `taken`.
 */
export function referenceName(text: string, taken: ReadonlySet<string>, fields: ReadonlySet<string> = DEFAULT_FIELDS): string {
  let base = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 40)
    .replace(/_+$/, '');
  if (base === '') base = 'factor';
  if (!/^[a-z]/.test(base)) base = `f_${base}`;
  let name = base;
  for (let k = 2; fields.has(name) || taken.has(name); k++) name = `${base}_${k}`;
  return name;
}

/**
 * Expands and compiles `source` against a set of references. Names of data
 * fields always mean the field; any other `$name` that is a reference is
 * replaced; anything else is left for the compiler to report.
 */
export class ReferenceTable {
  private readonly trees = new Map<string, Node>();
  private readonly fields: ReadonlySet<string>;

  constructor(
    references: readonly LibraryReference[],
    private readonly options: CompileOptions = {},
  ) {
    this.fields = new Set([...(options.fields ?? DEFAULT_FIELDS)].map((f) => f.toLowerCase()));
    for (const ref of references) {
      const key = ref.name.toLowerCase();
      if (!REFERENCE_NAME.test(key) || this.fields.has(key)) continue;
      const compiled = compileFactor(ref.expression, options);
      if (compiled.ok) this.trees.set(key, compiled.ast);
    }
  }

  /** Names that can be referenced. */
  get names(): readonly string[] {
    return [...this.trees.keys()];
  }

  /** The expanded source text, or null when nothing was substituted (also when the source does not parse). */
  expandText(source: string): { readonly text: string; readonly used: readonly string[] } | null {
    if (this.trees.size === 0 || !source.includes('$')) return null;
    const limits = resolveLimits(this.options.limits);
    const parsed = parseFactor(source, { maxLength: limits.maxLength });
    if (!parsed.ok) return null;
    const used = new Set<string>();
    const substitute = (node: Node): Node => {
      if (node.kind === 'field') {
        const key = node.name.toLowerCase();
        if (this.fields.has(key)) return node;
        const tree = this.trees.get(key);
        if (tree === undefined) return node;
        used.add(key);
        return tree;
      }
      if (node.kind === 'call') {
        const args = node.args.map(substitute);
        return args.every((a, i) => a === node.args[i]) ? node : { ...node, args };
      }
      return node;
    };
    const expanded = substitute(parsed.ast);
    return used.size === 0 ? null : { text: printFactor(expanded), used: [...used] };
  }

  /** compileFactor of the expanded expression (of `source` itself when it references nothing). */
  compile(source: string): CompileResult & { readonly references: readonly string[] } {
    const expanded = this.expandText(source);
    const result = compileFactor(expanded?.text ?? source, this.options);
    return Object.assign(result, { references: expanded?.used ?? [] });
  }
}
