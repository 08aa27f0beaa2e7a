/**
 * attachAgent: join a running swarm from any process, on any machine that
 * reaches its NATS server, without restarting anything. The agent announces
 * itself (the supervisor discovers it in the registry), takes tasks from the
 * queue named after it, and on leave() finishes its task in hand, says goodbye
 * and disconnects. Several processes attaching the same agent name share its
 * queue: that is how an agent scales out.
 */
import type { AnyStateMachine } from 'xstate';
import { hostActor, type HostOptions, type HostedActor } from './actorHost.js';
import { Bus, type BusOptions } from './bus.js';
import type { AgentIdentity } from './runtimeMessages.js';

export interface AttachOptions extends BusOptions, HostOptions {
  /** The run's NATS URL (run.json's `nats`). */
  readonly natsUrl: string;
  readonly run: string;
  readonly identity: AgentIdentity;
  readonly machine: AnyStateMachine;
}

export interface AttachedAgent {
  readonly bus: Bus;
  readonly hosted: HostedActor;
  /** Leaves cleanly: drain, goodbye, disconnect. */
  leave(): Promise<void>;
}

export async function attachAgent(options: AttachOptions): Promise<AttachedAgent> {
  const bus = await Bus.connect({ ...options, name: options.identity.name });
  let hosted: HostedActor;
  try {
    hosted = await hostActor(bus, options.machine, options.identity, options);
  } catch (err) {
    await bus.close();
    throw err;
  }
  let leaving: Promise<void> | null = null;
  return {
    bus,
    hosted,
    leave: () =>
      (leaving ??= (async () => {
        await hosted.stop();
        await bus.close();
      })()),
  };
}
