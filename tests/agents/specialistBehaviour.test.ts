import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_SPECIALISTS } from '../../agents/builtinSpecialists.js';
import { LlmClient, parseLlmConfig } from '../../agents/llm/index.js';
import { swarmEnvironment } from '../../agents/modelCall.js';
import { ROLE_KINDS, type Direction } from '../../agents/roles.js';
import { builtInSpecialist } from '../../agents/specialists/catalog.js';
import { briefContext, defaultSpecialistBehaviour, specialistRoleInput, specialistTask } from '../../agents/specialistBehaviour.js';
import {
  SPECIALIST_TASK,
  behaviourOf,
  specialistIdentity,
  specialistMachine,
  specialistTaskSchema,
  type SpecialistBrief,
  type SpecialistDefinition,
} from '../../agents/specialistDefinition.js';
import { installDefaultSpecialistBehaviour } from '../../agents/specialistBehaviour.js';
import { DEFAULT_FIELDS } from '../../operators/fields.js';
import { hostActor } from '../../runtime/actorHost.js';
import { OpenAiTestServer } from '../helpers/openaiServer.js';
import { scriptedLlm, startTestRun, type TestRun } from './helpers.js';

const reversal = BUILTIN_SPECIALISTS.find((s) => s.name === 'reversal')!;
const attached: SpecialistDefinition = { name: 'my-attached', level: 3, guidance: 'Look at volume spikes followed by quiet days.', version: '0.1.0', capabilities: ['volume'] };
const direction: Direction = { title: 'Short reversal after gaps', signalSource: 'price', timeScale: 'short', mechanism: 'reversion', rationale: 'Gaps overshoot.', seeds: ['KLEN'] };
const brief: SpecialistBrief = {
  guidanceMode: 'concrete',
  direction,
  positives: [{ expression: '-1 * ($close / Ref($close, 5) - 1)', note: 'accepted: valid RankIC 0.02' }],
  negatives: [{ expression: 'Ref($close, 1) / $close', note: 'rejected at verify: too simple' }],
  feedback: ['Short windows worked better than long ones.'],
  humanComments: ['Avoid pure volume signals.'],
  count: 2,
};

describe('the specialist role input', () => {
  it('gives a built-in specialist its catalog paraphrase in the requested mode and the brief', () => {
    const input = specialistRoleInput(reversal, specialistTask(brief));
    const catalog = builtInSpecialist('reversal')!;
    expect(input).toEqual({
      specialist: { name: 'reversal', level: catalog.level, layer: catalog.layer, remit: catalog.remit },
      guidanceMode: 'concrete',
      guidance: catalog.paraphrases.concrete,
      direction,
      positives: brief.positives,
      negatives: brief.negatives,
      feedback: brief.feedback,
      humanComments: brief.humanComments,
      count: 2,
    });
  });

  it('gives an attached module its own guidance in every mode, and its level’s layer', () => {
    const input = specialistRoleInput(attached, specialistTask({ ...brief, guidanceMode: 'divergent' }));
    expect(input.guidance).toBe(attached.guidance);
    expect(input.specialist).toEqual({ name: 'my-attached', level: 3, layer: 'Price–Volume Dynamics Layer', remit: attached.guidance });
  });

  it('reads a task without a brief: light mode, the direction text, the context as feedback', () => {
    const task = specialistTaskSchema.parse({ direction: 'momentum over 20 days', context: 'Last time: too noisy.' });
    const input = specialistRoleInput(reversal, task);
    expect(input).toMatchObject({ guidanceMode: 'light', guidance: builtInSpecialist('reversal')!.paraphrases.light, feedback: ['Last time: too noisy.'], count: 3 });
    expect(input.direction).toMatchObject({ title: 'momentum over 20 days', mechanism: 'momentum' });
  });

  it('carries the brief as text too, for modules with their own propose()', () => {
    const task = specialistTask(brief);
    expect(specialistTaskSchema.parse(task)).toEqual(task);
    expect(task.direction).toBe('Short reversal after gaps: Gaps overshoot.');
    expect(briefContext(brief).split('\n')).toEqual([
      'Guidance mode: concrete. Proposals wanted: 2.',
      'Direction: Short reversal after gaps (price, short-term, reversion). Gaps overshoot.',
      'Seed factors: KLEN.',
      'Accepted factors near your remit:',
      '- -1 * ($close / Ref($close, 5) - 1) (accepted: valid RankIC 0.02)',
      'Rejected attempts to avoid:',
      '- Ref($close, 1) / $close (rejected at verify: too simple)',
      'Feedback on the last generation:',
      '- Short windows worked better than long ones.',
      'Comments from a person:',
      '- Avoid pure volume signals.',
    ]);
  });
});

