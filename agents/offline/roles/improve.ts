/**
 * Logic improvement: rewrite the failing step so the three agree.
 *
 * expression   restructure an expression that repeats a library factor; or
 *              add what the texts claim and the expression lacks (volume
 *              confirmation, a range or volatility scaling, a
 *              cross-sectional rank, a regime gate, ...), or fix an unsound
 *              construction with a targeted edit; the description follows
 * hypothesis,  keep the sentences whose claims the expression honours and
 * description  state what the expression computes
 */
import { printFactor, type Node } from '../../../operators/index.js';
import type { RoleInput, RoleReply } from '../../roles.js';
import { factsOf, unhonoured } from '../concepts.js';
import { distinctEdit, firstEdit } from '../edits.js';
import { compileIn, type OfflineEnvironment } from '../environment.js';
import { glossExpression } from '../gloss.js';
import type { Rng } from '../random.js';
import { repairExpression } from '../repairExpression.js';
import { verdict } from '../verdict.js';

type Input = RoleInput<'improve'>;
type Reply = RoleReply<'improve'>;

const R = '($close/Ref($close,1)-1)';

/** How to make an expression `x` honour a concept, and what that adds in words. */
const ADD_CONCEPT: Readonly<Record<string, { readonly build: (x: string) => string; readonly words: string }>> = {
  volume: { build: (x) => `CSRank(${x})*CSRank(Mean($volume,5)/(Mean($volume,20)+1))`, words: 'confirmed by abnormal volume (5-day against 20-day mean volume)' },
  range: { build: (x) => `(${x})/(Mean(($high-$low)/$close,20)+1e-8)`, words: 'scaled by the 20-day mean high-low range' },
  open: { build: (x) => `CSZScore(${x})+CSZScore(-1*Mean($open/Ref($close,1)-1,5))`, words: 'combined with the reversal of the 5-day mean overnight gap' },
  'cross-section': { build: (x) => `CSRank(${x})`, words: 'ranked across the universe (cross-sectional rank)' },
  correlation: { build: (x) => `Corr(${x},${R},20)`, words: 'as its 20-day correlation with the daily return' },
  volatility: { build: (x) => `(${x})/(Std(${R},20)+1e-8)`, words: 'scaled by the 20-day standard deviation of daily returns' },
  skewness: { build: (x) => `CSZScore(${x})-CSZScore(Skew(${R},20))`, words: 'net of the 20-day return skewness' },
  tails: { build: (x) => `CSZScore(${x})-CSZScore(Max(${R},20))`, words: 'net of the largest daily return over 20 days (extreme moves)' },
  regression: { build: (x) => `(${x})*Rsquare($close,20)`, words: 'weighted by the 20-day trend fit (R-squared)' },
  gate: { build: (x) => `If(Std(${R},20)>Mean(Std(${R},20),120),${x},0)`, words: 'gated to regimes where 20-day volatility is above its 120-day mean' },
  drawdown: { build: (x) => `CSZScore(${x})+CSZScore($close/Max($close,60)-1)`, words: 'combined with the drawdown from the 60-day peak' },
  lag: { build: (x) => `Ref(${x},1)`, words: "taken as yesterday's value (lagged one day)" },
  'moving-average': { build: (x) => `Mean(${x},5)`, words: 'as its 5-day moving average' },
};

function sentences(text: string): string[] {
  return text.split(/(?<=[.!?])\s+/).filter((s) => s.trim().length > 0);
}

/** The sentences of `text` whose claims the expression honours. */
function honouredSentences(text: string, ast: Node): string[] {
  const facts = factsOf(ast);
  return sentences(text).filter((s) => unhonoured(s, facts).length === 0);
}

function describe(description: string, ast: Node): string {
  const kept = honouredSentences(description, ast).filter((s) => !s.startsWith('Computes ') && !s.startsWith('Reads '));
  return [...kept, glossExpression(ast)].join(' ').slice(0, 4000);
}

const REDUNDANT = /redundan|repeat|similar/i;

