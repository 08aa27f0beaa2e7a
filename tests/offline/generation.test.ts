/**
 * A simulated generation through the offline model's roles, as the swarm
 * runs them: plan, 60 proposals over distinct (specialist, guidance mode)
 * slots with the plan's directions, build, judge, then mutation and
 * crossover of the built factors. Everything the model writes as an
 * expression must compile; the proposals must be diverse.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT } from '../../agents/offline/environment.js';
import { Rng } from '../../agents/offline/random.js';
import { respond } from '../../agents/offline/respond.js';
import { GUIDANCE_MODES, ROLES, type RoleInput, type RoleName, type RoleReply } from '../../agents/roles.js';
import { SPECIALISTS } from '../../agents/specialists/catalog.js';
import { ALPHA20 } from '../../evaluator/libraries/alpha20.js';
import { compileFactor, normalizedSimilarity, type Node } from '../../operators/index.js';

function ask<R extends RoleName>(seed: number, role: R, input: RoleInput<R>): RoleReply<R> {
  const response = respond(seed, role, input, DEFAULT_ENVIRONMENT);
  if (!response.ok) throw new Error(`${role}: ${response.reason}`);
  return ROLES[role].reply.parse(response.reply) as RoleReply<R>;
}

function compiles(expression: string): Node {
  const compiled = compileFactor(expression);
  if (!compiled.ok) throw new Error(`does not compile: ${expression}: ${compiled.error.message}`);
  return compiled.ast;
}

interface Generation {
  readonly built: { hypothesis: string; description: string; expression: string; ast: Node; canonical: string }[];
  readonly children: string[];
  /** The largest structural similarity of each expression-rewriting mutation's and each crossover's child to a parent. */
  readonly mutationSimilarity: number[];
  readonly crossoverSimilarity: number[];
}

function simulate(seed: number): Generation {
  const plan = ask(seed, 'planner', { seedPool: ALPHA20.map((f) => ({ ...f, validRankIc: null })), humanDirections: [], explored: [], count: 8 });
  const rng = new Rng(seed);
  const slots = rng.shuffle(SPECIALISTS.flatMap((s) => GUIDANCE_MODES.map((mode) => ({ s, mode })))).slice(0, 60);
  const built: Generation['built'] = [];
  slots.forEach(({ s, mode }, i) => {
    const reply = ask(seed, 'specialist', {
      specialist: { name: s.name, level: s.level, layer: s.layer, remit: s.remit },
      guidanceMode: mode,
      guidance: s.paraphrases[mode],
      direction: plan.directions[i % plan.directions.length]!,
      positives: [],
      negatives: [],
      feedback: [],
      humanComments: [],
      count: 1,
    });
    const proposal = reply.proposals[0]!;
    const factor = ask(seed, 'builder', { hypothesis: proposal.hypothesis, sketch: proposal.expression ?? null, specialist: s.name, examples: [], reusable: [] });
    const ast = compiles(factor.expression);
    const compiled = compileFactor(factor.expression);
    built.push({ ...factor, hypothesis: proposal.hypothesis, ast, canonical: compiled.ok ? compiled.canonical : '' });
  });

  const metrics = (rankIc: number) => ({ ic: rankIc, icir: rankIc * 8, rankIc, rankIcir: rankIc * 9, mi: 0.03, rankIcT: rankIc * 50, nanRatio: 0.02, days: 1500 });
  const brief = (b: Generation['built'][number], i: number) => ({
    id: `t${i}`,
    hypothesis: b.hypothesis,
    description: b.description,
    expression: b.expression,
    metrics: { train: metrics(((i % 7) - 3) * 0.008), valid: metrics(((i % 5) - 2) * 0.006) },
    reward: ((i % 9) - 4) / 10,
    feedback: i % 4 === 0 ? 'The result does not support the hypothesis.' : '',
    steps: i % 6 === 0 ? ['select: rejected', 'mutate: rewrote', 'select: rejected again'] : ['build: built', 'evaluate: evaluated'],
  });
  const children: string[] = [];
  const mutationSimilarity: number[] = [];
  const crossoverSimilarity: number[] = [];
  built.forEach((b, i) => {
    const mutation = ask(seed, 'mutation', { trajectory: brief(b, i) });
    if (mutation.localisedStep === 'expression') {
      mutationSimilarity.push(normalizedSimilarity(compiles(mutation.rewrite), b.ast));
      children.push(mutation.rewrite);
    } else {
      // The builder regenerates what follows a rewritten hypothesis or description.
      const rebuilt = ask(seed, 'builder', { hypothesis: mutation.rewrite, sketch: null, specialist: 'mutation', examples: [], reusable: [] });
      compiles(rebuilt.expression);
      children.push(rebuilt.expression);
    }
    if (i + 1 < built.length) {
      const child = ask(seed, 'crossover', { parents: [brief(b, i), brief(built[i + 1]!, i + 1)] });
      const childAst = compiles(child.expression);
      crossoverSimilarity.push(Math.max(normalizedSimilarity(childAst, b.ast), normalizedSimilarity(childAst, built[i + 1]!.ast)));
      expect(new Set(child.inherited.map((x) => x.parent))).toEqual(new Set([`t${i}`, `t${i + 1}`]));
      children.push(child.expression);
    }
  });
  return { built, children, mutationSimilarity, crossoverSimilarity };
}

