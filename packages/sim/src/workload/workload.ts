import type { Priority, Rng } from '@flotilla/core';

/**
 * One task arriving in a simulation. Times are simulated milliseconds (scenario files speak seconds; the
 * loader converts). Sizes drive service times when the agent type's service model is size-based.
 */
export interface Arrival {
  readonly type: string;
  readonly priority: Priority;
  readonly tenant?: string;
  /** Routing key for consistent hashing (e.g. a Mooncake prompt-prefix block id). */
  readonly affinityKey?: string;
  /** Prompt-prefix block ids, for prefix-cache hit accounting (Mooncake `hash_ids`). */
  readonly prefixBlocks?: readonly number[];
  readonly inputTokens?: number;
  readonly outputTokens?: number;
}

/** What a workload may do while the simulation runs. */
export interface WorkloadContext {
  /** Current simulated time, ms. */
  now(): number;
  /** Runs `callback` at simulated time `atMs` (≥ now), ordered by (time, sequence). */
  at(atMs: number, callback: () => void): void;
  /**
   * Submits a task now. `onDone` runs when it reaches its terminal outcome (completed or not); closed-loop
   * clients use it to think and submit again.
   */
  submit(arrival: Arrival, onDone?: () => void): void;
  /** False once the run's stop condition is reached: a workload stops generating then. */
  active(): boolean;
}

/**
 * A source of arrivals. `start` schedules the first arrivals through the context; each arrival schedules
 * the next, so a workload holds O(1) state (or O(clients)) however long the run, never a list of all tasks.
 */
export interface Workload {
  readonly name: string;
  start(context: WorkloadContext, rng: Rng): void;
}
