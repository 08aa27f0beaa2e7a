/**
 * A QuantaAlpha AST to ours, rule by rule from the function table
 * (functions.ts). Nothing is guessed: a name that is not theirs, a call
 * their library would reject, a field their data lacks, or a function our
 * language cannot express is a problem, reported with its position. Every
 * problem of an expression is collected, not just the first.
 */
import type { Node, Span } from '../../../operators/index.js';
import { didYouMean, editDistance } from '../../../operators/suggest.js';
import type { QaCall, QaNode } from './ast.js';
import { type Exactness, weakest } from './exactness.js';
import { QA_FUNCTIONS, type ProblemCode, type QaArg, type QaParam } from './functions.js';

export interface TranslationProblem {
  readonly code: ProblemCode;
  /** What it is about: a function name, a `$field`, a bare name. */
  readonly subject: string;
  /** One line, starting with the 1-based position in their expression: `at 12: ...`. */
  readonly message: string;
  readonly span: Span;
}

export interface TranslationUse {
  /** Their function names called, each once, in order of appearance. */
  readonly functions: readonly string[];
  /** Their fields read (`$close`), each once. */
  readonly fields: readonly string[];
}

export type TranslationResult =
  | (TranslationUse & { readonly ok: true; readonly ast: Node; readonly exactness: Exactness; readonly notes: readonly string[] })
  | (TranslationUse & { readonly ok: false; readonly problems: readonly TranslationProblem[] });

/** The fields of QuantaAlpha's data file (quantaalpha/factors/data_template/generate.py). */
export const QA_FIELDS: readonly string[] = ['open', 'high', 'low', 'close', 'volume', 'return'];

const RETURN_NOTE =
  "$return is the daily close-to-close return $close/Ref($close,1)-1 as documented (theirs is 0 on an instrument's first day); QuantaAlpha's data template computes it with groupby(level=0) after swaplevel, i.e. across instruments within a day, so factors mined there may have seen a different series";

const num = (value: number): Node => ({ kind: 'number', value });
const call = (op: string, ...args: Node[]): Node => ({ kind: 'call', op, args });

const INFIX: Readonly<Record<string, string>> = {
  '+': 'Add',
  '-': 'Sub',
  '*': 'Mul',
  '/': 'Div',
  '>': 'Gt',
  '<': 'Lt',
  '>=': 'Ge',
  '<=': 'Le',
  '==': 'Eq',
  '!=': 'Ne',
  '&&': 'And',
  '||': 'Or',
};

/** Their spellings of constants (expr_parser.parse_symbol): TRUE/FALSE are numbers, NaN has no equivalent. */
const BOOLEAN_NAMES: Readonly<Record<string, number>> = { TRUE: 1, true: 1, FALSE: 0, false: 0 };
const NAN_NAMES = new Set(['NAN', 'NaN', 'nan', 'NULL', 'null']);

/** Their functions the writer of `name` probably meant (TS_DELTA -> DELTA, CORR -> TS_CORR, nearby spellings). */
export function suggestQaFunctions(name: string): string[] {
  const upper = name.toUpperCase();
  const certain = [upper, upper.replace(/^TS_/, ''), `TS_${upper}`].filter((n) => n !== name && QA_FUNCTIONS.has(n));
  if (certain.length > 0) return [...new Set(certain)];
  const limit = Math.max(1, Math.floor(upper.length / 3));
  return [...QA_FUNCTIONS.keys()]
    .map((n) => ({ n, d: editDistance(upper, n, limit) }))
    .filter((c) => c.d <= limit)
    .sort((a, b) => a.d - b.d)
    .map((c) => c.n)
    .slice(0, 3);
}

class Translator {
  readonly problems: TranslationProblem[] = [];
  readonly functions = new Set<string>();
  readonly fields = new Set<string>();
  readonly notes = new Set<string>();
  exactness: Exactness = 'exact';

  private problem(code: ProblemCode, subject: string, span: Span, detail: string): null {
    this.problems.push({ code, subject, span, message: `at ${span.start + 1}: ${detail.replace(/[\r\n]+/g, ' ')}` });
    return null;
  }

  private use(exactness: Exactness, note: string | undefined): void {
    this.exactness = weakest(this.exactness, exactness);
    if (note !== undefined) this.notes.add(note);
  }

  translate(node: QaNode): Node | null {
    switch (node.kind) {
      case 'number':
        return num(node.value);
      case 'field':
        return this.field(node.name, node.span);
      case 'name':
        return this.name(node.name, node.span);
      case 'unary': {
        const operand = this.translate(node.operand);
        if (operand === null) return null;
        return node.operator === '+' ? operand : call('Mul', num(-1), operand);
      }
      case 'binary': {
        const left = this.translate(node.left);
        const right = this.translate(node.right);
        return left === null || right === null ? null : call(INFIX[node.operator]!, left, right);
      }
      case 'conditional': {
        const test = this.translate(node.test);
        const then = this.translate(node.then);
        const otherwise = this.translate(node.otherwise);
        return test === null || then === null || otherwise === null ? null : call('If', test, then, otherwise);
      }
      case 'call':
        return this.call(node);
    }
  }

