/** What each role of the offline model does, on hand-made cases. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ENVIRONMENT } from '../../agents/offline/environment.js';
import { instantiate } from '../../agents/offline/instantiate.js';
import { FAMILIES } from '../../agents/offline/knowledge/index.js';
import { matchOwnText } from '../../agents/offline/match.js';
import { Rng } from '../../agents/offline/random.js';
import { respond } from '../../agents/offline/respond.js';
import { verdict } from '../../agents/offline/verdict.js';
import { ROLES, type RoleInput, type RoleName, type RoleReply } from '../../agents/roles.js';
import { ALPHA20 } from '../../evaluator/libraries/alpha20.js';
import { compileFactor, fieldNames } from '../../operators/index.js';

function ask<R extends RoleName>(role: R, input: RoleInput<R>, seed = 1): RoleReply<R> {
  const response = respond(seed, role, input, DEFAULT_ENVIRONMENT);
  if (!response.ok) throw new Error(response.reason);
  return ROLES[role].reply.parse(response.reply) as RoleReply<R>;
}

function canonical(expression: string): string {
  const compiled = compileFactor(expression);
  if (!compiled.ok) throw new Error(`${expression}: ${compiled.error.message}`);
  return compiled.canonical;
}

const split = (rankIc: number | null, nanRatio = 0.02) => ({ ic: rankIc, icir: rankIc, rankIc, rankIcir: rankIc, mi: 0.03, rankIcT: rankIc, nanRatio, days: 1000 });

describe('judge', () => {
  const judge = (hypothesis: string, description: string, expression: string) => ask('judge', { hypothesis, description, expression, facts: '-' });

  it('fails a liquidity hypothesis whose expression never reads volume, at the expression', () => {
    const v = judge('Illiquid stocks with little trading volume earn a premium.', 'The 20-day return.', '$close/Ref($close,20)-1');
    expect(v).toMatchObject({ consistent: false, failingStep: 'expression' });
    expect(v.reasons.join(' ')).toContain('$volume');
  });

  it('fails a description that claims what neither the hypothesis nor the expression has, at the description', () => {
    expect(judge('Short-term reversal over 5 days.', 'Volume-weighted reversal.', '-1*($close/Ref($close,5)-1)')).toMatchObject({ consistent: false, failingStep: 'description' });
  });

  it('fails an expression reading volume that no text mentions, at the description', () => {
    expect(judge('Short-term reversal over 5 days.', 'The 5-day reversal.', '-1*($close/Ref($close,5)-1)*$volume')).toMatchObject({ consistent: false, failingStep: 'description' });
  });

  it('passes a consistent, sound factor, and reads negations as negations', () => {
    expect(
      judge('Amihud illiquidity over 20 days earns a premium.', 'Mean absolute return per unit of dollar volume.', 'Mean(Abs($close/Ref($close,1)-1)/($close*$volume+1),20)'),
    ).toEqual({ consistent: true, sound: true, failingStep: null, reasons: [] });
    expect(judge('A pure price signal, without volume or the intraday range.', 'The 5-day return.', '$close/Ref($close,5)-1').consistent).toBe(true);
  });

  it('finds unsound constructions', () => {
    const unsound = [
      'Mean($close,5)/Mean($close,5)',
      'Mean($close,20)/Mean($close,21)',
      'Log($close-$open)',
      'Std($close,1)',
      'Corr($close,$close,10)',
      'Abs(Abs(Abs(Abs(Abs(Abs(Abs(Abs(Abs(Abs(Abs(Abs($close))))))))))))',
    ];
    for (const expression of unsound) expect(judge('Price level.', 'The close.', expression), expression).toMatchObject({ sound: false, failingStep: 'expression' });
    expect(judge('Price.', 'Price.', 'Mean($close,5)/Mean($close,20)').sound).toBe(true);
  });

  it('fails an expression that does not compile at the expression', () => {
    expect(judge('Momentum.', 'Mean.', 'TS_MEAN($close,5)')).toMatchObject({ consistent: false, sound: false, failingStep: 'expression' });
  });
});

describe('logic improvement', () => {
  const base = { hypothesis: 'Stocks with volume shocks and high volatility underperform.', description: 'The 5-day return.', expression: '$close/Ref($close,5)-1', reasons: ['the hypothesis claims volume'] };

  it('adds what the hypothesis claims to the expression, and the description follows', () => {
    const reply = ask('improve', { ...base, failingStep: 'expression' });
    const compiled = compileFactor(reply.expression);
    expect(compiled.ok).toBe(true);
    if (!compiled.ok) return;
    expect(fieldNames(compiled.ast)).toContain('volume');
    expect(verdict(reply.hypothesis, reply.description, compiled.ast).consistent).toBe(true);
    expect(reply.hypothesis).toBe(base.hypothesis);
  });

  it('rewords the hypothesis to what the expression does', () => {
    const reply = ask('improve', { ...base, failingStep: 'hypothesis' });
    expect(canonical(reply.expression)).toBe(canonical(base.expression));
    const compiled = compileFactor(reply.expression);
    if (compiled.ok) expect(verdict(reply.hypothesis, reply.description, compiled.ast).consistent).toBe(true);
    expect(reply.hypothesis).not.toMatch(/volume/i);
  });

  it('fixes an unsound construction with a targeted edit', () => {
    const reply = ask('improve', { hypothesis: 'Trend.', description: 'Ratio of moving averages.', expression: 'Mean($close,20)/Mean($close,21)', reasons: ['ratio of near-identical'], failingStep: 'expression' });
    const compiled = compileFactor(reply.expression);
    expect(compiled.ok && verdict('Trend.', reply.description, compiled.ast).sound).toBe(true);
  });
});

describe('mutation', () => {
  const trajectory = (over: Partial<RoleInput<'mutation'>['trajectory']>) => ({
    id: 't1',
    hypothesis: 'Stocks that fell most over the last 5 days have overreacted to transient selling pressure and rebound (short-term reversal).',
    description: 'Short-term reversal.',
    expression: '-1*($close/Ref($close,5)-1)',
    metrics: { train: split(0.002), valid: split(0.001) },
    reward: -0.1,
    feedback: '',
    steps: ['build: built', 'evaluate: evaluated'],
    ...over,
  });

  it('localises an inconsistency to the description', () => {
    expect(ask('mutation', { trajectory: trajectory({ steps: ['verify: the judge found it inconsistent'] }) }).localisedStep).toBe('description');
  });

  it('localises repeated failures to the hypothesis, and the builder reads the new hypothesis back to another family', () => {
    const reply = ask('mutation', { trajectory: trajectory({ steps: ['select: rejected', 'mutate: rewrote the expression', 'select: rejected'] }) });
    expect(reply.localisedStep).toBe('hypothesis');
    const family = matchOwnText(reply.rewrite)?.family;
    expect(family).toBeDefined();
    expect(family!.id).not.toBe('rev-short-term');
  });

  it('rewrites only the expression of a sound but weak idea, with a targeted edit', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const reply = ask('mutation', { trajectory: trajectory({}) }, seed);
      expect(reply.localisedStep).toBe('expression');
      expect(canonical(reply.rewrite)).not.toBe(canonical('-1*($close/Ref($close,5)-1)'));
      expect(reply.diagnosis).toMatch(/Edit: /);
    }
  });

  it('makes an overfitting expression more robust', () => {
    const reply = ask('mutation', { trajectory: trajectory({ metrics: { train: split(0.05), valid: split(-0.01) } }) });
    expect(reply.localisedStep).toBe('expression');
    expect(reply.diagnosis).toMatch(/does not generalise/);
  });

  it('reads heavy missing values as an expression problem', () => {
    expect(ask('mutation', { trajectory: trajectory({ metrics: { train: split(0.02, 0.6), valid: split(0.01, 0.6) } }) }).diagnosis).toMatch(/missing values/);
  });
});

describe('crossover', () => {
  const parent = (id: string, expression: string, hypothesis: string, reward: number) => ({
    id,
    hypothesis,
    description: hypothesis,
    expression,
    metrics: { train: split(0.03), valid: split(0.02) },
    reward,
    feedback: '',
    steps: [],
  });
  const parents = [
    parent('low', 'Corr($close/Ref($close,1),Log($volume/Ref($volume,1)+1),10)-Mean(($high-$low)/$close,20)', 'Price-volume correlation over 10 days signals attention. A wide high-low range adds risk.', 0.1),
    parent('high', 'CSRank(-1*Std($close/Ref($close,1)-1,20))*CSRank(Mean($volume,5)/Mean($volume,60))', 'Low 20-day return volatility earns more per unit of risk. Rising volume confirms it.', 0.4),
  ];

  it('recombines the parents into a new factor, names who gave what, and stays consistent', () => {
    const seen = new Set<string>();
    for (let seed = 1; seed <= 12; seed++) {
      const child = ask('crossover', { parents }, seed);
      const expression = canonical(child.expression);
      expect([canonical(parents[0]!.expression), canonical(parents[1]!.expression)]).not.toContain(expression);
      expect(child.inherited.every((i) => i.parent === 'low' || i.parent === 'high')).toBe(true);
      expect(child.inherited.some((i) => i.parent === 'high')).toBe(true);
      const compiled = compileFactor(child.expression);
      if (compiled.ok) expect(verdict(child.hypothesis, child.description, compiled.ast).consistent, `${child.hypothesis} | ${child.expression}`).toBe(true);
      seen.add(expression);
    }
    expect(seen.size).toBeGreaterThan(3);
  });
});

describe('planner', () => {
  const seedPool = ALPHA20.map((f, i) => ({ ...f, validRankIc: (i - 10) / 500 }));

  it('includes human directions verbatim and covers sources, scales and mechanisms without repeating a triple', () => {
    const human = 'Explore the relationship between volume anomalies and short-term reversal';
    const plan = ask('planner', { seedPool, humanDirections: [human], explored: [], count: 10 });
    expect(plan.directions).toHaveLength(10);
    expect(plan.directions[0]).toMatchObject({ title: human, signalSource: 'price-volume', timeScale: 'short', mechanism: 'reversion' });
    expect(plan.directions[0]!.rationale).toContain(human);
    const triples = plan.directions.map((d) => `${d.signalSource}/${d.timeScale}/${d.mechanism}`);
    expect(new Set(triples).size).toBe(triples.length);
    expect(new Set(plan.directions.map((d) => d.signalSource)).size).toBeGreaterThanOrEqual(5);
    expect(new Set(plan.directions.map((d) => d.timeScale)).size).toBe(3);
    expect(new Set(plan.directions.map((d) => d.mechanism)).size).toBeGreaterThanOrEqual(5);
    const names = new Set(seedPool.map((s) => s.name));
    for (const d of plan.directions) for (const s of d.seeds) expect(names.has(s)).toBe(true);
  });

  it('drops directions explored without result', () => {
    const dead = 'Overreaction and short-term reversal in prices over days';
    for (let seed = 1; seed <= 5; seed++) {
      const plan = ask('planner', { seedPool, humanDirections: [], explored: [{ title: dead, accepted: 0 }], count: 32 }, seed);
      expect(plan.directions.map((d) => d.title)).not.toContain(dead);
    }
  });
});

describe('analyst', () => {
  const analyse = (train: number | null, valid: number | null, outcome = 'qualified') =>
    ask('analyst', { hypothesis: 'Reversal.', expression: '$close', metrics: train === null ? null : { train: split(train), valid: split(valid) }, outcome });

  it('supports a hypothesis whose signal holds on valid', () => {
    const a = analyse(0.04, 0.03);
    expect(a.supportsHypothesis).toBe(true);
    expect(a.nextStep).toMatch(/Keep the mechanism/);
  });

  it('does not support a signal that flips sign or is absent', () => {
    expect(analyse(0.04, -0.02)).toMatchObject({ supportsHypothesis: false });
    expect(analyse(0.04, -0.02).evaluation).toMatch(/flips/);
    expect(analyse(0.002, 0.001).supportsHypothesis).toBe(false);
    expect(analyse(null, null, 'rejected: did not compile').supportsHypothesis).toBe(false);
  });

  it('advises on redundancy', () => {
    expect(analyse(0.04, 0.03, 'rejected: redundant with library factor f1').nextStep).toMatch(/duplicates/);
  });
});

describe('model agent', () => {
  const config = { model: 'xgboost' as const, eta: 0.05, maxDepth: 6, subsample: 0.8, colsampleBytree: 0.8, lambda: 1, rounds: 400 };

  it('starts with ridge for few factors and XGBoost for many', () => {
    expect(ask('model', { factors: 5, families: [], trials: [] }).config.model).toBe('ridge');
    expect(ask('model', { factors: 60, families: [], trials: [] }).config.model).toBe('xgboost');
  });

  it('explores around the best trial without repeating one', () => {
    const trials = [
      { config, validIc: 0.03, validRankIc: 0.04 },
      { config: { ...config, eta: 0.1 }, validIc: 0.02, validRankIc: 0.02 },
    ];
    for (let seed = 1; seed <= 20; seed++) {
      const reply = ask('model', { factors: 80, families: [], trials }, seed);
      expect(trials.map((t) => JSON.stringify(t.config))).not.toContain(JSON.stringify(reply.config));
    }
  });
});

describe('builder', () => {
  it('reads its own hypotheses back to their family without a sketch', () => {
    let total = 0;
    let recovered = 0;
    for (const family of FAMILIES) {
      for (let i = 0; i < 3; i++) {
        const instance = instantiate(family, Rng.keyed('roundtrip', family.id, i), DEFAULT_ENVIRONMENT);
        if (!instance) continue;
        const built = ask('builder', { hypothesis: instance.hypothesis, sketch: null, specialist: family.specialist, examples: [], reusable: [] });
        total++;
        if (built.name.startsWith(family.stem)) recovered++;
        const compiled = compileFactor(built.expression);
        expect(compiled.ok).toBe(true);
        if (compiled.ok) expect(verdict(instance.hypothesis, built.description, compiled.ast).consistent, `${instance.hypothesis} -> ${built.expression}`).toBe(true);
      }
    }
    console.log(`[builder] ${recovered}/${total} own hypotheses read back to their family without a sketch`);
    expect(recovered / total).toBeGreaterThan(0.95);
  });

  it('uses a formula quoted in the hypothesis, repaired into the factor language', () => {
    const built = ask('builder', { hypothesis: 'The factor `TS_MEAN($return, 10)` captures drift.', sketch: null, specialist: 'x', examples: [], reusable: [] });
    expect(built.expression).toBe('Mean($close / Ref($close, 1) - 1, 10)');
  });

  it('builds from keywords and day counts in a free text', () => {
    const built = ask('builder', { hypothesis: 'Stocks with high Amihud illiquidity over 40 days earn a premium.', sketch: null, specialist: 'x', examples: [], reusable: [] });
    expect(built.expression).toContain('$volume');
    expect(built.expression).toContain('40');
  });

  it('combines building blocks a text names', () => {
    const built = ask('builder', { hypothesis: 'Combine short-term reversal with low volatility over 10 days.', sketch: null, specialist: 'x', examples: [], reusable: [] });
    expect(built.expression).toMatch(/^CSZScore\(.*\) \+ CSZScore\(.*Std\(/);
  });

  it('prefers the hypothesis to a sketch that contradicts it', () => {
    const built = ask('builder', {
      hypothesis: 'Stocks whose price moves most per unit of traded value over the last 20 days (high Amihud illiquidity) are costly to trade and earn an illiquidity premium.',
      sketch: '$close/Ref($close,20)-1',
      specialist: 'liquidity',
      examples: [],
      reusable: [],
    });
    expect(built.expression).toContain('$volume');
    expect(built.name).toMatch(/^AmihudIlliquidity_20D/);
  });
});
