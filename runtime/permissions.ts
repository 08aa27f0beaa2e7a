/**
 * Who may do what on the run's NATS server. Two roles:
 *   owner  the process that runs the swarm (supervisor, librarian): everything.
 *   agent  attached agents and trace viewers: the run's own subjects, taking
 *          tasks from and acking its work queues, reading its stream and the
 *          library; never writing the library or the run state (no `$KV.>`
 *          publishes), never deleting or rewriting streams or consumers.
 * The embedded server is configured from this; for an external server, give
 * `agentPermissions(run)` to its operator.
 */
import { subjects, jetstreamNames } from './subjects.js';

export type Role = 'owner' | 'agent';

export interface RoleCredentials {
  readonly user: string;
  readonly password: string;
}

export type Credentials = Readonly<Record<Role, RoleCredentials>>;

export interface Permissions {
  readonly publish: { readonly allow: readonly string[] };
  readonly subscribe: { readonly allow: readonly string[] };
}

export function agentPermissions(run: string): Permissions {
  const stream = jetstreamNames.stream(run);
  const readOnlyKv = [jetstreamNames.libraryBucket(run), jetstreamNames.stateBucket(run)].flatMap((bucket) => [
    `$JS.API.STREAM.INFO.KV_${bucket}`,
    `$JS.API.STREAM.MSG.GET.KV_${bucket}`,
    `$JS.API.DIRECT.GET.KV_${bucket}.>`,
  ]);
  return {
    publish: {
      allow: [
        subjects.all(run),
        '$JS.API.INFO',
        `$JS.API.STREAM.INFO.${stream}`,
        `$JS.API.STREAM.MSG.GET.${stream}`,
        // Consumers: ephemeral ones (trace) and the durable work-queue consumers; never delete.
        `$JS.API.CONSUMER.CREATE.${stream}`,
        `$JS.API.CONSUMER.CREATE.${stream}.>`,
        `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.>`,
        `$JS.API.CONSUMER.INFO.${stream}.>`,
        `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`,
        `$JS.ACK.${stream}.>`,
        ...readOnlyKv,
      ],
    },
    subscribe: { allow: [subjects.all(run), '_INBOX.>'] },
  };
}

/** The `authorization` block of a nats-server configuration (JSON is valid NATS config syntax). */
export function authorizationConfig(run: string, credentials: Credentials): string {
  const users = [
    { user: credentials.owner.user, password: credentials.owner.password },
    { user: credentials.agent.user, password: credentials.agent.password, permissions: agentPermissions(run) },
  ];
  return `authorization: ${JSON.stringify({ users }, null, 2)}`;
}