  private field(name: string, span: Span): Node | null {
    this.fields.add(`$${name}`);
    if (name === 'return') {
      this.use('present', RETURN_NOTE);
      const close: Node = { kind: 'field', name: 'close' };
      return call('Sub', call('Div', close, call('Ref', close, num(1))), num(1));
    }
    if (QA_FIELDS.includes(name)) return { kind: 'field', name };
    const near = QA_FIELDS.filter((f) => editDistance(name.toLowerCase(), f, 2) <= 2);
    return this.problem('unknown_field', `$${name}`, span, `field $${name} is not in the data (QuantaAlpha's data has ${QA_FIELDS.map((f) => `$${f}`).join(', ')})${didYouMean(near, '$')}`);
  }

  private name(name: string, span: Span): Node | null {
    if (name in BOOLEAN_NAMES) return num(BOOLEAN_NAMES[name]!);
    if (NAN_NAMES.has(name)) return this.problem('no_equivalent', name, span, `${name} (a missing-value literal) has no equivalent: our numbers are finite`);
    const asField = QA_FIELDS.includes(name.toLowerCase()) ? ` (fields are written with a $: $${name.toLowerCase()})` : '';
    const asFunction = QA_FUNCTIONS.has(name) ? ` (${name} is a function: call it with arguments)` : '';
    return this.problem('unknown_name', name, span, `'${name}' is not part of the language${asField || asFunction || ': fields start with $ and functions are called with ( )'}`);
  }

  private call(node: QaCall): Node | null {
    this.functions.add(node.name);
    const spec = QA_FUNCTIONS.get(node.name);
    const nameSpan = { start: node.span.start, end: node.span.start + node.name.length };
    if (!spec) {
      this.scanArguments(node);
      return this.problem('unknown_function', node.name, nameSpan, `${node.name} is not a function of QuantaAlpha's library${didYouMean(suggestQaFunctions(node.name))}`);
    }
    const required = spec.params.filter((p) => p.default === undefined && !p.optional).length;
    if (node.args.length < required || node.args.length > spec.params.length) {
      this.scanArguments(node);
      const arity = required === spec.params.length ? `${required}` : `${required} to ${spec.params.length}`;
      const signature = `${spec.name}(${spec.params.map((p) => (p.default !== undefined ? `${p.name}=${p.default}` : p.optional ? `[${p.name}]` : p.name)).join(', ')})`;
      return this.problem('bad_call', node.name, nameSpan, `QuantaAlpha's ${signature} takes ${arity} argument${spec.params.length === 1 ? '' : 's'}, given ${node.args.length}`);
    }
    const args: QaArg[] = [];
    let failed = false;
    spec.params.forEach((param, i) => {
      const source = node.args[i];
      if (source === undefined) {
        if (param.default !== undefined) args.push({ kind: 'number', value: param.default, text: String(param.default) });
        return;
      }
      const arg = this.argument(spec.name, param, source);
      if (arg === null) failed = true;
      else args.push(arg);
    });
    if (spec.translate === null) return this.problem('no_equivalent', node.name, nameSpan, `${node.name}: ${spec.ours}`);
    if (failed) return null;
    const outcome = spec.translate(args);
    if ('refused' in outcome) return this.problem(outcome.refused, node.name, nameSpan, outcome.reason);
    this.use(outcome.exactness, outcome.note);
    return outcome.node;
  }

  /** After a call failed: still look inside, so every problem of the expression is reported (a SEQUENCE argument is not one). */
  private scanArguments(node: QaCall): void {
    for (const arg of node.args) if (!(arg.kind === 'call' && arg.name === 'SEQUENCE')) this.translate(arg);
  }

  private argument(fn: string, param: QaParam, source: QaNode): QaArg | null {
    const what = `argument '${param.name}' of ${fn}`;
    if (param.kind === 'regressor' && source.kind === 'call' && source.name === 'SEQUENCE') {
      this.functions.add('SEQUENCE');
      const n = source.args[0];
      if (source.args.length !== 1 || n === undefined || n.kind !== 'number' || !/^\+?\d+$/.test(n.text) || n.value < 1) {
        return this.problem('bad_call', 'SEQUENCE', source.span, 'SEQUENCE(n) takes one integer n of at least 1');
      }
      return { kind: 'sequence', length: n.value };
    }
    if (param.kind === 'series' || param.kind === 'regressor') {
      const node = this.translate(source);
      return node === null ? null : { kind: 'series', node };
    }
    if (source.kind !== 'number') {
      // A computed window or lag: their pandas calls need a literal; look inside for further problems.
      this.translate(source);
      return this.problem('bad_call', fn, source.span, `${what} must be a number literal`);
    }
    const integer = /^[+-]?\d+$/.test(source.text);
    if (param.kind === 'window' && !(integer && source.value >= 1)) {
      return this.problem('bad_call', fn, source.span, `${what} must be a whole number of days of at least 1, found ${source.text}`);
    }
    if (param.kind === 'lag') {
      if (!integer) return this.problem('bad_call', fn, source.span, `${what} must be a whole number of days, found ${source.text}`);
      if (source.value < 0) {
        return this.problem('lookahead', fn, source.span, `${fn} with ${source.text} reads ${-source.value} day${source.value === -1 ? '' : 's'} ahead: a factor may use only data up to the current day`);
      }
    }
    return { kind: 'number', value: source.value, text: source.text };
  }
}

export function translateQuantaAlpha(ast: QaNode): TranslationResult {
  const translator = new Translator();
  const node = translator.translate(ast);
  const use = { functions: [...translator.functions], fields: [...translator.fields] };
  if (node === null || translator.problems.length > 0) {
    return { ok: false, problems: translator.problems.sort((a, b) => a.span.start - b.span.start), ...use };
  }
  return { ok: true, ast: node, exactness: translator.exactness, notes: [...translator.notes], ...use };
}
