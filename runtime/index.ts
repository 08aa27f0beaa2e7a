/**
 * The runtime's public API: what the swarm and its agents build on. The
 * runtime moves envelopes and hosts actors; it knows nothing about factors
 * beyond "library entries keyed by a content hash".
 */
import './runtimeMessages.js';

export { startBus, reopenRun, DEDUP_WINDOW_MS, type StartBusOptions, type StartedBus } from './start.js';
export {
  Bus,
  DEFAULT_MAX_ENVELOPE_BYTES,
  MessageError,
  RequestTimeoutError,
  TaskFailedError,
  type BusOptions,
  type BusSubscription,
  type ConnectOptions,
  type Listener,
  type RequestOptions,
  type SendOptions,
} from './bus.js';
export { createEnvelope, envelopeSchema, msgpackCodec, jsonCodec, type Codec, type Envelope, type EnvelopeFields } from './envelope.js';
export { MessageSchemas, messageSchemas, describeIssues, type PayloadSchema } from './schemas.js';
export { subjects, jetstreamNames } from './subjects.js';
export { newMessageId, newRunId, checkRunId, checkAgentName, checkMessageType, NameError } from './names.js';
export {
  RUNTIME_TYPES,
  DEAD_LETTER_REASONS,
  agentIdentitySchema,
  type AgentIdentity,
  type DeadLetterPayload,
  type DeadLetterReason,
  type Presence,
} from './runtimeMessages.js';
export { declareWorkQueue, type TaskHandler, type TaskResult, type ServeOptions, type WorkServer } from './workQueue.js';
export { hostActor, reply, fail, publish, type BusEvent, type HostOptions, type HostedActor, type Outbound } from './actorHost.js';
export { attachAgent, type AttachOptions, type AttachedAgent } from './attach.js';
export { AgentRegistry, announcePresence, type AgentRecord, type AgentStatus, type RegistryChange, type PresenceHandle } from './registry.js';
export { RunStore, RunStoreError, type Versioned } from './runStore.js';
export { readTrace, traceJson, traceLine, type TraceEntry, type TraceOptions } from './trace.js';
export { readRunInfo, runInfoPath, type RunInfo } from './runDir.js';
export { natsUrlFromEnvironment, redactNatsUrl } from './natsUrl.js';
export { agentPermissions, type Role } from './permissions.js';
export { findNatsServerBinary, NatsServerError, NATS_INSTALL_HINT, type EmbeddedServer } from './natsServer.js';
