/**
 * curate: the librarian decides which offered factors join the library
 * (structural and output-correlation redundancy, Hubble's family and
 * similarity penalties) and stores each accepted one exactly once under its
 * content hash. library.json is then rebuilt from the store. The scheduler
 * learns how its assignments did (schedule.feedback).
 */
import type { LibraryEntry, Trajectory } from '../../agents/domain.js';
import { LIBRARIAN, acceptResultSchema } from '../../agents/protocol.js';
import { hashCanonical } from '../../operators/index.js';
import type { SwarmDeps } from '../deps.js';
import type { Incident, LibrarySummary, SwarmStateType } from '../state.js';
import { withStep } from '../trajectories.js';
import { Changes, node } from './common.js';
import { performanceState as stateVector } from './schedule.js';

/** Library entries per library.accept (keeps an envelope well under the bus's 256 KiB). */
const ACCEPT_BYTES = 120_000;
/**
 * Candidates per library.accept: the librarian asks the evaluator for every
 * correlated pair among them and with the library, and pairs among candidates
 * grow with the square of their number (the answer lists at most 2000).
 */
const ACCEPT_CANDIDATES = 24;

/** The library entry for an oriented, evaluated trajectory. Its id is the content hash of the expression. */
export function libraryEntryOf(t: Trajectory, complexity: number): LibraryEntry {
  return {
    id: hashCanonical(t.expression!),
    name: t.name ?? t.id,
    expression: t.expression!,
    hypothesis: t.hypothesis,
    description: t.description ?? t.hypothesis,
    family: t.family ?? 'other',
    specialist: t.specialist,
    origin: t.origin,
    parents: [...t.parents],
    generation: t.generation,
    trajectory: t.id,
    metrics: t.metrics!,
    complexity,
  };
}

export function curate(deps: SwarmDeps) {
  return node(deps, 'curate', async (state, { calls }) => {
    const changes = new Changes();
    const incidents: Incident[] = [];
    const offered = state.toLibrary.map((tid) => state.trajectories[tid]!).filter((t) => t !== undefined && t.status !== 'rejected' && t.metrics !== null);
    const candidates = offered.map((t) => ({ entry: libraryEntryOf(t, state.checks[t.id]?.complexity ?? 0), libraryCorrelation: state.checks[t.id]?.libraryCorrelation ?? null }));
    const chunks: (typeof candidates)[] = [];
    let size = 0;
    for (const c of candidates) {
      const bytes = JSON.stringify(c).length;
      if (chunks.length === 0 || size + bytes > ACCEPT_BYTES || chunks.at(-1)!.length >= ACCEPT_CANDIDATES) {
        chunks.push([]);
        size = 0;
      }
      chunks.at(-1)!.push(c);
      size += bytes;
    }
    const accepted = new Set<string>();
    const reasons = new Map<string, string>();
    // One chunk after another: the librarian must see each chunk's acceptances before judging the next.
    for (const [k, chunk] of chunks.entries()) {
      const answer = await calls.ask(LIBRARIAN, { generation: state.generation, candidates: chunk }, acceptResultSchema, {
        id: [`g${state.generation}`, 'accept', k],
        timeoutMs: deps.timeouts.evaluate,
        retries: deps.timeouts.retries,
      });
      if (!answer.ok) {
        incidents.push({ stage: 'curate', agent: LIBRARIAN.queue, reason: answer.reason });
        chunk.forEach((c) => reasons.set(c.entry.id, `the librarian did not answer: ${answer.reason}`));
        continue;
      }
      answer.value.accepted.forEach((a) => accepted.add(a));
      answer.value.rejected.forEach((r) => reasons.set(r.id, r.reason));
    }
    for (const t of offered) {
      const entryId = hashCanonical(t.expression!);
      if (accepted.has(entryId)) {
        changes.set({ ...withStep(t, { kind: 'select', agent: LIBRARIAN.queue, action: 'accepted into the library', result: `library entry ${entryId}`, ok: true }), status: 'accepted', rejection: null });
      } else {
        const reason = reasons.get(entryId) ?? 'not accepted by the librarian';
        changes.set({ ...withStep(t, { kind: 'select', agent: LIBRARIAN.queue, action: 'not accepted into the library', result: reason, ok: false }), rejection: { stage: 'library', reason } });
      }
    }
    const entries = await deps.outputs.readLibrary(deps.store);
    deps.outputs.writeLibrary(entries);
    // The librarian may retire an earlier entry when a better, correlated one arrives.
    const current = new Set(entries.map((e) => e.id));
    for (const t of Object.values(state.trajectories)) {
      if (t.status !== 'accepted' || t.expression === null || current.has(hashCanonical(t.expression)) || changes.trajectories[t.id]) continue;
      const reason = 'retired from the library (a better, correlated factor replaced it)';
      changes.set({ ...withStep(t, { kind: 'select', agent: LIBRARIAN.queue, action: 'retired', result: reason, ok: false }), status: 'elite', rejection: { stage: 'library', reason } });
    }
    const library = summarise(entries);
    publishFeedback(deps, state, { ...state.trajectories, ...changes.trajectories }, library);
    return { ...changes.update, library, incidents: [...state.incidents, ...incidents] };
  });
}

export function summarise(entries: readonly LibraryEntry[]): LibrarySummary {
  const families: Record<string, number> = {};
  for (const e of entries) families[e.family] = (families[e.family] ?? 0) + 1;
  return { size: entries.length, families };
}

/**
 * The scheduler's rewards: 1 for a proposal that reached the library, 0.5
 * for one that qualified (a parent), 0 otherwise; the factor-or-model arm
 * gets the library's growth (new entries per slot).
 */
function publishFeedback(deps: SwarmDeps, state: SwarmStateType, trajectories: Readonly<Record<string, Trajectory>>, library: LibrarySummary): void {
  if (state.assignments.length === 0) return;
  const groups = new Map<string, { specialist: string; guidanceMode: (typeof state.assignments)[number]['guidanceMode']; direction: number; rewards: number[] }>();
  for (const t of Object.values(trajectories)) {
    if (t.generation !== state.generation || !(t.origin === 'init' || t.origin === 'injection' || t.origin === 'attached')) continue;
    const slot = state.assignments.find((a) => a.specialist === t.specialist && a.guidanceMode === t.guidanceMode && (state.directions[a.direction]?.title ?? null) === t.direction);
    if (slot === undefined) continue;
    const key = `${slot.specialist}|${slot.guidanceMode}|${slot.direction}`;
    const g = groups.get(key) ?? { specialist: slot.specialist, guidanceMode: slot.guidanceMode, direction: slot.direction, rewards: [] };
    g.rewards.push(t.status === 'accepted' ? 1 : t.status === 'qualified' || t.status === 'elite' ? 0.5 : 0);
    groups.set(key, g);
  }
  const outcomes = [...groups.values()].flatMap((g) => g.rewards.map((reward) => ({ specialist: g.specialist, guidanceMode: g.guidanceMode, direction: g.direction, reward }))).slice(0, 512);
  const growth = (library.size - state.library.size) / Math.max(1, state.assignments.length);
  try {
    deps.bus.publish('schedule.feedback', { outcomes, action: { action: state.action, state: stateVector(state), reward: growth } });
  } catch (err) {
    deps.bus.log(`alphaswarm: could not publish schedule feedback: ${(err as Error).message}`);
  }
}