describe('specialists on the bus', () => {
  let run: TestRun;
  beforeEach(async () => {
    run = await startTestRun();
  });
  afterEach(async () => run.close());

  it('answer with proposals from the model, and fail the task with the reason when the model fails', async () => {
    const llm = scriptedLlm((_role, input) =>
      input.specialist.name === 'reversal'
        ? { reply: { proposals: [{ hypothesis: 'Gaps revert.', rationale: 'Overreaction.', expression: '-1 * ($open / Ref($close, 1) - 1)' }, { hypothesis: 'Losers bounce.' }] } }
        : { text: 'no' },
    );
    const behaviour = defaultSpecialistBehaviour(llm.model);
    const hosted = [reversal, attached].map((d) => hostActor(run.bus, specialistMachine(d, behaviour(d)), specialistIdentity(d)));
    const [a, b] = await Promise.all(hosted);
    const answer = await run.bus.request('reversal', SPECIALIST_TASK, specialistTask(brief), { timeoutMs: 10_000 });
    expect(answer.payload).toEqual({
      proposals: [
        { hypothesis: 'Gaps revert.\nWhy: Overreaction.', expression: '-1 * ($open / Ref($close, 1) - 1)' },
        { hypothesis: 'Losers bounce.' },
      ],
    });
    await expect(run.bus.request('my-attached', SPECIALIST_TASK, specialistTask(brief), { timeoutMs: 10_000 })).rejects.toThrow(/propose failed: the specialist model failed/);
    await a!.stop();
    await b!.stop();
  });

  it('the seam gives a module without propose() the default behaviour', async () => {
    const llm = scriptedLlm(() => ({ reply: { proposals: [{ hypothesis: 'Quiet after a spike means accumulation.' }] } }));
    installDefaultSpecialistBehaviour(llm.model);
    const propose = behaviourOf(attached);
    expect(await propose(specialistTask(brief), { envelope: {} as never })).toEqual([{ hypothesis: 'Quiet after a spike means accumulation.' }]);
    expect(llm.calls[0]!.input.guidance).toBe(attached.guidance);
  });
});

describe('a specialist through the real LlmClient over HTTP', () => {
  let server: OpenAiTestServer;
  let run: TestRun;
  beforeAll(async () => {
    server = await OpenAiTestServer.start();
  });
  afterAll(async () => server.close());
  beforeEach(async () => {
    run = await startTestRun();
  });
  afterEach(async () => run.close());

  it('sends the rendered prompt to the endpoint and answers with the validated reply', async () => {
    const config = parseLlmConfig({ baseUrl: server.baseUrl, model: 'test-model', apiKey: 'k', timeoutMs: 5000, maxRetries: 0, maxRepairs: 1 });
    const client = new LlmClient({ config, roles: ROLE_KINDS, offlineModel: () => {
      throw new Error('no offline model in this test');
    }, seed: 7 });
    // The first reply breaks the schema (no proposals); LlmClient asks again and the second is good.
    server.script({ content: '{"ideas": []}' }, { content: '{"proposals": [{"hypothesis": "Range expansions continue."}]}' });
    const model = { llm: client, env: swarmEnvironment([...DEFAULT_FIELDS]) };
    const hosted = await hostActor(run.bus, specialistMachine(reversal, defaultSpecialistBehaviour(model)(reversal)), specialistIdentity(reversal));
    const answer = await run.bus.request('reversal', SPECIALIST_TASK, specialistTask(brief), { timeoutMs: 10_000 });
    expect(answer.payload).toEqual({ proposals: [{ hypothesis: 'Range expansions continue.' }] });
    expect(server.requests).toHaveLength(2);
    const body = server.requests[0]!.body;
    expect(body.model).toBe('test-model');
    expect(body.messages[0].role).toBe('system');
    expect(body.messages.at(-1).content).toContain('```json alphaswarm-context');
    expect(body.messages.at(-1).content).toContain(builtInSpecialist('reversal')!.paraphrases.concrete.slice(0, 40));
    await hosted.stop();
  });
});
