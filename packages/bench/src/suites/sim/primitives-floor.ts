import {
  AgentTable,
  createRng,
  createStrategy,
  exponential,
  LatencyHistogram,
  NO_AGENT,
  PRIORITIES,
  VirtualClock,
  type PickRequest,
} from '@flotilla/core';
import { TraceHash } from '@flotilla/sim';

/** The bench model, as {@link runPrimitivesFloor} needs it. */
export interface FloorModel {
  readonly agents: number;
  readonly tasks: number;
  /** Arrivals per simulated second, in all (split evenly over the four priorities). */
  readonly ratePerSec: number;
  readonly serviceMeanMs: number;
}

/**
 * The simulator's limit, as the raw port is the runtime's: the bench model on the same core primitives
 * (virtual clock and its calendar queue, seeded streams, exponential draws, power-of-two over an agent
 * table, HDR histograms overall and per priority for latency and wait, three trace-hash events per task),
 * with none of the delegation (task records, the central queue, attempts, hooks, the pump). It is not a
 * simulator: it has no outcomes but completion, no warm-up split and no report, and a task that finds no
 * agent free waits in a plain FIFO. What `simulate` spends above it is the delegation's cost per task.
 * Returns simulated tasks per wall second.
 */
export function runPrimitivesFloor(model: FloorModel, nowMs: () => number): number {
  const startedMs = nowMs();
  const clock = new VirtualClock();
  const rng = createRng(1);
  const arrivalsRng = rng.fork('arrivals');
  const serviceRng = rng.fork('service');
  const table = new AgentTable();
  for (let i = 0; i < model.agents; i++) table.add({ id: `a${i}`, capacity: 1 });
  const strategy = createStrategy('power-of-two', table, rng.fork('strategy'));
  const gap = exponential({ mean: (1000 * PRIORITIES.length) / model.ratePerSec });
  const service = exponential({ mean: model.serviceMeanMs });
  const histogram = (): LatencyHistogram =>
    new LatencyHistogram({ highestTrackableMs: 1e10, resolutionMs: 0.001 });
  const latency = histogram();
  const wait = histogram();
  const latencyBy = PRIORITIES.map(histogram);
  const waitBy = PRIORITIES.map(histogram);
  const hash = new TraceHash();
  // Per task in flight, by a ring index: its submission time, priority and agent slot.
  const ring = 1 << 20;
  const createdMs = new Float64Array(ring);
  const levels = new Uint8Array(ring);
  const slots = new Int32Array(ring);
  const waiting: number[] = [];
  const request: PickRequest = { requiredMask: 0, affinityKey: undefined, nowMs: 0 };
  let submitted = 0;
  let completed = 0;

  const finish = (task: number): void => {
    const now = clock.now();
    table.release(slots[task] as number);
    latency.recordBoth(
      latencyBy[levels[task] as number] as LatencyHistogram,
      now - (createdMs[task] as number),
    );
    hash.add(now, 1, task, 0);
    completed++;
    const next = waiting.shift();
    if (next !== undefined) start(next);
  };
  const start = (task: number): void => {
    const now = clock.now();
    request.nowMs = now;
    const slot = strategy.pick(request);
    if (slot === NO_AGENT) {
      waiting.push(task);
      return;
    }
    table.assign(slot);
    slots[task] = slot;
    wait.recordBoth(waitBy[levels[task] as number] as LatencyHistogram, now - (createdMs[task] as number));
    hash.add(now, 4, slot, task);
    clock.callAt(now + service.sample(serviceRng), finish, task);
  };
  PRIORITIES.forEach((_, level) => {
    let atMs = gap.sample(arrivalsRng);
    const arrive = (): void => {
      if (submitted >= model.tasks) return;
      const task = submitted++ & (ring - 1);
      createdMs[task] = clock.now();
      levels[task] = level;
      hash.add(clock.now(), 0, level, task);
      start(task);
      atMs += gap.sample(arrivalsRng);
      clock.callAt(atMs, arrive, 0);
    };
    clock.callAt(atMs, arrive, 0);
  });
  while (clock.runNext());
  return completed / ((nowMs() - startedMs) / 1000);
}
