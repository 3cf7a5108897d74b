import type { Arrival, WorkloadContext } from './workload.js';

/**
 * Drives an open-loop arrival process: `next(t)` gives the time of the arrival after one at `t` (the first
 * after the start time), and one pending event carries the process from arrival to arrival. State is the
 * next arrival's time and whatever `next` closes over, however long the run; the process stops at the
 * first arrival due after the context turned inactive.
 *
 * @example
 * ```ts
 * scheduleOpenLoop(context, (t) => t + gaps.sample(arrivalsRng), mix.bindShared(rng));
 * ```
 */
export function scheduleOpenLoop(
  context: WorkloadContext,
  next: (timeMs: number) => number,
  sample: () => Arrival,
): void {
  let time = next(context.now());
  // One closure for the whole run, not one per arrival: the simulator's hot path allocates only the
  // arrival itself.
  const fire = (): void => {
    if (!context.active()) return;
    context.submit(sample());
    time = next(time);
    context.at(time, fire);
  };
  context.at(time, fire);
}
