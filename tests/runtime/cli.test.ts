import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnCli, startTestRun, tempDir, type TestRun } from './helpers.js';

const noNatsUrl = { NATS_URL: '' };
const runs: TestRun[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) await r.close();
});

async function finished(args: string[], env: NodeJS.ProcessEnv = noNatsUrl) {
  const child = spawnCli(args, env);
  const code = await child.exited;
  return { code, stdout: child.lines, stderr: child.errors };
}

function moduleFile(text: string, ext = '.mjs'): string {
  const path = join(tempDir(), `specialist${ext}`);
  writeFileSync(path, text);
  return path;
}

describe('alphaswarm agent: one clear line for every mistake', () => {
  it('names every problem with the exports', async () => {
    const file = moduleFile(`export const name = 'Bad Name'; export const level = 9; export const propose = 'soon';`);
    const r = await finished(['agent', '--nats', 'nats://127.0.0.1:1', '--run', 'r', '--specialist', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(/^alphaswarm: .*specialist\.mjs is not a specialist: name: must be lower-case.*; level: .*; guidance: .*; propose: must be a function$/);
  });

  it('asks for a TypeScript module outside the repository to be compiled', async () => {
    const file = moduleFile(`export const name = 'x';`, '.ts');
    const r = await finished(['agent', '--nats', 'nats://127.0.0.1:1', '--run', 'r', '--specialist', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual([expect.stringMatching(/is TypeScript, which Node 20 cannot load: compile it .* and pass the \.js$/)]);
  });

  it('requires a NATS URL', async () => {
    const r = await finished(['agent', '--run', 'r', '--specialist', 'agents/examples/attach-specialist.ts']);
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual([expect.stringMatching(/--nats is required \(or set NATS_URL\)/)]);
  });

  it('refuses to join a run its credentials are not for', async () => {
    const run = await startTestRun();
    runs.push(run);
    const r = await finished(['agent', '--nats', run.info.nats, '--run', 'someone-elses', '--specialist', 'agents/examples/attach-specialist.ts']);
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual([expect.stringMatching(/^alphaswarm: no access to run 'someone-elses' on nats:\/\/agent:\*\*\*@127\.0\.0\.1:\d+: these credentials are for another run$/)]);
  });

  it('takes the URL from NATS_URL', async () => {
    const run = await startTestRun();
    runs.push(run);
    run.bus.publish('runtime.dead-letter', { reason: 'undecodable', subject: 'as.x.evt.y', size: 1, detail: 'seen by trace', original: {} });
    await run.bus.flush();
    const r = await finished(['trace', '--run', run.run, '--json'], { NATS_URL: run.info.nats });
    expect(r.code).toBe(0);
    expect(r.stdout.map((l) => JSON.parse(l).payload.detail)).toEqual(['seen by trace']);
  });
});

describe('alphaswarm trace', () => {
  it('says when there is no run', async () => {
    const r = await finished(['trace', '--run-dir', join(tempDir(), 'nothing-here')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toEqual([expect.stringMatching(/^alphaswarm: no run at .*nothing-here \(.*run\.json not found\)$/)]);
  });
});
