/**
 * Every built-in agent hosted on one bus, answering through the real
 * LlmClient and the embedded offline research model: the registry lists them
 * with their identities, one candidate walks the whole path (plan, schedule,
 * retrieve, propose, build, verify, evaluate, accept, analyse) over NATS, and
 * stop() drains them.
 */
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startBuiltinAgents, type BuiltinAgents } from '../../agents/host.js';
import { LIBRARY_RETRIEVE, type AcceptResult } from '../../agents/librarian.js';
import { LibraryView } from '../../agents/library/libraryStore.js';
import { LlmClient, loadLlmConfig } from '../../agents/llm/index.js';
import { swarmEnvironment } from '../../agents/modelCall.js';
import { offlineResearchModel } from '../../agents/offline/index.js';
import { ANALYST, EVALUATOR, FACTOR_BUILDER, LIBRARIAN, PLANNER, SCHEDULER, VERIFIER, type Evaluation } from '../../agents/protocol.js';
import { ROLE_KINDS, type Direction } from '../../agents/roles.js';
import { SPECIALIST_PROPOSALS, SPECIALIST_TASK, type Proposal } from '../../agents/specialistDefinition.js';
import { specialistTask } from '../../agents/specialistBehaviour.js';
import type { VerifyResult } from '../../agents/verifier.js';
import { ALPHA20 } from '../../evaluator/libraries/alpha20.js';
import { DEFAULT_FIELDS } from '../../operators/fields.js';
import { AgentRegistry } from '../../runtime/registry.js';
import { RunStore } from '../../runtime/runStore.js';
import { startTestRun, waitUntil, type TestRun } from './helpers.js';
import { market, type Market } from './marketData.js';

let data: Market;
beforeAll(() => {
  data = market();
});

describe('startBuiltinAgents', () => {
  let run: TestRun;
  let agents: BuiltinAgents | null = null;
  beforeEach(async () => {
    run = await startTestRun();
  });
  afterEach(async () => {
    await agents?.stop();
    agents = null;
    await run.close();
  });

  it('hosts every built-in agent with its identity, serves a candidate end to end, and drains on stop', async () => {
    const fields = [...DEFAULT_FIELDS];
    const llm = new LlmClient({ config: loadLlmConfig({ env: {}, options: {} }), roles: ROLE_KINDS, offlineModel: offlineResearchModel({ seed: 1 }), seed: 1 });
    const store = await RunStore.open(run.bus);
    const registry = await AgentRegistry.open(run.bus);
    agents = await startBuiltinAgents(run.bus, { llm, env: swarmEnvironment(fields), evaluation: data.data, runStore: store, seed: 1 });
    expect(agents.agents).toHaveLength(33);
    expect(agents.specialists).toHaveLength(21);
    await waitUntil(() => registry.agents().length === 33, 10_000, 'all agents in the registry');
    const roles = new Map(registry.agents().map((a) => [a.presence.name, a.presence]));
    for (const name of ['planner', 'factor-builder', 'verifier', 'code-repair', 'logic-improver', 'evaluator', 'mutation', 'crossover', 'analyst', 'librarian', 'scheduler', 'model-agent']) {
      expect(roles.get(name), name).toBeDefined();
    }
    const specialists = registry.agents({ role: 'specialist' });
    expect(specialists).toHaveLength(21);
    expect(new Set(specialists.map((s) => s.presence.level))).toEqual(new Set([1, 2, 3, 4, 5, 6, 7]));
    expect(roles.get('evaluator')).toMatchObject({ role: 'evaluator', level: null, version: '1.0.0', queues: ['evaluator'] });
    expect(roles.get('librarian')!.events).toEqual(['candidate.rejected']);

    const ask = async (queue: string, type: string, payload: unknown) => (await run.bus.request(queue, type, payload, { timeoutMs: 30_000 })).payload;
    const seedPool = ALPHA20.slice(0, 6).map((f) => ({ name: f.name, expression: f.expression, validRankIc: null }));
    const { directions } = (await ask(PLANNER.queue, PLANNER.task, { seedPool, humanDirections: [], explored: [], count: 3 })) as { directions: Direction[] };
    expect(directions).toHaveLength(3);
    const schedule = (await ask(SCHEDULER.queue, SCHEDULER.task, { generation: 0, slots: 2, specialists: agents.specialists, directions, state: [0, 0, 0, 0, 0, 0, 0, 0] })) as {
      assignments: { specialist: string; guidanceMode: 'light'; direction: number }[];
    };
    const slot = schedule.assignments[0]!;
    const retrieved = (await ask(LIBRARIAN.queue, LIBRARY_RETRIEVE, { about: slot.specialist, positives: 3, negatives: 3 })) as { positives: unknown[]; negatives: unknown[] };
    const brief = { guidanceMode: slot.guidanceMode, direction: directions[slot.direction] ?? null, feedback: [], humanComments: [], count: 2, ...retrieved };
    const proposals = (await run.bus.request(slot.specialist, SPECIALIST_TASK, specialistTask(brief as never), { timeoutMs: 30_000 }));
    expect(proposals.type).toBe(SPECIALIST_PROPOSALS);
    const idea = (proposals.payload as { proposals: Proposal[] }).proposals[0]!;
    const built = (await ask(FACTOR_BUILDER.queue, FACTOR_BUILDER.task, {
      trajectory: 't-1',
      hypothesis: idea.hypothesis,
      sketch: idea.expression ?? null,
      specialist: slot.specialist,
      examples: [],
      reusable: [],
    })) as { name: string; description: string; expression: string };
    const verdict = (await ask(VERIFIER.queue, VERIFIER.task, { trajectory: 't-1', hypothesis: idea.hypothesis, description: built.description, expression: built.expression })) as VerifyResult;
    expect(verdict.stage === null || ['compile', 'complexity', 'redundancy', 'judge'].includes(verdict.stage)).toBe(true);
    const expression = verdict.canonical ?? 'Mean($close, 5) / $close';
    const [evaluation] = ((await ask(EVALUATOR.queue, EVALUATOR.task, { candidates: [{ id: 't-1', expression }], correlateWithLibrary: true })) as { results: Evaluation[] }).results;
    expect(evaluation!.ok).toBe(true);
    const entry = {
      id: 't-1',
      name: built.name,
      expression,
      hypothesis: idea.hypothesis,
      description: built.description,
      family: 'unset',
      specialist: slot.specialist,
      origin: 'init',
      parents: [],
      generation: 0,
      trajectory: 't-1',
      metrics: evaluation!.metrics!,
      complexity: verdict.complexity ?? 1,
    };
    // Accepted or not depends on what the model proposed; the answer accounts for the candidate either way.
    const accepted = (await ask(LIBRARIAN.queue, LIBRARIAN.task, { generation: 0, candidates: [{ entry, libraryCorrelation: null }] })) as AcceptResult;
    expect(accepted.accepted.length + accepted.rejected.length).toBe(1);
    expect((await new LibraryView(store).refresh()).length).toBe(accepted.accepted.length);
    const analysis = (await ask(ANALYST.queue, ANALYST.task, { trajectory: 't-1', hypothesis: idea.hypothesis, expression, metrics: evaluation!.metrics, outcome: 'evaluated' })) as { nextStep: string };
    expect(analysis.nextStep.length).toBeGreaterThan(0);

    await agents.stop();
    await waitUntil(() => registry.agents().length === 0, 10_000, 'every agent to leave');
    agents = null;
  });
});
