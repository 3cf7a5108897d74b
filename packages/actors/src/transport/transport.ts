import type { SerializedError } from '@flotilla/core';
import type { HostCommand, HostEvent } from '../protocol/messages.js';

/** How a transport reports back to the delegator. */
export interface TransportHandlers {
  /** An event from host `host`, in the order the host emitted it. */
  onEvent(host: number, event: HostEvent): void;
  /** Host `host` is gone (thread died, process exited): whatever ran there will not report. */
  onHostExit(host: number, error: SerializedError): void;
}

/**
 * Carries commands from the delegator to agent hosts and events back. Every implementation (in-memory,
 * worker_threads, RabbitMQ) passes the same conformance suite (`test/transport/conformance.ts`):
 * per-host FIFO order in both directions, every message delivered exactly once while the host lives,
 * batches invisible to the receiver, a non-cloneable result turned into a task failure, a dead host
 * reported once, and nothing delivered after `close()`.
 */
export interface Transport {
  readonly name: string;
  /** Number of hosts (threads, processes) behind this transport. */
  readonly hostCount: number;
  /**
   * Set by a transport that queues tasks itself (a broker): its `run` commands then carry the task's
   * priority and remaining TTL. Worker threads do not need them, so their per-task messages stay small.
   */
  readonly wantsTaskMetadata?: boolean;
  start(handlers: TransportHandlers): Promise<void>;
  /** Queues a command for `host`; commands sent in one turn of the event loop travel as one batch. */
  send(host: number, command: HostCommand): void;
  /**
   * A fleet-wide control decision for the agents behind this transport, for a transport whose agents
   * pull work themselves (a broker): `pause` stops them taking tasks of `agentType`, `resume` starts
   * them again. Transports that only run what they are sent need not implement it.
   */
  control?(message: { readonly kind: 'pause' | 'resume'; readonly agentType: string }): void;
  /**
   * Optional fast path for the per-task command: the same as `send(host, { kind: 'run', … })`, but the
   * transport may append the fields straight to an open column batch and allocate nothing per run. Use
   * {@link sendRun}, which falls back to `send`.
   */
  sendRun?(
    host: number,
    runId: number,
    taskId: string,
    agentType: string,
    payload: unknown,
    attempt: number,
  ): void;
  /** Replaces a dead host with a fresh one (agent modules must be loaded again). */
  restartHost(host: number): Promise<void>;
  /** Stops every host; nothing is delivered afterwards. */
  close(): Promise<void>;
}

/**
 * @internal The worker-threads transport's run fast path for the fleet's own tasks: the task's number
 * travels in place of its id (`taskIdOf(taskKey)`, see `WireTaskId`). Not part of {@link Transport}: only
 * this package's hosts know how to name the task again.
 */
export interface KeyedRunSender {
  sendRunByKey(
    host: number,
    runId: number,
    taskKey: number,
    agentType: string,
    payload: unknown,
    attempt: number,
  ): void;
}

/**
 * Sends one `run` command of the fleet's task number `taskKey` (whose id is `taskId`) through the
 * transport's fastest path.
 */
export function sendRun(
  transport: Transport & Partial<KeyedRunSender>,
  host: number,
  runId: number,
  taskId: string,
  taskKey: number,
  agentType: string,
  payload: unknown,
  attempt: number,
): void {
  if (transport.sendRunByKey !== undefined)
    transport.sendRunByKey(host, runId, taskKey, agentType, payload, attempt);
  else if (transport.sendRun !== undefined)
    transport.sendRun(host, runId, taskId, agentType, payload, attempt);
  else transport.send(host, { kind: 'run', runId, taskId, agentType, payload, attempt });
}
