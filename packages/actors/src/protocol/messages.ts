import type { SerializedError } from '@flotilla/core';
import type { WireTaskId } from './task-ids.js';

/**
 * The wire protocol between the delegator and agent hosts (worker threads today, agent processes over
 * RabbitMQ later): one discriminated union each way, sent in batches. A host and a delegator of different
 * `PROTOCOL_VERSION`s refuse each other's batches rather than misread them.
 */
export const PROTOCOL_VERSION = 1;

/** Delegator → host. `runId` identifies one attempt of one task; a retry gets a new one. */
export type HostCommand =
  | { readonly kind: 'load'; readonly agentType: string; readonly module: string }
  | {
      readonly kind: 'run';
      readonly runId: number;
      readonly taskId: string;
      readonly agentType: string;
      readonly payload: unknown;
      readonly attempt: number;
      /** Only for a transport that `wantsTaskMetadata` (a broker): the task's priority level, 0 = critical. */
      readonly priority?: number;
      /** Only for a transport that `wantsTaskMetadata`: ms left of the task's TTL, for the broker to expire it. */
      readonly expiresInMs?: number;
    }
  | {
      readonly kind: 'cancel';
      readonly runId: number;
      readonly reason: 'timeout' | 'cancelled' | 'shutdown';
    }
  /** Consecutive runs of one agent type, column by column (see `packCommands`). */
  | {
      readonly kind: 'run-batch';
      readonly agentType: string;
      readonly runIds: readonly number[];
      readonly taskIds: readonly string[];
      readonly attempts: readonly number[];
      readonly payloads: readonly unknown[];
    };

/**
 * @internal What the worker-threads transport sends its own threads: a {@link HostCommand}, except that a
 * `run-batch` may carry the fleet's task numbers in place of task ids (see {@link WireTaskId}). Every
 * `HostCommand` is one, so a host takes both.
 */
export type WireCommand =
  | Exclude<HostCommand, { readonly kind: 'run-batch' }>
  | (Omit<Extract<HostCommand, { readonly kind: 'run-batch' }>, 'taskIds'> & {
      readonly taskIds: readonly WireTaskId[];
    });

/** Host → delegator. */
export type HostEvent =
  | { readonly kind: 'loaded'; readonly agentType: string }
  | { readonly kind: 'load-failed'; readonly agentType: string; readonly error: SerializedError }
  | { readonly kind: 'done'; readonly runId: number; readonly value: unknown }
  /** Consecutive results, column by column (see `packEvents`). */
  | { readonly kind: 'done-batch'; readonly runIds: readonly number[]; readonly values: readonly unknown[] }
  | { readonly kind: 'failed'; readonly runId: number; readonly error: SerializedError }
  /** The transport settled a run without its agent: a broker expired it in its queue, or refused it (full). */
  | {
      readonly kind: 'ended';
      readonly runId: number;
      readonly outcome: 'expired' | 'rejected';
      readonly message: string;
    }
  | {
      readonly kind: 'progress';
      readonly runId: number;
      readonly fraction: number;
      readonly message?: string;
    };

/** What crosses the boundary: a versioned batch of messages from one turn of the sender's event loop. */
export interface Batch<M> {
  readonly v: typeof PROTOCOL_VERSION;
  readonly messages: readonly M[];
}

/** True when `value` is a batch this build can read. */
export function isBatch<M>(value: unknown): value is Batch<M> {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { v?: unknown }).v === PROTOCOL_VERSION &&
    Array.isArray((value as { messages?: unknown }).messages)
  );
}
