import { availableParallelism } from 'node:os';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { FlotillaError } from '@flotilla/core';
import {
  appendRun as appendToRunBatch,
  openRunBatch,
  packCommands,
  refillRunBatch,
  sealRunBatch,
  type OpenRunBatch,
} from '../protocol/columnar.js';
import { isBatch, type HostEvent, type WireCommand } from '../protocol/messages.js';
import type { WireTaskId } from '../protocol/task-ids.js';
import { BatchingSender } from './batching-sender.js';
import type { KeyedRunSender, Transport, TransportHandlers } from './transport.js';

/** Options of {@link workerThreadsTransport}. */
export interface WorkerThreadsTransportOptions {
  /** Number of worker threads. Default: the number of cores. */
  readonly threads?: number;
  /** V8 heap limits per worker, so one runaway agent cannot take the process's memory. */
  readonly resourceLimits?: ResourceLimits;
}

/** Code of the error reported when a worker thread dies. */
export const WORKER_EXITED = 'FLOTILLA_WORKER_EXITED';

/**
 * The compiled worker entry. Tests run this package from its TypeScript sources, where no `.js` sibling
 * exists; a worker needs real JavaScript, so from sources we point at the build output (the test command
 * builds first).
 */
function workerEntry(): URL {
  const here = new URL(import.meta.url);
  return here.pathname.endsWith('.ts')
    ? new URL('../../dist/transport/worker-entry.js', here)
    : new URL('./worker-entry.js', here);
}

/**
 * Hosts agents in worker threads, many agents per thread. Commands and events travel as versioned
 * batches, one postMessage per thread per turn of the event loop. A thread that dies (an exception outside
 * a handler, `process.exit` inside one, running out of memory) is reported once through `onHostExit`.
 *
 * @example
 * ```ts
 * const fleet = createFleet({ transport: workerThreadsTransport({ threads: 4 }), agents: [...] });
 * ```
 */
export function workerThreadsTransport(options: WorkerThreadsTransportOptions = {}): Transport {
  const hostCount = Math.max(1, options.threads ?? availableParallelism());
  const workers: Array<Worker | undefined> = [];
  let handlers: TransportHandlers | undefined;
  let closed = false;

  const outbox = new BatchingSender<WireCommand>((host, batch) => {
    const refilled = refilledRuns[host];
    if (refilled !== undefined) sealRunBatch(refilled);
    refilledRuns[host] = undefined;
    workers[host]?.postMessage(batch);
    // The clone is done: the host's latest run-batch, if it just left, lends its columns to the next one.
    const open = openRuns[host];
    if (open !== undefined && batch.messages.includes(open)) spareRuns[host] = open;
  }, packCommands);
  /**
   * Per host, the run-batch this turn's runs are appended to. It is still open only while it is the last
   * message queued for the host: anything sent after it (a cancel) closes it, which keeps the order.
   */
  const openRuns: Array<OpenRunBatch | undefined> = [];
  /** Per host, a run-batch that has been sent, whose columns the next one refills. */
  const spareRuns: Array<OpenRunBatch | undefined> = [];
  /** Per host, the batch refilled this turn: its columns are cut to its own runs before it leaves. */
  const refilledRuns: Array<OpenRunBatch | undefined> = [];

  /** Both run fast paths: a task id or the fleet's task number, appended to the host's open run-batch. */
  const appendRun = (
    host: number,
    runId: number,
    taskId: WireTaskId,
    agentType: string,
    payload: unknown,
    attempt: number,
  ): void => {
    if (closed) return;
    const open = openRuns[host];
    if (open !== undefined && open.agentType === agentType && outbox.tail(host) === open) {
      appendToRunBatch(open, runId, taskId, payload, attempt);
      return;
    }
    let batch = spareRuns[host];
    if (batch === undefined) batch = openRunBatch(runId, taskId, agentType, payload, attempt);
    else {
      spareRuns[host] = undefined;
      refilledRuns[host] = batch;
      refillRunBatch(batch, runId, taskId, agentType, payload, attempt);
    }
    openRuns[host] = batch;
    outbox.send(host, batch);
  };

  const spawn = (host: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const worker = new Worker(workerEntry(), {
        ...(options.resourceLimits === undefined ? {} : { resourceLimits: options.resourceLimits }),
      });
      workers[host] = worker;
      let reported = false;
      const report = (message: string): void => {
        if (reported || closed || workers[host] !== worker) return;
        reported = true;
        workers[host] = undefined;
        outbox.discard(host);
        handlers?.onHostExit(host, new FlotillaError(WORKER_EXITED, message).toJSON());
      };
      worker.on('message', (batch: unknown) => {
        if (closed || workers[host] !== worker || !isBatch<HostEvent>(batch)) return;
        for (const event of batch.messages) handlers?.onEvent(host, event);
      });
      worker.on('error', (error) => report(`worker thread ${host} failed: ${error.message}`));
      worker.on('exit', (code) => report(`worker thread ${host} exited with code ${code}`));
      worker.once('online', () => resolve());
      worker.once('error', reject);
    });

  // Typed with the fleet-only fast path, which `sendRun` finds on the object (see KeyedRunSender).
  const transport: Transport & KeyedRunSender = {
    name: 'worker-threads',
    hostCount,
    async start(h) {
      handlers = h;
      await Promise.all(Array.from({ length: hostCount }, (_, host) => spawn(host)));
    },
    send(host, command) {
      if (!closed) outbox.send(host, command);
    },
    sendRun: appendRun,
    sendRunByKey: appendRun,
    async restartHost(host) {
      const old = workers[host];
      workers[host] = undefined;
      outbox.discard(host);
      if (old !== undefined) await old.terminate();
      if (!closed) await spawn(host);
    },
    async close() {
      closed = true;
      const running = workers.splice(0);
      await Promise.all(running.map((worker) => worker?.terminate()));
    },
  };
  return transport;
}
