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
  // One closure for the whole run, not one per arrival. The next arrival's time in a one-element typed
  // array rather than a captured variable: every write of a double to a closure's variable allocates a
  // heap number, one per arrival.
  const time = new Float64Array(1);
  time[0] = next(context.now());
  const fire = (): void => {
    if (!context.active()) return;
    context.submit(sample());
    const nextMs = next(time[0] as number);
    time[0] = nextMs;
    context.at(nextMs, fire);
  };
  context.at(time[0] as number, fire);
}
