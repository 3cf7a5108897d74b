import type { ConnectionOptions } from 'rabbitmq-client';
import type { ConnectionOptions as TlsConnectionOptions } from 'node:tls';
import { ConfigError, FlotillaError } from '@flotilla/core';

/** How to reach the broker. Credentials come from the URL or from the environment, never from logs. */
export interface BrokerOptions {
  /**
   * `amqp://user:password@host:5672/vhost` or `amqps://…` (TLS). Default: `FLOTILLA_BROKER_URL` from the
   * environment, else `amqp://127.0.0.1:5672`. A URL without credentials takes them from
   * `FLOTILLA_BROKER_USER` / `FLOTILLA_BROKER_PASSWORD` (else the broker's `guest`/`guest`).
   */
  readonly url?: string;
  /** TLS options (CA, client certificate, servername…) for `amqps://`; `true` for TLS with the defaults. */
  readonly tls?: boolean | TlsConnectionOptions;
  /** Name shown in the broker's management UI. */
  readonly connectionName?: string;
  /** Reconnect backoff: step and ceiling, ms. Defaults 250 and 5,000. */
  readonly reconnectStepMs?: number;
  readonly reconnectMaxMs?: number;
}

/** The URL with its password replaced by `***`: the only form of a broker URL Flotilla ever prints. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)([^@/]*)@/i, (_match, scheme: string, userinfo: string) => {
    const user = userinfo.split(':')[0] ?? '';
    return `${scheme}${user === '' ? '' : `${decodeURIComponent(user)}:`}***@`;
  });
}

/** Removes every credential that `url` carries from `text` (e.g. a client library's error message). */
export function redactText(text: string, url: string): string {
  let out = text.split(url).join(redactUrl(url));
  const password = /^amqps?:\/\/[^:@/]*:([^@/]*)@/i.exec(url)?.[1];
  if (password !== undefined && password.length > 0) {
    out = out.split(password).join('***');
    const decoded = decodeURIComponent(password);
    if (decoded !== password) out = out.split(decoded).join('***');
  }
  return out;
}

/** How much a connection's socket buffers before the client waits for it to drain. */
export const WRITE_BUFFER_BYTES = 1024 * 1024;

/** Resolves the broker URL and credentials (options, then environment) into rabbitmq-client options. */
export function connectionOptions(
  options: BrokerOptions,
  env: Record<string, string | undefined> = process.env,
): { url: string; client: ConnectionOptions } {
  const url = options.url ?? env.FLOTILLA_BROKER_URL ?? 'amqp://127.0.0.1:5672';
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError('url', 'be an amqp:// or amqps:// URL', redactUrl(url));
  }
  const secure = parsed.protocol === 'amqps:';
  if (!secure && parsed.protocol !== 'amqp:')
    throw new ConfigError('url', 'be an amqp:// or amqps:// URL', redactUrl(url));
  // Passed field by field: given a URL, rabbitmq-client would take its (empty) credentials over the environment's.
  const client: ConnectionOptions = {
    hostname: parsed.hostname,
    port: parsed.port === '' ? (secure ? 5671 : 5672) : Number(parsed.port),
    vhost: decodeURIComponent(parsed.pathname.split('/')[1] ?? '') || '/',
    username:
      parsed.username === '' ? (env.FLOTILLA_BROKER_USER ?? 'guest') : decodeURIComponent(parsed.username),
    password:
      parsed.username === ''
        ? (env.FLOTILLA_BROKER_PASSWORD ?? 'guest')
        : decodeURIComponent(parsed.password),
    retryLow: options.reconnectStepMs ?? 250,
    retryHigh: options.reconnectMaxMs ?? 5_000,
    connectionTimeout: 10_000,
    heartbeat: 10,
    noDelay: true,
    // A turn's writes are held and leave together (TurnCork); past the default 16 KiB the client would
    // stop writing until the socket drains and then send the rest a frame at a time, unbatched.
    // (net.connect takes Duplex options; the client's type for them lists only the TCP ones.)
    socket: { writableHighWaterMark: WRITE_BUFFER_BYTES } as unknown as NonNullable<
      ConnectionOptions['socket']
    >,
    ...(options.connectionName === undefined ? {} : { connectionName: options.connectionName }),
    ...(options.tls === undefined ? (secure ? { tls: true } : {}) : { tls: options.tls }),
  };
  return { url, client };
}

/**
 * Resolves once `consumer` is set up; rejects with the first setup error (a declaration the broker
 * refuses, say), credentials removed, instead of waiting forever while the client retries.
 */
export function whenReady(
  consumer: {
    once(event: string, listener: (arg?: unknown) => void): unknown;
    off(event: string, listener: (arg?: unknown) => void): unknown;
  },
  what: string,
  url: string,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onReady = (): void => {
      consumer.off('error', onError);
      resolve();
    };
    const onError = (error: unknown): void => {
      consumer.off('ready', onReady);
      const message = error instanceof Error ? error.message : String(error);
      reject(new FlotillaError('FLOTILLA_BROKER_UNAVAILABLE', redactText(`${what}: ${message}`, url)));
    };
    consumer.once('ready', onReady);
    consumer.once('error', onError);
  });
}
