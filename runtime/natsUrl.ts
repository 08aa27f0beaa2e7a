/**
 * NATS URLs: `nats://user:password@host:port` (or `nats://token@host:port`).
 * nats.js takes credentials as separate options, so they are split off here;
 * and a URL that reaches beyond loopback without credentials is refused before
 * anything is sent.
 */
import type { ConnectionOptions } from 'nats';

export interface NatsEndpoint {
  /** `host:port`, what nats.js connects to. */
  readonly server: string;
  readonly host: string;
  readonly port: number;
  readonly user?: string;
  readonly pass?: string;
  readonly token?: string;
}

export class NatsUrlError extends Error {
  override readonly name = 'NatsUrlError';
}

export function parseNatsUrl(url: string): NatsEndpoint {
  const withScheme = /^[a-z]+:\/\//i.test(url) ? url : `nats://${url}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw new NatsUrlError(`not a NATS URL: '${redactNatsUrl(url)}' (expected nats://[user:password@]host:port)`);
  }
  if (parsed.protocol !== 'nats:') throw new NatsUrlError(`unsupported scheme '${parsed.protocol}' in '${redactNatsUrl(url)}' (use nats://)`);
  const port = parsed.port === '' ? 4222 : Number(parsed.port);
  const host = parsed.hostname;
  const endpoint: { -readonly [K in keyof NatsEndpoint]: NatsEndpoint[K] } = { server: `${host}:${port}`, host, port };
  const user = decodeURIComponent(parsed.username);
  const pass = decodeURIComponent(parsed.password);
  if (user !== '' && pass !== '') {
    endpoint.user = user;
    endpoint.pass = pass;
  } else if (user !== '') {
    endpoint.token = user;
  }
  return endpoint;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

export function hasCredentials(endpoint: NatsEndpoint): boolean {
  return endpoint.token !== undefined || endpoint.user !== undefined;
}

/** The URL with its password or token replaced, for messages and logs. */
export function redactNatsUrl(url: string): string {
  return url.replace(/(\/\/[^:@/]+):[^@/]*@/, '$1:***@').replace(/(\/\/)([^:@/]+)@/, '$1***@');
}

export function natsUrlToString(endpoint: NatsEndpoint): string {
  const auth =
    endpoint.user !== undefined
      ? `${encodeURIComponent(endpoint.user)}:${encodeURIComponent(endpoint.pass ?? '')}@`
      : endpoint.token !== undefined
        ? `${encodeURIComponent(endpoint.token)}@`
        : '';
  return `nats://${auth}${endpoint.server}`;
}

/** `--nats URL` when given, else the NATS_URL environment variable, else undefined (start an embedded server). */
export function natsUrlFromEnvironment(option: string | undefined, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (option !== undefined && option !== '') return option;
  const fromEnv = env.NATS_URL;
  return fromEnv === undefined || fromEnv === '' ? undefined : fromEnv;
}

/** nats.js options for a URL; refuses a server beyond loopback without credentials. */
export function connectionOptions(url: string, name: string): ConnectionOptions {
  const endpoint = parseNatsUrl(url);
  if (!isLoopbackHost(endpoint.host) && !hasCredentials(endpoint)) {
    throw new NatsUrlError(
      `refusing to use ${endpoint.server} without credentials: a NATS server reachable beyond loopback must require them (nats://user:password@host:port)`,
    );
  }
  return {
    servers: endpoint.server,
    name,
    ...(endpoint.user !== undefined ? { user: endpoint.user, pass: endpoint.pass ?? '' } : {}),
    ...(endpoint.token !== undefined ? { token: endpoint.token } : {}),
    // Agents outlive restarts of the run's server: keep trying, quickly.
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    pingInterval: 10_000,
  };
}
