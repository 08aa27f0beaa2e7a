/**
 * The offline judge's verdict: consistency between what the hypothesis and
 * description claim and what the expression does (concepts.ts), and
 * soundness heuristics (degenerate constructions, logs of signed
 * quantities, single-day windows, ratios of near-identical quantities,
 * extreme nesting).
 */
import { OPERATORS, printFactor, treeDepth, type Node } from '../../operators/index.js';
import { claims, factsOf, unhonoured } from './concepts.js';

export type Step = 'hypothesis' | 'description' | 'expression';

export interface Verdict {
  readonly consistent: boolean;
  readonly sound: boolean;
  readonly failingStep: Step | null;
  readonly reasons: readonly string[];
  /** Concept ids the texts claim that the expression lacks (for the improver). */
  readonly missing: readonly string[];
}

/** Depth beyond which an expression is needlessly nested (the hard limit is 16). */
const NESTING_WARNING = 12;

/** Operators whose result is often negative, so a Log or fractional Power of them is mostly NaN. */
const SIGNED = new Set(['Sub', 'Delta', 'Resi', 'CSDemean', 'CSZScore', 'Slope', 'Corr', 'Cov', 'Skew']);

/** The text with every number replaced, for "same construction, other windows". */
function shape(node: Node): string {
  if (node.kind === 'number') return '#';
  if (node.kind === 'field') return `$${node.name}`;
  return `${node.op}(${node.args.map(shape).join(',')})`;
}

function numbers(node: Node): number[] {
  if (node.kind === 'number') return [node.value];
  if (node.kind === 'field') return [];
  return node.args.flatMap(numbers);
}

function nearlyIdentical(a: Node, b: Node): boolean {
  if (a.kind !== 'call' || b.kind !== 'call' || shape(a) !== shape(b)) return false;
  const x = numbers(a);
  const y = numbers(b);
  return x.every((v, i) => {
    const w = y[i]!;
    if (v === w) return true;
    const big = Math.max(Math.abs(v), Math.abs(w));
    return big > 0 && Math.abs(v - w) / big < 0.2;
  });
}

function soundnessProblems(ast: Node): string[] {
  const problems: string[] = [];
  const depth = treeDepth(ast);
  if (depth > NESTING_WARNING) problems.push(`nesting depth ${depth} is needlessly deep (simplify below ${NESTING_WARNING})`);
  const visit = (node: Node): void => {
    if (node.kind !== 'call') return;
    const [a, b] = node.args;
    if ((node.op === 'Div' || node.op === 'Sub') && a && b && printFactor(a) === printFactor(b)) {
      problems.push(`${printFactor(node).slice(0, 80)} compares a quantity with itself (constant)`);
    } else if (node.op === 'Div' && a && b && nearlyIdentical(a, b)) {
      problems.push(`${printFactor(node).slice(0, 80)} is a ratio of two nearly identical quantities (about 1 everywhere)`);
    }
    if ((node.op === 'Corr' || node.op === 'Cov') && a && b && printFactor(a) === printFactor(b)) {
      problems.push(`${node.op} of a series with itself is degenerate`);
    }
    if (node.op === 'Log' && a?.kind === 'call' && SIGNED.has(a.op)) problems.push(`Log of ${a.op}(...), which is often negative, is mostly missing`);
    if (node.op === 'Power' && a?.kind === 'call' && SIGNED.has(a.op) && b?.kind === 'number' && !Number.isInteger(b.value)) {
      problems.push(`a fractional Power of ${a.op}(...), which is often negative, is mostly missing`);
    }
    const spec = OPERATORS.get(node.op);
    node.args.forEach((arg, i) => {
      const kind = spec?.args[i]?.kind;
      if (kind === 'window' && arg.kind === 'number' && arg.value === 1 && ['Std', 'Var', 'Corr', 'Cov', 'Mad', 'Slope', 'Rsquare', 'Resi', 'Rank'].includes(node.op)) {
        problems.push(`${node.op} over a 1-day window is degenerate`);
      }
    });
    node.args.forEach(visit);
  };
  visit(ast);
  return [...new Set(problems)];
}

export function verdict(hypothesis: string, description: string, ast: Node): Verdict {
  const facts = factsOf(ast);
  const fromHypothesis = unhonoured(hypothesis, facts);
  const fromDescription = unhonoured(description, facts).filter((c) => !fromHypothesis.includes(c));
  const reasons = [
    ...fromHypothesis.map((c) => `the hypothesis claims ${c.id} but the expression ${c.missing}`),
    ...fromDescription.map((c) => `the description claims ${c.id} but the expression ${c.missing}`),
  ];
  // The other direction, for the claim that matters most: trading activity the texts never mention.
  const mentionsVolume = claims(`${hypothesis} ${description}`).has('volume');
  const silentVolume = facts.fields.has('volume') && !mentionsVolume;
  if (silentVolume) reasons.push('the expression reads $volume but neither the hypothesis nor the description mentions volume or trading activity');
  const consistent = reasons.length === 0;
  const problems = soundnessProblems(ast);
  const sound = problems.length === 0;
  const failingStep: Step | null =
    fromHypothesis.length > 0 ? 'expression' : fromDescription.length > 0 || silentVolume ? 'description' : !sound ? 'expression' : null;
  return {
    consistent,
    sound,
    failingStep,
    reasons: [...reasons, ...problems].slice(0, 8).map((r) => r.slice(0, 1000)),
    missing: [...fromHypothesis, ...fromDescription].map((c) => c.id),
  };
}
