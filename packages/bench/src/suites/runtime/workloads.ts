import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createFleet } from '@flotilla/actors';
import { LatencyHistogram, type LatencySummary } from '@flotilla/core';
import { Piscina } from 'piscina';

const agentsDir = new URL('../../../agents/', import.meta.url);
/** The no-op module both Flotilla and piscina run. */
export const NOOP_MODULE = fileURLToPath(new URL('noop.mjs', agentsDir));
const RAW_ECHO = new URL('raw-port-echo.mjs', agentsDir);
const HAND_ROLLED = new URL('hand-rolled-worker.mjs', agentsDir);

/**
 * Runs `total` tasks keeping `window` in flight (a closed loop: each completion submits the next), and
 * returns tasks per second. The same driver serves every contender, so only the runtime differs.
 */
export async function closedLoop(
  run: (i: number) => Promise<unknown>,
  total: number,
  window: number,
): Promise<number> {
  const startMs = performance.now();
  let next = 0;
  await new Promise<void>((resolve, reject) => {
    let done = 0;
    const launch = (): void => {
      const i = next++;
      run(i).then(() => {
        if (++done === total) resolve();
        else if (next < total) launch();
      }, reject);
    };
    for (let i = 0; i < Math.min(window, total); i++) launch();
  });
  return total / ((performance.now() - startMs) / 1000);
}

/** Flotilla: one agent per thread, capacity `window / threads`, dispatch from the central queue. */
export async function flotillaThroughput(threads: number, total: number, window: number): Promise<number> {
  const fleet = createFleet({
    agents: [{ type: 'noop', module: NOOP_MODULE, replicas: threads, capacity: Math.ceil(window / threads) }],
    threads,
    strategy: 'least-connections',
    queue: { maxDepth: window * 2 },
    seed: 1,
  });
  await fleet.ready();
  await closedLoop((i) => fleet.submit({ type: 'noop', payload: i }).result, 20_000, window); // warm-up
  const rate = await closedLoop((i) => fleet.submit({ type: 'noop', payload: i }).result, total, window);
  await fleet.close();
  return rate;
}

/** piscina with the same threads and task; `concurrentTasksPerWorker` as given (its default is 1). */
export async function piscinaThroughput(
  threads: number,
  total: number,
  window: number,
  concurrentTasksPerWorker: number,
): Promise<number> {
  const pool = new Piscina({
    filename: NOOP_MODULE,
    minThreads: threads,
    maxThreads: threads,
    concurrentTasksPerWorker,
  });
  await closedLoop((i) => pool.run(i), 20_000, window); // warm-up
  const rate = await closedLoop((i) => pool.run(i), total, window);
  await pool.destroy();
  return rate;
}

/**
 * The limit: batches of `batchSize` numbers echoed by bare workers over MessagePort, `inFlight` batches
 * per thread. No queue, no routing, no bookkeeping: what the transport alone can move.
 */
export async function rawPortThroughput(
  threads: number,
  total: number,
  batchSize: number,
  inFlight: number,
): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(RAW_ECHO));
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('online', resolve))));
  const batch = Array.from({ length: batchSize }, (_, i) => i);
  const batches = Math.ceil(total / batchSize);
  const startMs = performance.now();
  await new Promise<void>((resolve) => {
    let sent = 0;
    let received = 0;
    for (const worker of workers) {
      worker.on('message', () => {
        if (++received === batches) resolve();
        else if (sent < batches) {
          sent++;
          worker.postMessage(batch);
        }
      });
      for (let i = 0; i < inFlight && sent < batches; i++) {
        sent++;
        worker.postMessage(batch);
      }
    }
  });
  const rate = (batches * batchSize) / ((performance.now() - startMs) / 1000);
  await Promise.all(workers.map((w) => w.terminate()));
  return rate;
}

/**
 * The faithful limit: the least code with the measured task's semantics, written by hand. Each task is
 * submitted through the same closed-loop driver and gets its own promise; submissions are batched per
 * turn of the event loop (one postMessage per thread per turn, ids and payloads as columns); the worker
 * calls the module's function once per item; each result resolves its own task's promise. No queue,
 * strategy object, timeouts, retries, outcomes or stats: what a runtime with all of those is measured
 * against. Each task goes to the thread with the fewest in flight (as Flotilla's least-connections does):
 * alternating threads instead splits every returning batch in two, until batches are a few tasks each.
 */
