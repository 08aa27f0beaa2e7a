import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CODE_REPAIR_IDENTITY, RepairWorkshop, codeRepairMachine, type RepairResult } from '../../agents/codeRepair.js';
import { REPAIR_KNOWLEDGE_KEY, repairKnowledgeSchema } from '../../agents/knowledge/repairKnowledge.js';
import { CODE_REPAIR, REPAIR_OUTCOME } from '../../agents/protocol.js';
import { hostActor, type HostedActor } from '../../runtime/actorHost.js';
import type { Envelope } from '../../runtime/envelope.js';
import { RunStore } from '../../runtime/runStore.js';
import { scriptedLlm, startTestRun, waitUntil, type Script, type ScriptedLlm, type TestRun } from './helpers.js';

const words = { hypothesis: 'Short-term mean of prices against the close.', description: 'Five-day mean over the close.' };
const task = (expression: string, error: string) => ({ trajectory: 'tr-1', ...words, expression, error });

describe('code repair agent', () => {
  let run: TestRun;
  let store: RunStore;
  const hosts: HostedActor[] = [];
  beforeEach(async () => {
    run = await startTestRun();
    store = await RunStore.open(run.bus);
  });
  afterEach(async () => {
    for (const h of hosts.splice(0)) await h.stop();
    await run.close();
  });

  async function start(script: Script): Promise<{ llm: ScriptedLlm; workshop: RepairWorkshop; repair: (expression: string, error: string) => Promise<RepairResult> }> {
    const llm = scriptedLlm(script);
    const deps = { model: llm.model, store, log: () => {} };
    const workshop = new RepairWorkshop(deps);
    hosts.push(await hostActor(run.bus, codeRepairMachine(deps, workshop), CODE_REPAIR_IDENTITY, { events: [REPAIR_OUTCOME] }));
    const repair = async (expression: string, error: string) =>
      (await run.bus.request(CODE_REPAIR.queue, CODE_REPAIR.task, task(expression, error), { timeoutMs: 10_000 })).payload as RepairResult;
    return { llm, workshop, repair };
  }

  const fixTsMean: Script = (_role, input) => ({ reply: { expression: input.expression.replaceAll('TS_MEAN', 'Mean'), explanation: 'TS_MEAN is Mean here.' } });

  it('learns a fix, then repairs the same error from knowledge without a model call, also after a restart', async () => {
    const { llm, workshop, repair } = await start(fixTsMean);
    const first = await repair('TS_MEAN($close, 5) / $close', "at 1: unknown operator 'TS_MEAN'");
    expect(first).toEqual({ expression: 'Mean($close, 5) / $close', explanation: 'TS_MEAN is Mean here.', fromKnowledge: false });
    expect(llm.callsOf('repair')).toHaveLength(1);
    expect(llm.calls[0]!.input.similarFixes).toEqual([]);

    const second = await repair('TS_MEAN($volume, 10) - TS_MEAN($volume, 30)', "at 1: unknown operator 'TS_MEAN'");
    expect(second).toMatchObject({ expression: 'Mean($volume, 10) - Mean($volume, 30)', fromKnowledge: true });
    expect(second.explanation).toMatch(/unknown_operator:ts_mean/);
    expect(llm.callsOf('repair')).toHaveLength(1);

    // The knowledge is in the run state: a fresh agent (a restarted process) knows the fix.
    await workshop.flush();
    const stored = await store.getState(REPAIR_KNOWLEDGE_KEY, repairKnowledgeSchema);
    expect(stored!.value.records.filter((r) => r.worked && r.signature === 'unknown_operator:ts_mean').length).toBeGreaterThanOrEqual(1);
    await hosts.pop()!.stop();
    const restarted = await start(() => ({ error: new Error('the model must not be asked') }));
    const third = await restarted.repair('TS_MEAN($high, 3)', "at 1: unknown operator 'TS_MEAN'");
    expect(third).toMatchObject({ expression: 'Mean($high, 3)', fromKnowledge: true });
    expect(restarted.llm.calls).toHaveLength(0);
  });

  it('learns from repair.outcome events published by others', async () => {
    const { llm, repair } = await start(() => ({ error: new Error('the model must not be asked') }));
    run.bus.publish(REPAIR_OUTCOME, { error: "unknown field '$return'", before: '$return / Std($close, 20)', after: '($close / Ref($close, 1) - 1) / Std($close, 20)', worked: true });
    const repaired = async () => repair('Mean($return, 5)', "at 6: unknown field '$return'").catch(() => null);
    let result: RepairResult | null = null;
    await waitUntil(async () => (result = await repaired()) !== null, 5000, 'the event to be learnt');
    expect(result).toMatchObject({ expression: 'Mean(($close / Ref($close, 1) - 1), 5)', fromKnowledge: true });
    expect(llm.calls).toHaveLength(0);
  });

  it('shows similar past fixes to the model when no known fix replays', async () => {
    const { llm, repair } = await start((_role, input) =>
      ({ reply: { expression: input.expression.replaceAll('TS_MEAN', 'Mean').replaceAll('TS_STD', 'Std'), explanation: 'renamed' } }));
    await repair('TS_MEAN($close, 5) / $close', "at 1: unknown operator 'TS_MEAN'");
    const other = await repair('TS_STD($close, 20) / $close', "at 1: unknown operator 'TS_STD'");
    expect(other).toMatchObject({ expression: 'Std($close, 20) / $close', fromKnowledge: false });
    expect(llm.calls[1]!.input.similarFixes).toEqual([{ error: "at 1: unknown operator 'TS_MEAN'", before: 'TS_MEAN($close, 5) / $close', after: 'Mean($close, 5) / $close' }]);
  });

  it('asks once more with the new error when the first repair does not compile', async () => {
    const { llm, repair } = await start((_role, _input, call) =>
      ({ reply: call === 0 ? { expression: 'Mean($close) / $close', explanation: 'renamed' } : { expression: 'Mean($close, 5) / $close', explanation: 'added the window' } }));
    const result = await repair('TS_MEAN($close, 5) / $close', "at 1: unknown operator 'TS_MEAN'");
    expect(result).toMatchObject({ expression: 'Mean($close, 5) / $close', fromKnowledge: false });
    const second = llm.callsOf('repair')[1]!.input;
    expect(second.expression).toBe('Mean($close) / $close');
    expect(second.error).toMatch(/Mean takes 2 arguments/);
  });

  it('fails the task, and reports the failed outcome, when no attempt compiles', async () => {
    const outcomes: Envelope[] = [];
    run.bus.subscribe(REPAIR_OUTCOME, (e) => void outcomes.push(e));
    await run.bus.flush();
    const { llm, repair } = await start(() => ({ reply: { expression: 'Mean($close) / $close', explanation: 'renamed' } }));
    await expect(repair('TS_MEAN($close, 5) / $close', "at 1: unknown operator 'TS_MEAN'")).rejects.toThrow(/could not repair the expression: .*Mean takes 2 arguments.* \(after 2 model attempts\)/);
    expect(llm.callsOf('repair')).toHaveLength(2);
    await waitUntil(() => outcomes.length === 1, 5000, 'the outcome event');
    expect(outcomes[0]!.payload).toMatchObject({ before: 'TS_MEAN($close, 5) / $close', after: 'Mean($close) / $close', worked: false });
  });

  it('fails the task with the reason when the model fails', async () => {
    const { repair } = await start(() => ({ text: '' }));
    await expect(repair('TS_MEAN($close, 5) / $close', "at 1: unknown operator 'TS_MEAN'")).rejects.toThrow(/the repair model failed/);
  });
});
