/**
 * Helpers for the agents' tests: a real nats-server per test (embedded, free
 * port, temporary store), the real actor host, and the real LlmClient over a
 * scripted in-process chat model (the offline seam): the script sees each
 * call's role and input (read from the prompt's context block, as the offline
 * research model does) and answers with a reply, raw text, or an error.
 */
import { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { AIMessage, type BaseMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LlmClient, loadLlmConfig, type LlmConfig } from '../../agents/llm/index.js';
import { swarmEnvironment, type ModelAccess } from '../../agents/modelCall.js';
import { ROLE_KINDS, type RoleName } from '../../agents/roles.js';
import '../../agents/protocol.js';
import { readContextBlock } from '../../prompts/context.js';
import { startBus, type StartedBus } from '../../runtime/start.js';
import type { Envelope } from '../../runtime/envelope.js';
import { msgpackCodec } from '../../runtime/envelope.js';
import { DEFAULT_FIELDS } from '../../operators/fields.js';
import { compileFactor } from '../../operators/compile.js';
import type { LibraryEntry, SplitMetrics } from '../../agents/domain.js';
import { LIBRARY_INDEX_KEY, readLibraryIndex } from '../../agents/library/libraryStore.js';
import type { RunStore } from '../../runtime/runStore.js';

export interface TestRun extends StartedBus {
  readonly dir: string;
  readonly run: string;
  readonly logs: string[];
  close(): Promise<void>;
}

let runCounter = 0;

export async function startTestRun(): Promise<TestRun> {
  const dir = mkdtempSync(join(tmpdir(), 'alphaswarm-agents-'));
  const run = `a${process.pid}-${++runCounter}`;
  const logs: string[] = [];
  const started = await startBus({ run, runDir: dir, log: (line) => void logs.push(line) });
  return {
    ...started,
    dir,
    run,
    logs,
    close: async () => {
      await started.bus.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function waitUntil(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What a script returns for one call: a reply value, raw text, or an error to throw (a transport failure). */
export type ScriptAnswer = { readonly reply: unknown } | { readonly text: string } | { readonly error: Error };
export type Script = (role: RoleName, input: any, call: number) => ScriptAnswer;

/** Every call the scripted model received, in order. */
export interface ModelCall {
  readonly role: RoleName;
  readonly input: any;
  readonly temperature: number;
}

class ScriptedModel extends BaseChatModel {
  constructor(
    private readonly script: Script,
    private readonly calls: ModelCall[],
    private readonly temperature: number,
  ) {
    super({});
  }
  _llmType(): string {
    return 'scripted';
  }
  async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const block = readContextBlock(messages[messages.length - 1]!.text) ?? readContextBlock(messages.map((m) => m.text).join('\n'));
    if (block === null) throw new Error('scripted model: no context block in the prompt');
    const role = block.role as RoleName;
    const index = this.calls.filter((c) => c.role === role).length;
    this.calls.push({ role, input: block.input, temperature: this.temperature });
    const answer = this.script(role, block.input, index);
    if ('error' in answer) throw answer.error;
    const text = 'text' in answer ? answer.text : JSON.stringify(answer.reply);
    return { generations: [{ text, message: new AIMessage(text) }] };
  }
}

export interface ScriptedLlm {
  readonly client: LlmClient;
  readonly calls: ModelCall[];
  readonly model: ModelAccess;
  callsOf(role: RoleName): ModelCall[];
}

/** A real LlmClient (no retries, one re-ask) whose offline model is the script. */
export function scriptedLlm(script: Script, overrides: Partial<LlmConfig> = {}): ScriptedLlm {
  const calls: ModelCall[] = [];
  const base = loadLlmConfig({ env: {}, options: {} });
  const config: LlmConfig = { ...base, maxRetries: 0, maxRepairs: 1, ...overrides };
  const client = new LlmClient({ config, roles: ROLE_KINDS, offlineModel: (settings) => new ScriptedModel(script, calls, settings.temperature), seed: 7 });
  return {
    client,
    calls,
    model: { llm: client, env: swarmEnvironment([...DEFAULT_FIELDS]) },
    callsOf: (role) => calls.filter((c) => c.role === role),
  };
}

/** The run's stored messages on subjects starting with `prefix`, decoded. */
export async function storedMessages(bus: StartedBus['bus'], prefix: string): Promise<Envelope[]> {
  const out: Envelope[] = [];
  const info = await bus.jsm.streams.info(bus.stream);
  for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
    const m = await bus.jsm.streams.getMessage(bus.stream, { seq }).catch(() => null);
    if (m && m.subject.startsWith(prefix)) out.push(msgpackCodec.decode(m.data) as Envelope);
  }
  return out;
}

/** Split metrics for tests: the given values, the rest neutral. */
export function splitMetrics(values: Partial<SplitMetrics> = {}): SplitMetrics {
  return { ic: 0.02, icir: 0.2, rankIc: 0.03, rankIcir: 0.25, mi: 0.02, rankIcT: 2.5, nanRatio: 0.01, days: 200, ...values };
}

export function libraryEntry(id: string, name: string, expression: string, overrides: Partial<LibraryEntry> = {}): LibraryEntry {
  return {
    id,
    name,
    expression,
    hypothesis: `Hypothesis of ${name}.`,
    description: `Description of ${name}.`,
    family: 'momentum',
    specialist: 'daily-trend',
    origin: 'init',
    parents: [],
    generation: 0,
    trajectory: `t-${id}`,
    metrics: { train: splitMetrics(), valid: splitMetrics() },
    complexity: 5,
    ...overrides,
  };
}

/** Stores entries as the librarian would (by the hash of their canonical expression) and moves the library index. */
export async function seedLibrary(store: RunStore, entries: readonly LibraryEntry[]): Promise<string[]> {
  const hashes: string[] = [];
  for (const entry of entries) {
    const compiled = compileFactor(entry.expression);
    if (!compiled.ok) throw new Error(`test library entry ${entry.id} does not compile: ${compiled.error.message}`);
    await store.addLibraryEntry(compiled.hash, entry);
    hashes.push(compiled.hash);
  }
  const index = await readLibraryIndex(store);
  await store.putState(LIBRARY_INDEX_KEY, { ...index, revision: index.revision + 1 });
  return hashes;
}
