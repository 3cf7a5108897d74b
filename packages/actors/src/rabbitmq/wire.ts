import { deserialize, serialize } from 'node:v8';
import type { SerializedError } from '@flotilla/core';
import type { HostEvent } from '../protocol/messages.js';
import { VERSION_HEADER } from './topology.js';

/**
 * What travels through the broker. Bodies are V8-serialized (the structured-clone algorithm worker
 * threads use), so a payload or result that works on worker threads works across machines too, with
 * the same refusals. The message `type` property says which body follows; every message carries the
 * protocol version in a header, and a reader refuses what it cannot read instead of misreading it.
 */
export const CONTENT_TYPE = 'application/x-flotilla-v8';

/**
 * The body of a task message: one attempt each of one or more tasks of the same type and priority, in
 * columns (`replyTo` = their delegator). Several tasks in one message cost the broker one publish, one
 * delivery and one acknowledgement instead of one each, which is most of what a short task costs.
 */
export interface TaskBundle {
  readonly runIds: readonly number[];
  readonly taskIds: readonly string[];
  readonly attempts: readonly number[];
  readonly payloads: readonly unknown[];
}

/** Delegator → agent processes, on the control exchange. */
export type ControlMessage =
  | { readonly kind: 'load'; readonly agentType: string; readonly module: string; readonly replyTo: string }
  /** Every agent process stops (`pause`) or restarts (`resume`) consuming the type's work queue. */
  | { readonly kind: 'pause' | 'resume'; readonly agentType: string }
  /** Every agent process announces itself again (a `hello`): a delegator that just started asks. */
  | { readonly kind: 'announce' }
  /** To `host.<id>`: that agent process drains (as on SIGTERM) and disconnects. */
  | { readonly kind: 'drain' }
  /** To `all` or `host.<id>`: run up to `capacity` tasks of the type at once from now on. */
  | { readonly kind: 'capacity'; readonly agentType: string; readonly capacity: number }
  | {
      readonly kind: 'cancel';
      readonly replyTo: string;
      readonly runId: number;
      readonly reason: 'timeout' | 'cancelled' | 'shutdown';
    };

/** Agent process → delegators: "I serve these types" (on start and on every reconnect), or "I am leaving". */
export interface HelloBody {
  readonly hostId: string;
  readonly agentTypes: readonly string[];
  /** Loads modules a delegator asks for (`load`), besides the types it was started with. */
  readonly loadsModules: boolean;
  /** Sent once as it drains: it takes nothing more. */
  readonly leaving?: boolean;
}

/** Message `type` property of each kind of body. */
export const MessageType = {
  Task: 'task',
  Events: 'events',
  Control: 'control',
  Hello: 'hello',
} as const;

/**
 * The version in every message's header. It is not the worker threads' `PROTOCOL_VERSION`, because
 * the bodies here change on their own: version 2 made the task body a bundle of columns (version 1
 * carried one task). A change to `HostEvent`, which result messages carry, bumps both.
 */
export const WIRE_VERSION = 2;

/** Headers every Flotilla message carries. */
export const versionHeaders = { [VERSION_HEADER]: WIRE_VERSION } as const;

/** Why a message was refused as poison. */
export type PoisonReason = 'unknown-protocol-version' | 'too-large' | 'unparseable' | 'not-a-task';

/** A message read off the broker, or the reason it cannot be. */
export type Decoded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly reason: PoisonReason; readonly detail: string };

/** Serializes a body; throws the structured-clone error (DataCloneError) for what cannot travel. */
export function encode(body: unknown): Buffer {
  return serialize(body);
}

interface Incoming {
  readonly body: unknown;
  readonly headers?: Record<string, unknown> | undefined;
}

/** Reads a body of a Flotilla message, checking version, size and encoding before anything else. */
export function decode(message: Incoming, maxBytes: number): Decoded<unknown> {
  const version = message.headers?.[VERSION_HEADER];
  if (version !== WIRE_VERSION)
    return poison('unknown-protocol-version', `expected ${WIRE_VERSION}, got ${String(version)}`);
  const body = message.body;
  if (!Buffer.isBuffer(body)) return poison('unparseable', 'the body is not a binary Flotilla message');
  if (body.length > maxBytes) return poison('too-large', `${body.length} bytes, limit ${maxBytes}`);
  try {
    return { ok: true, value: deserialize(body) };
  } catch (error) {
    return poison('unparseable', error instanceof Error ? error.message : String(error));
  }
}

/** Reads a task message, refusing one whose body is not a bundle of tasks. */
export function decodeTasks(message: Incoming, maxBytes: number): Decoded<TaskBundle> {
  const decoded = decode(message, maxBytes);
  if (!decoded.ok) return decoded;
  return isTaskBundle(decoded.value)
    ? { ok: true, value: decoded.value }
    : poison('not-a-task', 'expected { runIds, taskIds, attempts, payloads }, columns of one length ≥ 1');
}

function isTaskBundle(value: unknown): value is TaskBundle {
  if (typeof value !== 'object' || value === null) return false;
  const { runIds, taskIds, attempts, payloads } = value as Partial<Record<keyof TaskBundle, unknown>>;
  if (!Array.isArray(runIds) || !Array.isArray(taskIds) || !Array.isArray(attempts)) return false;
  const length = runIds.length;
  if (length === 0 || !Array.isArray(payloads) || payloads.length !== length) return false;
  if (taskIds.length !== length || attempts.length !== length) return false;
  for (let i = 0; i < length; i++) {
    if (!Number.isSafeInteger(runIds[i]) || typeof taskIds[i] !== 'string') return false;
    if (!Number.isSafeInteger(attempts[i])) return false;
  }
  return true;
}

/**
 * The run ids a task message of ours carries, for a message the broker hands back (dead-lettered,
 * returned): from its body, else from its `correlationId` (the first run id), else none.
 */
export function runIdsOf(message: Incoming & { correlationId?: string | undefined }, maxBytes: number) {
  const decoded = decodeTasks(message, maxBytes);
  if (decoded.ok) return decoded.value.runIds;
  const runId = Number(message.correlationId);
  return Number.isSafeInteger(runId) && message.correlationId !== undefined ? [runId] : [];
}

function poison(reason: PoisonReason, detail: string): Decoded<never> {
  return { ok: false, reason, detail };
}

/** A `failed` event for a result that cannot be serialized, in place of the result. */
export function unserializableResult(runId: number, error: unknown): HostEvent {
  const serialized: SerializedError = {
    name: 'FlotillaError',
    code: 'FLOTILLA_RESULT_NOT_CLONEABLE',
    message: `the handler's result cannot be sent through the broker (structured clone failed: ${
      error instanceof Error ? error.message : String(error)
    })`,
  };
  return { kind: 'failed', runId, error: serialized };
}