export async function handRolledThroughput(threads: number, total: number, window: number): Promise<number> {
  const workers = Array.from(
    { length: threads },
    () => new Worker(HAND_ROLLED, { workerData: { module: pathToFileURL(NOOP_MODULE).href } }),
  );
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once('message', resolve))));
  const resolvers: Array<((value: unknown) => void) | undefined> = [];
  let ids: number[][] = workers.map(() => []);
  let payloads: unknown[][] = workers.map(() => []);
  let scheduled = false;
  let nextId = 0;
  const flush = (): void => {
    scheduled = false;
    workers.forEach((worker, t) => {
      if ((ids[t] as number[]).length > 0) worker.postMessage({ ids: ids[t], payloads: payloads[t] });
    });
    ids = workers.map(() => []);
    payloads = workers.map(() => []);
  };
  const inFlight = workers.map(() => 0);
  workers.forEach((worker, t) => {
    worker.on('message', (batch: { ids: number[]; values: unknown[] }) => {
      inFlight[t] = (inFlight[t] as number) - batch.ids.length;
      for (let i = 0; i < batch.ids.length; i++) {
        const id = batch.ids[i] as number;
        (resolvers[id] as (value: unknown) => void)(batch.values[i]);
        resolvers[id] = undefined;
      }
    });
  });
  const submit = (payload: unknown): Promise<unknown> => {
    const id = nextId++;
    let t = 0;
    for (let u = 1; u < threads; u++) if ((inFlight[u] as number) < (inFlight[t] as number)) t = u;
    inFlight[t] = (inFlight[t] as number) + 1;
    (ids[t] as number[]).push(id);
    (payloads[t] as unknown[]).push(payload);
    if (!scheduled) {
      scheduled = true;
      queueMicrotask(flush);
    }
    return new Promise((resolve) => {
      resolvers[id] = resolve;
    });
  };
  await closedLoop((i) => submit(i), 20_000, window); // warm-up
  const rate = await closedLoop((i) => submit(i), total, window);
  await Promise.all(workers.map((w) => w.terminate()));
  return rate;
}

/**
 * Submit-to-result latency at a fixed offered rate (an open loop: arrivals do not wait for completions),
 * submitting every millisecond the tasks due by then.
 */
export async function flotillaLatency(
  threads: number,
  ratePerSec: number,
  durationMs: number,
  window: number,
): Promise<OpenLoopLatency> {
  const fleet = createFleet({
    agents: [{ type: 'noop', module: NOOP_MODULE, replicas: threads, capacity: Math.ceil(window / threads) }],
    threads,
    strategy: 'least-connections',
    queue: { maxDepth: 1_000_000 },
    seed: 1,
  });
  await fleet.ready();
  // Warmed up in a closed loop first, as the throughput runs are: cold, the open loop falls behind in
  // its first second and builds a queue that, at this rate, it then cannot drain (see the bench README).
  await closedLoop((i) => fleet.submit({ type: 'noop', payload: i }).result, 100_000, window);
  const histogram = new LatencyHistogram({ highestTrackableMs: 60_000 });
  const total = Math.floor((durationMs / 1000) * ratePerSec);
  let submitted = 0;
  let settled = 0;
  let refused = 0;
  let lastSettledMs = 0;
  let allSettled = (): void => undefined;
  const everySettled = new Promise<void>((resolve) => (allSettled = resolve));
  // No array of pending promises: at hundreds of thousands per second, keeping every one alive until
  // the end made the collector, not the fleet, what the open loop measured.
  const settle = (): void => {
    lastSettledMs = performance.now();
    if (++settled === total) allSettled();
  };
  const refuse = (): void => {
    refused++;
    settle();
  };
  const startMs = performance.now();
  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsedMs = performance.now() - startMs;
      const due = Math.min(Math.floor((elapsedMs / 1000) * ratePerSec), total);
      for (; submitted < due; submitted++) {
        const t0 = performance.now();
        try {
          fleet.submit({ type: 'noop', payload: submitted }).result.then(() => {
            histogram.record(performance.now() - t0);
            settle();
          }, refuse);
        } catch {
          refuse();
        }
      }
      if (submitted === total) {
        clearInterval(tick);
        resolve();
      }
    }, 1);
  });
  if (total > 0) await everySettled;
  await fleet.close();
  return {
    ...histogram.summary(),
    offered: total,
    refused,
    servedPerSec: total === 0 ? 0 : ((total - refused) * 1000) / (lastSettledMs - startMs),
  };
}

/** Latency of an open loop, and whether the fleet kept up with what was offered. */
export interface OpenLoopLatency extends LatencySummary {
  readonly offered: number;
  /** Tasks the fleet refused (its queue full) or failed: the offered rate was past what it serves. */
  readonly refused: number;
  /** Completions per second, from the first submit to the last answer. */
  readonly servedPerSec: number;
}