function rewriteExpression(input: Input, ast: Node, rng: Rng, env: OfflineEnvironment): { ast: Node; changes: string[] } {
  // Structurally redundant with a library factor: restructure until little of the original structure is left.
  if (input.reasons.some((r) => REDUNDANT.test(r))) {
    const restructured = distinctEdit(ast, rng.shuffle(['operator', 'field', 'window', 'flip-term'] as const), rng, env, 0.6);
    if (restructured) return { ast: restructured.ast, changes: [`restructured it to differ from the library factor it repeated: ${restructured.description}`] };
  }
  const missing = verdict(input.hypothesis, input.description, ast).missing;
  let current = ast;
  const changes: string[] = [];
  for (const concept of missing) {
    const addition = ADD_CONCEPT[concept];
    if (!addition) continue;
    const compiled = compileIn(env, addition.build(printFactor(current)));
    if (compiled.ok) {
      current = compiled.ast;
      changes.push(`made the expression ${addition.words}, as the text claims ${concept}`);
    }
  }
  if (changes.length === 0 || !verdict(input.hypothesis, input.description, current).sound) {
    // An unsound construction: the first targeted edit that makes it sound.
    for (const kinds of [['denormalise'], ['window'], ['operator'], ['smooth']] as const) {
      const edited = firstEdit(current, kinds, rng, env, 'longer');
      if (edited && verdict(input.hypothesis, input.description, edited.ast).sound) {
        current = edited.ast;
        changes.push(`${edited.description} to fix: ${input.reasons[0]!.slice(0, 200)}`);
        break;
      }
    }
  }
  return { ast: current, changes };
}

export function answerImprove(input: Input, rng: Rng, env: OfflineEnvironment): Reply {
  const repaired = repairExpression(input.expression, env);
  if (!repaired.ok) {
    return {
      hypothesis: input.hypothesis,
      description: input.description,
      expression: input.expression.slice(0, 2000),
      explanation: `The expression does not compile and cannot be repaired keeping its meaning (${repaired.problems.join('; ').slice(0, 500)}); code repair should handle it first.`.slice(0, 2000),
    };
  }
  const ast = repaired.ast;
  if (input.failingStep === 'expression') {
    const rewritten = rewriteExpression(input, ast, rng, env);
    const expression = printFactor(rewritten.ast);
    return {
      hypothesis: input.hypothesis,
      description: describe(input.description, rewritten.ast),
      expression,
      explanation: (rewritten.changes.length > 0 ? `Rewrote the expression: ${rewritten.changes.join('; ')}.` : 'No change to the expression keeps its idea and fixes the reasons; the description now states exactly what it computes.').slice(0, 2000),
    };
  }
  const facts = factsOf(ast);
  const gloss = glossExpression(ast);
  if (input.failingStep === 'description') {
    return {
      hypothesis: input.hypothesis,
      description: describe(input.description, ast),
      expression: repaired.expression,
      explanation: `Rewrote the description to state what the expression computes; dropped claims it does not honour (${unhonoured(input.description, facts).map((c) => c.id).join(', ') || 'none'}).`.slice(0, 2000),
    };
  }
  const kept = honouredSentences(input.hypothesis, ast);
  const dropped = unhonoured(input.hypothesis, facts).map((c) => c.id);
  const usesVolume = facts.fields.has('volume') && !kept.some((s) => /volume|turnover|liquidity|trading/i.test(s));
  const hypothesis = [
    ...(kept.length > 0 ? kept : [`Stocks ranking high on this signal earn different subsequent returns: the factor ${gloss.replace(/^Computes /, 'computes ').split('. Reads')[0]}.`]),
    ...(usesVolume ? ['Trading volume enters the signal.'] : []),
  ].join(' ');
  return {
    hypothesis: hypothesis.slice(0, 4000),
    description: describe(input.description, ast),
    expression: repaired.expression,
    explanation: `Rewrote the hypothesis to claim only what the expression does${dropped.length > 0 ? ` (dropped: ${dropped.join(', ')})` : ''}.`.slice(0, 2000),
  };
}
