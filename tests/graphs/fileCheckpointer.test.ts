/**
 * The file checkpointer under a real LangGraph StateGraph: a second process
 * (here: a fresh checkpointer over the same directory) continues where the
 * first stopped, interrupts survive a restart, and old checkpoints are pruned.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Annotation, Command, END, START, StateGraph, interrupt } from '@langchain/langgraph';
import { afterEach, describe, expect, it } from 'vitest';
import { FileCheckpointer, fileToken } from '../../graphs/fileCheckpointer.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'alphaswarm-ckpt-'));
  dirs.push(dir);
  return dir;
}

const State = Annotation.Root({
  log: Annotation<string[]>({ reducer: (a, b) => [...a, ...b], default: () => [] }),
  answer: Annotation<string | null>({ reducer: (_, b) => b, default: () => null }),
});

/** a -> b -> c; `b` fails while `failB` says so; `calls` counts node runs. */
function chain(checkpointer: FileCheckpointer, calls: Record<string, number>, failB: { on: boolean }) {
  const node = (name: string) => async () => {
    calls[name] = (calls[name] ?? 0) + 1;
    if (name === 'b' && failB.on) throw new Error('crash in b');
    return { log: [name] };
  };
  return new StateGraph(State)
    .addNode('a', node('a'))
    .addNode('b', node('b'))
    .addNode('c', node('c'))
    .addEdge(START, 'a')
    .addEdge('a', 'b')
    .addEdge('b', 'c')
    .addEdge('c', END)
    .compile({ checkpointer });
}

describe('FileCheckpointer', () => {
  it('lets a fresh instance over the same directory continue from the last completed node', async () => {
    const dir = tempDir();
    const config = { configurable: { thread_id: 'run-1' } };
    const first: Record<string, number> = {};
    await expect(chain(new FileCheckpointer(dir), first, { on: true }).invoke({}, config)).rejects.toThrow('crash in b');
    expect(first).toEqual({ a: 1, b: 1 });

    const second: Record<string, number> = {};
    const resumed = await chain(new FileCheckpointer(dir), second, { on: false }).invoke(null, config);
    expect(second).toEqual({ b: 1, c: 1 }); // a is not run again
    expect(resumed.log).toEqual(['a', 'b', 'c']);

    const state = await chain(new FileCheckpointer(dir), {}, { on: false }).getState(config);
    expect(state.values.log).toEqual(['a', 'b', 'c']);
    expect(state.next).toEqual([]);
  });

  it('keeps an interrupt across a restart and resumes it with a Command', async () => {
    const dir = tempDir();
    const config = { configurable: { thread_id: 'run-2' } };
    const build = (checkpointer: FileCheckpointer) =>
      new StateGraph(State)
        .addNode('ask', async () => ({ log: ['ask'] }))
        .addNode('review', async () => {
          const answer = interrupt({ question: 'approve?' }) as string;
          return { answer, log: ['review'] };
        })
        .addEdge(START, 'ask')
        .addEdge('ask', 'review')
        .addEdge('review', END)
        .compile({ checkpointer });
    const paused = (await build(new FileCheckpointer(dir)).invoke({}, config)) as Record<string, unknown>;
    expect(paused.__interrupt__).toEqual([expect.objectContaining({ value: { question: 'approve?' } })]);

    const graph = build(new FileCheckpointer(dir));
    const waiting = await graph.getState(config);
    expect(waiting.next).toEqual(['review']);
    expect(waiting.tasks[0]?.interrupts[0]?.value).toEqual({ question: 'approve?' });
    const done = await graph.invoke(new Command({ resume: 'yes' }), config);
    expect(done).toMatchObject({ answer: 'yes', log: ['ask', 'review'] });
  });

  it('prunes to the last `keep` checkpoints and leaves no temporary files', async () => {
    const dir = tempDir();
    const config = { configurable: { thread_id: 'run/3' } };
    await chain(new FileCheckpointer(dir, { keep: 2 }), {}, { on: false }).invoke({}, config);
    const nsDir = join(dir, fileToken('run/3'), fileToken(''));
    const files = readdirSync(nsDir);
    expect(files.filter((f) => f.endsWith('.json'))).toHaveLength(2);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const history = [];
    for await (const tuple of new FileCheckpointer(dir).list(config)) history.push(tuple.metadata?.step);
    expect(history).toEqual([3, 2]); // newest first
  });

  it('names files safely for any thread id', () => {
    expect(fileToken('')).toBe('%');
    expect(fileToken('a/b')).toBe('a%2Fb');
    expect(fileToken('..')).toBe('%2E.');
    expect(fileToken('x~1')).toBe('x%7E1');
    expect(decodeURIComponent(fileToken('é/~'))).toBe('é/~');
  });
});