function meanPairwiseSimilarity(trees: readonly Node[]): number {
  let total = 0;
  let pairs = 0;
  for (let i = 0; i < trees.length; i++) {
    for (let j = i + 1; j < trees.length; j++) {
      total += normalizedSimilarity(trees[i]!, trees[j]!);
      pairs++;
    }
  }
  return total / pairs;
}

describe('a simulated generation with the offline model', () => {
  it('builds 60 diverse proposals, and every built, mutated and crossed expression compiles', () => {
    const seeds = [1, 2, 3, 4];
    const summary = seeds.map((seed) => {
      const generation = simulate(seed);
      const distinct = new Set(generation.built.map((b) => b.canonical)).size;
      const similarity = meanPairwiseSimilarity(generation.built.map((b) => b.ast));
      const judged = generation.built.map((b) => ask(seed, 'judge', { hypothesis: b.hypothesis, description: b.description, expression: b.expression, facts: '-' }));
      const passed = judged.filter((j) => j.consistent && j.sound).length;
      const below = (xs: number[]) => xs.filter((x) => x < 0.8).length / xs.length;
      const mutationsBelow = below(generation.mutationSimilarity);
      const crossoversBelow = below(generation.crossoverSimilarity);
      return { seed, distinct, similarity, passed, children: generation.children.length, distinctChildren: new Set(generation.children).size, mutationsBelow, crossoversBelow };
    });
    for (const s of summary) {
      console.log(
        `[diversity] seed ${s.seed}: ${s.distinct}/60 distinct canonical expressions, mean pairwise largest-common-subtree similarity ${s.similarity.toFixed(3)}, ` +
          `judge passes ${s.passed}/60 built factors, ${s.distinctChildren}/${s.children} distinct mutation/crossover children (all compile), ` +
          `below the 0.8 redundancy threshold against every parent: ${(s.mutationsBelow * 100).toFixed(0)}% of expression mutations, ${(s.crossoversBelow * 100).toFixed(0)}% of crossovers`,
      );
      expect(s.distinct).toBeGreaterThanOrEqual(57);
      expect(s.similarity).toBeLessThan(0.5);
      expect(s.passed).toBeGreaterThanOrEqual(57);
      expect(s.mutationsBelow).toBeGreaterThan(0.85);
      expect(s.crossoversBelow).toBeGreaterThan(0.4);
    }
    // Different seeds explore differently.
    expect(new Set(summary.map((s) => s.similarity)).size).toBe(seeds.length);
  });

  it('writes only compiling expressions for every specialist in every guidance mode, with and without a direction', () => {
    const plan = ask(9, 'planner', { seedPool: ALPHA20.map((f) => ({ ...f, validRankIc: null })), humanDirections: [], explored: [], count: 12 });
    let expressions = 0;
    for (const s of SPECIALISTS) {
      for (const mode of GUIDANCE_MODES) {
        for (let seed = 1; seed <= 4; seed++) {
          const reply = ask(seed, 'specialist', {
            specialist: { name: s.name, level: s.level, layer: s.layer, remit: s.remit },
            guidanceMode: mode,
            guidance: s.paraphrases[mode],
            direction: seed % 2 === 0 ? null : plan.directions[(seed + s.level) % plan.directions.length]!,
            positives: [],
            negatives: [],
            feedback: [],
            humanComments: [],
            count: 4,
          });
          for (const proposal of reply.proposals) {
            compiles(proposal.expression!);
            // The builder from the hypothesis alone (as after a rewritten hypothesis) must compile too.
            compiles(ask(seed, 'builder', { hypothesis: proposal.hypothesis, sketch: null, specialist: s.name, examples: [], reusable: [] }).expression);
            expressions += 2;
          }
        }
      }
    }
    console.log(`[compile] ${expressions}/${expressions} specialist and builder expressions compile (21 specialists x 5 modes x 4 seeds x 4 proposals)`);
    expect(expressions).toBe(21 * 5 * 4 * 4 * 2);
  });

  it('keeps proposals of one reply distinct, and away from negatives and copies of positives', () => {
    const s = SPECIALISTS.find((x) => x.name === 'reversal')!;
    const negative = '-1 * ($close / Ref($close, 5) - 1)';
    const positive = '-1 * ($close / Mean($close, 10) - 1)';
    for (let seed = 0; seed < 20; seed++) {
      const reply = ask(seed, 'specialist', {
        specialist: { name: s.name, level: s.level, layer: s.layer, remit: s.remit },
        guidanceMode: 'moderate',
        guidance: s.paraphrases.moderate,
        direction: null,
        positives: [{ expression: positive, note: 'valid RankIC 0.04' }],
        negatives: [{ expression: negative, note: 'rejected: redundant' }],
        feedback: [],
        humanComments: [],
        count: 6,
      });
      const expressions = reply.proposals.map((p) => compileFactor(p.expression!)).map((c) => (c.ok ? c.canonical : ''));
      expect(new Set(expressions).size).toBe(expressions.length);
      expect(expressions).not.toContain(negative);
      expect(expressions).not.toContain(positive);
    }
  });
});
