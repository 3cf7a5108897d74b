import type {
  BreakerWindowSpec,
  OverflowPolicy,
  Priority,
  RateLimiterOptions,
  RetryPolicyOptions,
  StrategySpec,
} from '@flotilla/core';

/**
 * The policies of a delegation, the same in the runtime (`createFleet`) and the simulator: how tasks are
 * queued, balanced, retried, dead-lettered and broken away from failing agents, and how lost agents restart.
 */
export interface DelegationOptions {
  /** Balancing strategy for every type. Default `least-connections`. */
  readonly strategy?: StrategySpec;
  /** The central queue of each type. */
  readonly queue?: {
    readonly maxDepth?: number;
    readonly overflow?: OverflowPolicy;
    readonly agingMs?: number;
    readonly fairShare?: { readonly weights?: Readonly<Record<string, number>> };
    /** Backpressure: enter at this depth, leave at `lowWatermark`. Defaults 80% and 60% of maxDepth. */
    readonly highWatermark?: number;
    readonly lowWatermark?: number;
    /** Priorities refused while in backpressure. Default `['low']`. */
    readonly shedPriorities?: readonly Priority[];
  };
  /** Backoff between attempts (a task's `maxAttempts` says how many). */
  readonly retry?: Omit<RetryPolicyOptions, 'maxAttempts'>;
  /** Keep failed tasks for inspection and redrive (default on, at most 10,000). `false` to fail them outright. */
  readonly deadLetter?: false | { readonly maxEntries?: number };
  /** A circuit breaker per agent; off unless given. */
  readonly breaker?: {
    readonly window: BreakerWindowSpec;
    readonly openDurationMs: number;
    readonly halfOpenProbes?: number;
    /** Envoy's max_ejection_percent: never eject more than this share of a type's agents. Default 50. */
    readonly maxEjectionPercent?: number;
  };
  /** Restarts of lost hosts (threads, processes): at most `maxRestarts` within `withinMs`, then give up. */
  readonly restart?: {
    readonly maxRestarts?: number;
    readonly withinMs?: number;
    readonly backoffMs?: number;
  };
  /** Seed of the strategy and jitter randomness. Default: random (printed in `stats().seed`). */
  readonly seed?: number;
}

/** One agent type as its pool sees it (validated). */
export interface PoolSpec {
  readonly type: string;
  readonly replicas: number;
  readonly capacity: number;
  readonly queueLimit: number;
  readonly capabilities: readonly string[];
  readonly rateLimit: RateLimiterOptions | undefined;
  readonly weight: number | undefined;
}
