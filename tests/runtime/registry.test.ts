import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bus } from '../../runtime/bus.js';
import { AgentRegistry, announcePresence } from '../../runtime/registry.js';
import { startTestRun, type TestRun } from './helpers.js';

let run: TestRun;
beforeEach(async () => {
  run = await startTestRun();
});
afterEach(async () => run.close());

const identity = (name: string) => ({ role: 'evaluator', name, level: null, capabilities: ['ic'], version: '1' });

describe('AgentRegistry', () => {
  it('discovers agents that were there before it started (they answer the ping)', async () => {
    const other = await Bus.connect({ natsUrl: run.info.nats, run: run.run, name: 'eval-a', log: () => {} });
    const presence = await announcePresence(other, identity('eval-a'), { heartbeatMs: 60_000 });
    const registry = await AgentRegistry.open(run.bus);
    // The agent beats only once a minute: only the discovery ping can make it known this fast.
    const joined = await registry.waitForAgent((r) => r.status === 'alive', 2000);
    expect(joined.presence).toMatchObject({ name: 'eval-a', role: 'evaluator', heartbeatMs: 60_000 });
    await presence.leave();
    registry.close();
    await other.close();
  });

  it('marks an agent gone after three missed beats, and back when it beats again', async () => {
    const registry = await AgentRegistry.open(run.bus);
    const changes: string[] = [];
    registry.onChange((c) => changes.push(c.kind));
    const other = await Bus.connect({ natsUrl: run.info.nats, run: run.run, name: 'eval-b', log: () => {} });
    const presence = await announcePresence(other, identity('eval-b'), { heartbeatMs: 200 });
    await registry.waitForAgent((r) => r.status === 'alive', 2000);
    // Silence it without a goodbye, as a crash would (its connection drops).
    await other.close();
    const silencedAt = Date.now();
    await registry.waitForAgent((r) => r.status === 'gone', 3000);
    expect(Date.now() - silencedAt).toBeGreaterThanOrEqual(400);
    expect(registry.agents()).toHaveLength(0);
    expect(registry.all()).toHaveLength(1);
    // A beat from the same incarnation brings it back.
    const again = await Bus.connect({ natsUrl: run.info.nats, run: run.run, name: 'eval-b', log: () => {} });
    again.sendTo(`as.${run.run}.live.heartbeat`, again.envelope({ type: 'agent.heartbeat', payload: presence.presence }));
    expect((await registry.waitForAgent((r) => r.status === 'alive', 2000)).presence.instance).toBe(presence.presence.instance);
    expect(changes).toEqual(['joined', 'gone', 'returned']);
    registry.close();
    await again.close();
  });
});
