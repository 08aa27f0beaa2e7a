import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VERIFIER } from '../../agents/protocol.js';
import { DEFAULT_VERIFIER_OPTIONS, VERIFIER_IDENTITY, deterministicGates, verifierMachine, type VerifyResult } from '../../agents/verifier.js';
import { ReferenceTable } from '../../agents/libraryReferences.js';
import { hostActor, type HostedActor } from '../../runtime/actorHost.js';
import { RunStore } from '../../runtime/runStore.js';
import { libraryEntry, scriptedLlm, seedLibrary, startTestRun, type Script, type TestRun } from './helpers.js';

const judgeSays = (verdict: object): Script => () => ({ reply: { consistent: true, sound: true, failingStep: null, reasons: [], ...verdict } });

describe('deterministic gates', () => {
  it('reject an expression whose canonical form (what library.json would hold) exceeds 2000 characters', () => {
    const long = Array.from({ length: 76 }, () => '$close*0.1234567890123456').join('+');
    const references = new ReferenceTable([], { limits: { maxNodes: 400, maxDepth: 100 } });
    const outcome = deterministicGates({ trajectory: 't', hypothesis: 'h', description: 'd', expression: long }, { entries: [], references }, DEFAULT_VERIFIER_OPTIONS);
    expect(outcome).toEqual({
      passed: false,
      result: {
        ok: false,
        stage: 'compile',
        canonical: null,
        complexity: null,
        similarity: null,
        failingStep: 'expression',
        reasons: ['the expression is 2277 characters long in canonical form (library references expanded); the limit is 2000'],
      },
    });
  });
});

describe('verifier agent', () => {
  let run: TestRun;
  let store: RunStore;
  let hosted: HostedActor | null = null;
  beforeEach(async () => {
    run = await startTestRun();
    store = await RunStore.open(run.bus);
    await seedLibrary(store, [libraryEntry('pv20', 'pv_corr_20', 'Corr($close, Log($volume+1), 20)')]);
  });
  afterEach(async () => {
    await hosted?.stop();
    hosted = null;
    await run.close();
  });

  async function start(script: Script, options: { complexityCap?: number } = {}) {
    const llm = scriptedLlm(script);
    hosted = await hostActor(run.bus, verifierMachine({ model: llm.model, store, options }), VERIFIER_IDENTITY);
    const verify = async (expression: string, words = { hypothesis: 'Volume-confirmed trends persist.', description: 'Price-volume correlation scaled by volatility.' }) =>
      (await run.bus.request(VERIFIER.queue, VERIFIER.task, { trajectory: 'tr-1', ...words, expression }, { timeoutMs: 10_000 })).payload as VerifyResult;
    return { llm, verify };
  }

  it('gate 1, compile: unknown operators and look-ahead fail on the expression, before any model call', async () => {
    const { llm, verify } = await start(judgeSays({}));
    const unknown = await verify('TS_MEAN($close, 5) / $close');
    expect(unknown).toMatchObject({ ok: false, stage: 'compile', canonical: null, complexity: null, similarity: null, failingStep: 'expression' });
    expect(unknown.reasons[0]).toMatch(/^at 1: unknown operator 'TS_MEAN'/);
    const future = await verify('Ref($close, -1) / $close');
    expect(future).toMatchObject({ ok: false, stage: 'compile', failingStep: 'expression' });
    expect(future.reasons[0]).toMatch(/future|look-ahead|negative/i);
    expect(llm.calls).toHaveLength(0);
  });

  it('gate 2, complexity: C(f) above the cap, checked before redundancy', async () => {
    const { llm, verify } = await start(judgeSays({}), { complexityCap: 9 });
    // Div, Mean, $close, 5, Std, $close, 20: 7 nodes + 2 parameters + ln(1 + 1 field).
    const result = await verify('Mean($close, 5) / Std($close, 20)');
    expect(result).toMatchObject({ ok: false, stage: 'complexity', canonical: 'Mean($close, 5) / Std($close, 20)', similarity: null, failingStep: 'expression' });
    expect(result.complexity).toBeCloseTo(9 + Math.log(2), 12);
    // A copy of the library factor (7 nodes, 2 parameters, 2 fields: C = 10.1) fails complexity first.
    expect(await verify('Corr($close, Log($volume+1), 20)')).toMatchObject({ stage: 'complexity' });
    expect(llm.calls).toHaveLength(0);
  });

  it('gate 3, redundancy: the share of the candidate that repeats a library factor, with the entry', async () => {
    const { llm, verify } = await start(judgeSays({}));
    // Abs(...) around the library factor: 7 of 8 nodes repeat it.
    const result = await verify('Abs(Corr($close, Log($volume + 1), 20))');
    expect(result).toMatchObject({ ok: false, stage: 'redundancy', failingStep: 'expression', similarity: { entry: 'pv20', normalized: 7 / 8 } });
    expect(result.reasons[0]).toMatch(/pv20/);
    expect(llm.calls).toHaveLength(0);
  });

  it('expands library references, then asks the judge about the expanded expression', async () => {
    const { llm, verify } = await start(judgeSays({}));
    const result = await verify('$pv_corr_20 / Std($close, 20)');
    // Div + the 7 nodes of the library factor + Std, $close, 20: 7 of 11 nodes shared.
    expect(result).toMatchObject({
      ok: true,
      stage: null,
      canonical: 'Corr($close, Log($volume + 1), 20) / Std($close, 20)',
      similarity: { entry: 'pv20', normalized: 7 / 11 },
      failingStep: null,
      reasons: [],
    });
    expect(llm.callsOf('judge')).toHaveLength(1);
    const input = llm.calls[0]!.input;
    expect(input.expression).toBe('Corr($close, Log($volume + 1), 20) / Std($close, 20)');
    expect(input.facts).toMatch(/Fields read: \$close, \$volume\./);
    expect(input.facts).toMatch(/Library factors reused \(expanded\): pv_corr_20/);
  });

  it('gate 4, judge: an inconsistent candidate fails on the step the judge names', async () => {
    const { verify } = await start(judgeSays({ consistent: false, failingStep: 'description', reasons: ['the description talks about volume, the expression reads only prices'] }));
    const result = await verify('Mean($close, 5) / Std($close, 20)');
    expect(result).toMatchObject({ ok: false, stage: 'judge', failingStep: 'description', reasons: ['the description talks about volume, the expression reads only prices'] });
    expect(result.canonical).toBe('Mean($close, 5) / Std($close, 20)');
  });

  it('fails the task with the reason when the judge model fails', async () => {
    const { verify } = await start(() => ({ text: 'not json at all' }));
    await expect(verify('Mean($close, 5) / Std($close, 20)')).rejects.toThrow(/the judge model failed \(invalid-json|the judge model failed/);
  });
});
