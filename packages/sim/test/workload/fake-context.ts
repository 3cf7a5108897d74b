import { createRng, VirtualClock } from '@flotilla/core';
import type { Arrival, Workload, WorkloadContext } from '../../src/workload/workload.js';

/** How the fake system treats what the workload submits. */
export interface FakeContextOptions {
  /** The context turns inactive at this simulated time (default: never). */
  readonly untilMs?: number;
  /** ... or after this many submissions (default: never). */
  readonly maxTasks?: number;
  /** Every task completes this long after its submission (default: at once, synchronously). */
  readonly serviceMs?: number;
  /** Simulated time at which the run starts (default 0). */
  readonly startMs?: number;
  /** Keep every arrival, not just its time (default true). */
  readonly keepArrivals?: boolean;
}

/**
 * A minimal {@link WorkloadContext} for tests, driven by core's {@link VirtualClock}: an infinite-server
 * system in which every task takes `serviceMs`. It records submissions and the most tasks outstanding at
 * once, and refuses an event scheduled in the past.
 */
export class FakeContext implements WorkloadContext {
  readonly clock: VirtualClock;
  readonly times: number[] = [];
  readonly arrivals: Arrival[] = [];
  outstanding = 0;
  maxOutstanding = 0;
  private current: number;
  private readonly options: FakeContextOptions;

  constructor(options: FakeContextOptions = {}) {
    this.options = options;
    this.current = options.startMs ?? 0;
    this.clock = new VirtualClock(this.current);
  }

  now(): number {
    return this.current;
  }

  at(atMs: number, callback: () => void): void {
    if (!(atMs >= this.current)) throw new Error(`at(${atMs}) is before now (${this.current})`);
    // The clock takes a delay; keep the exact requested time for now(), so tests can compare times exactly.
    this.clock.setTimer(Math.max(0, atMs - this.clock.now()), () => {
      this.current = atMs;
      callback();
    });
  }

  submit(arrival: Arrival, onDone?: () => void): void {
    this.times.push(this.current);
    if (this.options.keepArrivals ?? true) this.arrivals.push(arrival);
    if (onDone === undefined) return;
    this.outstanding++;
    this.maxOutstanding = Math.max(this.maxOutstanding, this.outstanding);
    const done = (): void => {
      this.outstanding--;
      onDone();
    };
    if (this.options.serviceMs === undefined) done();
    else this.at(this.current + this.options.serviceMs, done);
  }

  active(): boolean {
    return (
      this.current < (this.options.untilMs ?? Number.POSITIVE_INFINITY) &&
      this.times.length < (this.options.maxTasks ?? Number.POSITIVE_INFINITY)
    );
  }

  /** Fires every pending event. */
  run(): this {
    this.clock.runAll(Number.POSITIVE_INFINITY);
    return this;
  }
}

/** Starts `workload` with the stream `workload` of seed `seed` and runs it to the end. */
export function runWorkload(workload: Workload, seed: number, options: FakeContextOptions = {}): FakeContext {
  const context = new FakeContext(options);
  workload.start(context, createRng(seed).fork('workload'));
  return context.run();
}

/** Gaps between consecutive times. */
export function gapsOf(times: readonly number[]): number[] {
  return times.slice(1).map((time, i) => time - (times[i] as number));
}

/** Sample mean and variance (n − 1 in the denominator). */
export function meanAndVariance(values: readonly number[]): { mean: number; variance: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / (values.length - 1);
  return { mean, variance };
}

/** Pearson's chi-square statistic of `counts` against `expected` counts. */
export function chiSquare(counts: readonly number[], expected: readonly number[]): number {
  return counts.reduce(
    (sum, count, i) => sum + (count - (expected[i] as number)) ** 2 / (expected[i] as number),
    0,
  );
}

/** Upper 0.1% points of the chi-square distribution by degrees of freedom (standard tables). */
export const CHI_SQUARE_P001: Readonly<Record<number, number>> = {
  1: 10.828,
  2: 13.816,
  3: 16.266,
  7: 24.322,
};
