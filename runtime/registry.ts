/**
 * Presence and discovery. An agent announces who it is (role, name, level,
 * capabilities, version, the queues it serves), beats every heartbeatMs, answers
 * discovery pings with a beat, and says goodbye when it leaves. The
 * AgentRegistry is the watching side (the supervisor's): it learns agents from
 * announcements and beats, and marks an agent gone after three missed beats.
 *
 * Announcements and leaves are persisted (they are part of the run's story);
 * beats and pings are not. Beats carry the full presence, so a registry that
 * starts late still learns every live agent within one beat.
 */
import { hostname } from 'node:os';
import type { Bus, BusSubscription } from './bus.js';
import type { Envelope } from './envelope.js';
import { newMessageId } from './names.js';
import { RUNTIME_TYPES, agentIdentitySchema, type AgentIdentity, type Presence } from './runtimeMessages.js';
import { subjects } from './subjects.js';

export interface PresenceOptions {
  readonly heartbeatMs?: number;
  readonly queues?: readonly string[];
  readonly events?: readonly string[];
}

export interface PresenceHandle {
  readonly presence: Presence;
  /** Stops beating and announces the departure. */
  leave(): Promise<void>;
}

/** Makes an agent known to the run until leave(). */
export async function announcePresence(bus: Bus, identity: AgentIdentity, options: PresenceOptions = {}): Promise<PresenceHandle> {
  const presence: Presence = {
    ...agentIdentitySchema.parse(identity),
    instance: newMessageId(),
    host: hostname(),
    pid: process.pid,
    queues: [...(options.queues ?? [])],
    events: [...(options.events ?? [])],
    heartbeatMs: options.heartbeatMs ?? 2000,
  };
  const beat = (): void => {
    try {
      bus.sendTo(subjects.heartbeat(bus.run), bus.envelope({ type: RUNTIME_TYPES.heartbeat, payload: presence, from: presence.name }));
    } catch (err) {
      bus.log(`alphaswarm: ${presence.name} could not beat: ${(err as Error).message}`);
    }
  };
  bus.sendTo(subjects.announce(bus.run), bus.envelope({ type: RUNTIME_TYPES.announce, payload: presence, from: presence.name }));
  const timer = setInterval(beat, presence.heartbeatMs);
  timer.unref();
  const pings = bus.listen(subjects.discover(bus.run), beat);
  await bus.flush();
  let left = false;
  return {
    presence,
    leave: async () => {
      if (left) return;
      left = true;
      clearInterval(timer);
      pings.unsubscribe();
      if (bus.nc.isClosed()) return;
      bus.sendTo(subjects.leave(bus.run), bus.envelope({ type: RUNTIME_TYPES.leave, payload: { instance: presence.instance, name: presence.name }, from: presence.name }));
      await bus.flush();
    },
  };
}

export type AgentStatus = 'alive' | 'gone' | 'left';

export interface AgentRecord {
  readonly presence: Presence;
  readonly status: AgentStatus;
  /** Time (ms since the epoch) of the last announcement or beat. */
  readonly lastSeen: number;
}

export interface RegistryChange {
  /** joined: first seen; returned: beating again after being gone; gone: three beats missed; left: said goodbye. */
  readonly kind: 'joined' | 'returned' | 'gone' | 'left';
  readonly agent: AgentRecord;
}

export interface AgentFilter {
  readonly role?: string;
  readonly name?: string;
}

export class AgentRegistry {
  readonly #records = new Map<string, AgentRecord>();
  readonly #listeners = new Set<(change: RegistryChange) => void>();
  readonly #subscriptions: BusSubscription[];
  readonly #sweeper: NodeJS.Timeout;

  private constructor(private readonly bus: Bus, sweepMs: number) {
    this.#subscriptions = [
      bus.listen(subjects.announce(bus.run), (e) => this.#seen(e), checkType(RUNTIME_TYPES.announce)),
      bus.listen(subjects.heartbeat(bus.run), (e) => this.#seen(e), checkType(RUNTIME_TYPES.heartbeat)),
      bus.listen(subjects.leave(bus.run), (e) => this.#left(e), checkType(RUNTIME_TYPES.leave)),
    ];
    this.#sweeper = setInterval(() => this.#sweep(), sweepMs);
    this.#sweeper.unref();
  }

  /** Starts watching the run's agents and pings the ones already there. */
  static async open(bus: Bus, options: { readonly sweepMs?: number } = {}): Promise<AgentRegistry> {
    const registry = new AgentRegistry(bus, options.sweepMs ?? 100);
    await bus.flush();
    registry.ping();
    return registry;
  }

  /** Asks every live agent to beat now. */
  ping(): void {
    this.bus.sendTo(subjects.discover(this.bus.run), this.bus.envelope({ type: RUNTIME_TYPES.discover, payload: {} }));
  }

  /** Live agents, optionally of one role or name. */
  agents(filter: AgentFilter = {}): AgentRecord[] {
    return this.all().filter((r) => r.status === 'alive' && (filter.role === undefined || r.presence.role === filter.role) && (filter.name === undefined || r.presence.name === filter.name));
  }

  /** Every agent seen, including gone and departed ones. */
  all(): AgentRecord[] {
    return [...this.#records.values()];
  }

  onChange(listener: (change: RegistryChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Resolves with an agent whose record matches `predicate`: at once if one
   * does now, else at the first change that makes one match (so there is no
   * race with changes that happened before the call).
   */
  waitForAgent(predicate: (record: AgentRecord) => boolean, timeoutMs: number): Promise<AgentRecord> {
    const now = this.all().find(predicate);
    if (now !== undefined) return Promise.resolve(now);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`registry: no matching agent within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = this.onChange((change) => {
        if (!predicate(change.agent)) return;
        clearTimeout(timer);
        off();
        resolve(change.agent);
      });
    });
  }

  close(): void {
    clearInterval(this.#sweeper);
    this.#subscriptions.forEach((s) => s.unsubscribe());
    this.#listeners.clear();
  }

  #seen(envelope: Envelope): void {
    const presence = envelope.payload as Presence;
    const before = this.#records.get(presence.instance);
    if (before?.status === 'left') return; // a beat that crossed the goodbye
    const record: AgentRecord = { presence, status: 'alive', lastSeen: Date.now() };
    this.#records.set(presence.instance, record);
    if (before === undefined) this.#emit({ kind: 'joined', agent: record });
    else if (before.status === 'gone') this.#emit({ kind: 'returned', agent: record });
  }

  #left(envelope: Envelope): void {
    const { instance } = envelope.payload as { instance: string };
    const before = this.#records.get(instance);
    if (before === undefined || before.status === 'left') return;
    const record: AgentRecord = { ...before, status: 'left' };
    this.#records.set(instance, record);
    this.#emit({ kind: 'left', agent: record });
  }

  #sweep(): void {
    const now = Date.now();
    for (const [instance, record] of this.#records) {
      if (record.status === 'alive' && now - record.lastSeen > 3 * record.presence.heartbeatMs) {
        const gone: AgentRecord = { ...record, status: 'gone' };
        this.#records.set(instance, gone);
        this.#emit({ kind: 'gone', agent: gone });
      }
    }
  }

  #emit(change: RegistryChange): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (err) {
        this.bus.log(`alphaswarm: registry listener failed: ${(err as Error).message}`);
      }
    }
  }
}

const checkType =
  (type: string) =>
  (e: Envelope): string | null =>
    e.type === type ? null : `type ${e.type} where ${type} belongs`;
