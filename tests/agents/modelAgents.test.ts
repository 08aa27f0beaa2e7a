/**
 * The agents that answer with one checked model reply: builder, logic
 * improver, mutation, crossover, analyst, model agent. One real nats-server
 * and one host per agent for the file; each test scripts the model.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AgentMetrics } from '../../agents/domain.js';
import { ANALYST_IDENTITY, analystMachine } from '../../agents/analyst.js';
import { CROSSOVER_IDENTITY, crossoverMachine } from '../../agents/crossover.js';
import { FACTOR_BUILDER_IDENTITY, factorBuilderMachine } from '../../agents/factorBuilder.js';
import { LOGIC_IMPROVER_IDENTITY, logicImproverMachine } from '../../agents/logicImprover.js';
import { MODEL_AGENT_IDENTITY, modelAgentMachine } from '../../agents/modelAgent.js';
import { MUTATION_IDENTITY, mutationMachine } from '../../agents/mutation.js';
import { ANALYST, CROSSOVER, FACTOR_BUILDER, LOGIC_IMPROVER, MODEL_AGENT, MUTATION } from '../../agents/protocol.js';
import type { ModelConfig, RoleName, TrajectoryBrief } from '../../agents/roles.js';
import { hostActor, type HostedActor } from '../../runtime/actorHost.js';
import { scriptedLlm, splitMetrics, startTestRun, type ScriptAnswer, type ScriptedLlm, type TestRun } from './helpers.js';

let run: TestRun;
let llm: ScriptedLlm;
let answers: Partial<Record<RoleName, ScriptAnswer[]>> = {};
const hosts: HostedActor[] = [];

beforeAll(async () => {
  run = await startTestRun();
  // Each role answers from its queue of scripted answers, in order.
  llm = scriptedLlm((role) => answers[role]?.shift() ?? { error: new Error(`no scripted answer left for ${role}`) });
  const model = llm.model;
  for (const [machine, identity] of [
    [factorBuilderMachine({ model }), FACTOR_BUILDER_IDENTITY],
    [logicImproverMachine({ model }), LOGIC_IMPROVER_IDENTITY],
    [mutationMachine({ model }), MUTATION_IDENTITY],
    [crossoverMachine({ model }), CROSSOVER_IDENTITY],
    [analystMachine({ model }), ANALYST_IDENTITY],
    [modelAgentMachine({ model }), MODEL_AGENT_IDENTITY],
  ] as const) {
    hosts.push(await hostActor(run.bus, machine, identity));
  }
});
afterAll(async () => {
  for (const h of hosts) await h.stop();
  await run.close();
});
beforeEach(() => {
  answers = {};
  llm.calls.length = 0;
});

const ask = async (queue: string, type: string, payload: unknown) => (await run.bus.request(queue, type, payload, { timeoutMs: 10_000 })).payload;
const metrics: AgentMetrics = { train: splitMetrics(), valid: splitMetrics() };
const brief = (id: string, expression: string): TrajectoryBrief => ({
  id,
  hypothesis: `Hypothesis of ${id}.`,
  description: `Description of ${id}.`,
  expression,
  metrics,
  reward: 0.2,
  feedback: 'Weak on valid.',
  steps: ['proposed', 'built'],
});

describe('factor builder', () => {
  const task = {
    trajectory: 't-1',
    hypothesis: 'Volume-confirmed momentum persists.',
    sketch: null,
    specialist: 'daily-trend',
    examples: [{ expression: 'Corr($close, Log($volume + 1), 10)', note: 'accepted' }],
    reusable: [{ name: 'pv_10', expression: 'Corr($close, Log($volume + 1), 10)' }],
  };

  it('answers with name, description and expression, the builder input being the task without its trajectory id', async () => {
    answers.builder = [{ reply: { name: 'Momentum with volume', description: 'Five-day return times volume surprise.', expression: '($close / Ref($close, 5) - 1) * $pv_10' } }];
    expect(await ask(FACTOR_BUILDER.queue, FACTOR_BUILDER.task, task)).toEqual({
      name: 'Momentum with volume',
      description: 'Five-day return times volume surprise.',
      expression: '($close / Ref($close, 5) - 1) * $pv_10',
    });
    const { trajectory: _t, ...input } = task;
    expect(llm.calls[0]!.input).toEqual(input);
  });

  it('asks again when the expression is a copy of an example (also through a reference), and gives up after two copies', async () => {
    answers.builder = [
      { reply: { name: 'Copy', description: 'd', expression: 'Corr($close,Log($volume+1),10)' } },
      { reply: { name: 'Own', description: 'd', expression: 'Mean($close, 5) / $close' } },
    ];
    expect(await ask(FACTOR_BUILDER.queue, FACTOR_BUILDER.task, task)).toMatchObject({ name: 'Own' });
    answers.builder = [
      { reply: { name: 'Copy', description: 'd', expression: '$pv_10' } },
      { reply: { name: 'Copy again', description: 'd', expression: 'Corr($close, Log($volume + 1), 10)' } },
    ];
    await expect(ask(FACTOR_BUILDER.queue, FACTOR_BUILDER.task, task)).rejects.toThrow(/the builder copied an example .* \(after 2 model replies\)/);
  });

  it('fails the task with the reason when the model fails', async () => {
    answers.builder = [{ text: '{"name": 1}' }, { text: 'still not it' }];
    await expect(ask(FACTOR_BUILDER.queue, FACTOR_BUILDER.task, task)).rejects.toThrow(/the builder model failed \(/);
  });
});

describe('logic improver', () => {
  const task = {
    trajectory: 't-2',
    hypothesis: 'Liquidity shocks revert.',
    description: 'Negative five-day return scaled by volume surprise.',
    expression: '-1 * ($close / Ref($close, 5) - 1)',
    reasons: ['the expression never reads volume'],
    failingStep: 'expression' as const,
  };

  it('rewrites from the failing step on, restoring a prefix the model changed', async () => {
    answers.improve = [{ reply: { hypothesis: 'Something else entirely.', description: 'Changed too.', expression: '-1 * ($close / Ref($close, 5) - 1) * $volume / Mean($volume, 20)', explanation: 'added volume' } }];
    expect(await ask(LOGIC_IMPROVER.queue, LOGIC_IMPROVER.task, task)).toEqual({
      hypothesis: task.hypothesis,
      description: task.description,
      expression: '-1 * ($close / Ref($close, 5) - 1) * $volume / Mean($volume, 20)',
      explanation: 'added volume',
    });
  });

  it('does not accept the failing step back unchanged', async () => {
    const same = { reply: { hypothesis: task.hypothesis, description: task.description, expression: task.expression, explanation: 'looks fine' } };
    answers.improve = [same, same];
    await expect(ask(LOGIC_IMPROVER.queue, LOGIC_IMPROVER.task, task)).rejects.toThrow(/returned the failing expression unchanged \(after 2 model replies\)/);
  });
});

describe('mutation', () => {
  const task = { trajectory: brief('p1', 'Mean($close, 20) / $close') };

  it('accepts a rewrite of the localised step', async () => {
    answers.mutation = [{ reply: { localisedStep: 'expression', diagnosis: 'the window is too long', rewrite: ' Mean($close, 5) / $close ' } }];
    expect(await ask(MUTATION.queue, MUTATION.task, task)).toEqual({ localisedStep: 'expression', diagnosis: 'the window is too long', rewrite: 'Mean($close, 5) / $close' });
  });

  it('asks again when the rewrite is not of the localised step’s kind, or changes nothing', async () => {
    answers.mutation = [
      { reply: { localisedStep: 'hypothesis', diagnosis: 'd', rewrite: 'Mean($close, 5) / $close' } },
      { reply: { localisedStep: 'hypothesis', diagnosis: 'd', rewrite: 'Short-term mean reversion, not a trend.' } },
    ];
    expect(await ask(MUTATION.queue, MUTATION.task, task)).toMatchObject({ rewrite: 'Short-term mean reversion, not a trend.' });
    answers.mutation = [
      { reply: { localisedStep: 'expression', diagnosis: 'd', rewrite: 'Mean($close, 20)/$close' } },
      { reply: { localisedStep: 'expression', diagnosis: 'd', rewrite: 'Mean($close, 5 / $close' } },
    ];
    await expect(ask(MUTATION.queue, MUTATION.task, task)).rejects.toThrow(/the rewritten expression does not parse: .* \(after 2 model replies\)/);
  });
});

describe('crossover', () => {
  const task = { parents: [brief('p1', 'Mean($close, 5) / $close'), brief('p2', 'Std($volume, 10) / Mean($volume, 10)')] };
  const child = (inherited: { parent: string; segment: 'hypothesis' | 'construction' }[], expression = 'Mean($close, 5) / $close * Std($volume, 10) / Mean($volume, 10)') => ({
    reply: { hypothesis: 'Combined.', description: 'Both.', expression, inherited: inherited.map((i) => ({ ...i, detail: 'part' })) },
  });

  it('records which parent gave what', async () => {
    answers.crossover = [child([{ parent: 'p1', segment: 'hypothesis' }, { parent: 'p2', segment: 'construction' }])];
    expect(await ask(CROSSOVER.queue, CROSSOVER.task, task)).toMatchObject({ inherited: [{ parent: 'p1' }, { parent: 'p2' }] });
  });

  it('asks again when the lineage names a parent it was not given, and needs two contributing parents', async () => {
    answers.crossover = [child([{ parent: 'p1', segment: 'hypothesis' }, { parent: 'p9', segment: 'construction' }]), child([{ parent: 'p1', segment: 'hypothesis' }, { parent: 'p2', segment: 'construction' }])];
    expect(await ask(CROSSOVER.queue, CROSSOVER.task, task)).toMatchObject({ hypothesis: 'Combined.' });
    answers.crossover = [child([{ parent: 'p1', segment: 'hypothesis' }]), child([{ parent: 'p1', segment: 'hypothesis' }, { parent: 'p2', segment: 'construction' }], 'Mean($close, 5) / $close')];
    await expect(ask(CROSSOVER.queue, CROSSOVER.task, task)).rejects.toThrow(/the crossover child's expression is parent p1's \(after 2 model replies\)/);
  });
});

describe('analyst', () => {
  const task = { trajectory: 't-3', hypothesis: 'Gaps revert.', expression: '-1 * ($open / Ref($close, 1) - 1)', metrics: null, outcome: 'rejected at verify: unknown field' };

  it('does not let an analysis claim support for a candidate that was never evaluated', async () => {
    const analysis = (supports: boolean) => ({ reply: { observation: 'o', evaluation: 'e', supportsHypothesis: supports, nextStep: 'n' } });
    answers.analyst = [analysis(true), analysis(false)];
    expect(await ask(ANALYST.queue, ANALYST.task, task)).toEqual({ observation: 'o', evaluation: 'e', supportsHypothesis: false, nextStep: 'n' });
    expect(llm.callsOf('analyst')).toHaveLength(2);
    answers.analyst = [analysis(true)];
    expect(await ask(ANALYST.queue, ANALYST.task, { ...task, metrics, outcome: 'qualified' })).toMatchObject({ supportsHypothesis: true });
  });
});

describe('model agent', () => {
  const tried: ModelConfig = { model: 'xgboost', eta: 0.05, maxDepth: 6, subsample: 0.8, colsampleBytree: 0.8, lambda: 1, rounds: 500 };
  const task = { factors: 12, families: [{ family: 'momentum', count: 5 }], trials: [{ config: tried, validIc: 0.03, validRankIc: 0.04 }] };

  it('asks again for a configuration already tried (for ridge, the same penalty is the same trial)', async () => {
    answers.model = [
      { reply: { config: tried, rationale: 'again' } },
      { reply: { config: { ...tried, maxDepth: 4 }, rationale: 'shallower trees' } },
    ];
    expect(await ask(MODEL_AGENT.queue, MODEL_AGENT.task, task)).toEqual({ config: { ...tried, maxDepth: 4 }, rationale: 'shallower trees' });
    const ridge = { ...tried, model: 'ridge' as const, lambda: 10 };
    answers.model = [{ reply: { config: { ...ridge, eta: 0.3 }, rationale: 'same penalty' } }, { reply: { config: ridge, rationale: 'same' } }, { reply: { config: { ...ridge, lambda: 1 }, rationale: 'smaller penalty' } }];
    expect(await ask(MODEL_AGENT.queue, MODEL_AGENT.task, { ...task, trials: [{ config: ridge, validIc: 0.02, validRankIc: 0.03 }] })).toMatchObject({ config: { lambda: 1 } });
  });
});
