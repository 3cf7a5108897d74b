import type { ResolvedAutoscalerConfig } from '@flotilla/actors';
import type {
  BreakerWindowSpec,
  DistributionSpec,
  OverflowPolicy,
  Priority,
  RateLimiterOptions,
  RetryPolicy,
  StrategySpec,
} from '@flotilla/core';

/**
 * The resolved scenario: every field checked, every default applied, every time in **milliseconds**
 * (fields named `…Ms`), rates per second (`…PerSec`), distributions as core `DistributionSpec`s already
 * scaled to milliseconds (pass them straight to `createDistribution`). Plain frozen data, so it can be
 * sent to a worker thread or written to a report.
 *
 * @example
 * ```ts
 * const scenario = loadScenario('examples/failover/scenario.yaml');
 * const service = createDistribution(scenario.agents[0].service.spec); // ms
 * ```
 */
export interface Scenario {
  /** Where the scenario came from: the file path, or the `origin` given to `parseScenario`. */
  readonly origin: string;
  readonly name: string | undefined;
  readonly description: string | undefined;
  /** Seed of every random stream of the run. Default 1. */
  readonly seed: number;
  /** When the run ends. */
  readonly stop: RunLimit;
  /** The first part of the run, left out of the statistics; same kind as `stop` and smaller. Default none. */
  readonly warmup: RunLimit | undefined;
  /** Core's strategy spec (`latency-ewma`'s `decayMs` in ms). Default `least-connections`. */
  readonly strategy: StrategySpec;
  readonly agents: readonly AgentTypeScenario[];
  readonly workload: readonly WorkloadScenario[];
  /** The central queue of each agent type. */
  readonly queue: QueueScenario;
  readonly retries: RetriesScenario;
  readonly timeouts: TimeoutsScenario;
  /** One breaker per agent; `undefined` when off (the default). */
  readonly breakers: BreakersScenario | undefined;
  readonly faults: readonly FaultScenario[];
  /** One autoscaler per listed type; empty when off (the default). */
  readonly autoscaling: readonly AutoscalingScenario[];
  readonly metrics: { readonly perTask: boolean };
}

/** A run limit: tasks submitted, or simulated time. */
export type RunLimit =
  { readonly kind: 'tasks'; readonly tasks: number } | { readonly kind: 'time'; readonly timeMs: number };

/** One agent type. Agents are named `<type>-<index>`, indices from 0. */
export interface AgentTypeScenario {
  readonly type: string;
  /** Agents at the start. Default 1. */
  readonly count: number;
  /** Tasks one agent runs at once. Default 1. */
  readonly capacity: number;
  /** Tasks assigned beyond capacity: 0 = pull (default), `Infinity` = dispatch on arrival (`unbounded`). */
  readonly queueLimit: number;
  readonly service: ServiceModel;
  /** Speed factors; see {@link agentSpeed}. */
  readonly speed: AgentSpeed;
  /** Default none. */
  readonly capabilities: readonly string[];
  /** Weight for weighted strategies. Default the capacity. */
  readonly weight: number;
  /** Core's rate limiter options (`intervalMs`), for the whole type; `undefined` when none. */
  readonly rateLimit: RateLimiterOptions | undefined;
  /** Prompt-prefix blocks each agent caches (LRU); `undefined` for no cache (the default). */
  readonly prefixCacheBlocks: number | undefined;
}

/**
 * How long a task takes on an agent of speed 1, ms: a distribution, or `baseMs + perOutputTokenMs ·
 * outputTokens + perInputTokenMs · inputTokens`. An agent of speed `s` takes `1/s` of that.
 */
export type ServiceModel =
  | { readonly kind: 'distribution'; readonly spec: DistributionSpec }
  | {
      readonly kind: 'tokens';
      readonly baseMs: number;
      readonly perOutputTokenMs: number;
      readonly perInputTokenMs: number;
    };

/**
 * Per-agent speed factors: agent `i` of the type runs at `perAgent[i]`, or `base` past the list (agents
 * the autoscaler adds included). `speed: 2` gives `{ base: 2, perAgent: [] }`; `speed: [1, 0.5]` gives
 * `{ base: 1, perAgent: [1, 0.5] }`. Default `{ base: 1, perAgent: [] }`.
 */
export interface AgentSpeed {
  readonly base: number;
  readonly perAgent: readonly number[];
}

/** One stream of tasks into one agent type. */
export interface WorkloadScenario {
  /** The agent type the tasks go to (default: the only type, when there is one). */
  readonly type: string;
  readonly arrivals: ArrivalsScenario;
  /** Probability of each priority, summing to 1. `priority: medium` (the default) gives `{ medium: 1, … 0 }`. */
  readonly priority: Readonly<Record<Priority, number>>;
  /** Probability of each tenant, summing to 1; `undefined` when not set (every task in tenant `default`). */
  readonly tenants: Readonly<Record<string, number>> | undefined;
  /** Number of distinct random affinity keys, `'trace'` (Mooncake `hash_ids`), or `undefined` for none. */
  readonly affinityKeys: number | 'trace' | undefined;
  /** Capabilities every task requires. Default none. */
  readonly capabilities: readonly string[];
  /** Token counts per task (unitless specs); `undefined` unless set. Traces carry their own sizes. */
  readonly tokens:
    { readonly input: DistributionSpec | undefined; readonly output: DistributionSpec } | undefined;
  /**
   * Units charged to cost rate limits per task: a number, or `'tokens'` (input + output). Default `'tokens'`
   * when tasks have sizes (a trace, or `tokens`), else 1.
   */
  readonly cost: number | 'tokens';
}

/** An arrival process. Rates per simulated second, times in ms. */
export type ArrivalsScenario =
  | { readonly process: 'poisson'; readonly ratePerSec: number }
  | {
      /** MMPP-2: exponential on and off periods, Poisson arrivals at the period's rate. */
      readonly process: 'bursty';
      readonly rateOnPerSec: number;
      readonly rateOffPerSec: number;
      readonly meanOnMs: number;
      readonly meanOffMs: number;
    }
  | {
      /** Poisson with rate `meanRatePerSec · (1 + amplitude · sin(2π (t + phaseMs) / periodMs))`. */
      readonly process: 'diurnal';
      readonly meanRatePerSec: number;
      readonly amplitude: number;
      readonly periodMs: number;
      readonly phaseMs: number;
    }
  | { readonly process: 'closed'; readonly clients: number; readonly thinkTime: DistributionSpec }
  | TraceArrivals;

/** Replay of a recorded trace. */
export interface TraceArrivals {
  readonly process: 'trace';
  /** As written: a named source (`azure-code`, `azure-conv`, `mooncake`) or a path. */
  readonly source: string;
  /** Absolute path of the file. */
  readonly path: string;
  /** `azure-csv`: TIMESTAMP, ContextTokens, GeneratedTokens. `mooncake-jsonl`: timestamp (ms), lengths, hash_ids. */
  readonly format: TraceFileFormat;
  /** Multiplies trace times (0.5 replays twice as fast). Default 1. */
  readonly timeScale: number;
  /** Records replayed at most; `undefined` for the whole trace. */
  readonly maxTasks: number | undefined;
}

/** The file formats a trace can have, told apart by extension (`.csv`, `.jsonl`). */
export type TraceFileFormat = 'azure-csv' | 'mooncake-jsonl';

/** The central queue of each agent type and its backpressure, with the runtime's defaults. */
export interface QueueScenario {
  /** Default 1,000,000. */
  readonly maxDepth: number;
  /** Default `reject-new`. */
  readonly overflow: OverflowPolicy;
  /** Default `undefined` (strict priority). */
  readonly agingMs: number | undefined;
  /** Default `undefined` (off). */
  readonly fairShare: { readonly weights: Readonly<Record<string, number>> } | undefined;
  /** Default `max(1, floor(0.8 · maxDepth))`, as the runtime. */
  readonly highWatermark: number;
  /** Default `floor(0.75 · highWatermark)`, as the runtime. */
  readonly lowWatermark: number;
  /** Default `['low']`. */
  readonly shedPriorities: readonly Priority[];
}

/**
 * Retries: core's `RetryPolicy`, every field set. Defaults: maxAttempts 1 (no retries), baseDelayMs 100,
 * maxDelayMs 10,000, multiplier 2, jitter `full`, no non-retryable codes.
 */
export type RetriesScenario = RetryPolicy;

/** Per-task defaults; `undefined` = none (the default). */
export interface TimeoutsScenario {
  readonly ttlMs: number | undefined;
  readonly timeoutMs: number | undefined;
}

/** A breaker per agent, as the runtime's `FleetOptions.breaker`. */
export interface BreakersScenario {
  /** Core's window spec, ms. */
  readonly window: BreakerWindowSpec;
  /** Default 5,000 ms. */
  readonly openDurationMs: number;
  /** Default 1. */
  readonly halfOpenProbes: number;
  /** Default 50. */
  readonly maxEjectionPercent: number;
}

/**
 * One autoscaler: the runtime's resolved `AutoscalerConfig` (its apply timeout left to the runtime's
 * default), plus how often it decides. Defaults: targetUtilization 0.7, scaleUpQueuePerAgent `Infinity`
 * (utilization only), hysteresis 0.1, cooldownMs 30,000, evaluateEveryMs 5,000, step 1.
 */
export type AutoscalingScenario = Omit<ResolvedAutoscalerConfig, 'applyTimeoutMs'> & {
  readonly evaluateEveryMs: number;
};

import type { SimFault } from '../kernel/faults.js';

export type {
  AgentRef,
  AgentSelection,
  FaultTarget,
  FaultWindow,
  NetworkPartition,
} from '../kernel/faults.js';

/** A fault of a scenario, resolved to milliseconds: the kernel's own. */
export type FaultScenario = SimFault;

/**
 * The speed factor of agent `index` of an agent type.
 *
 * @example
 * ```ts
 * agentSpeed(scenario.agents[0], 2); // 0.5 with speed: [1, 1, 0.5]
 * ```
 */
export function agentSpeed(agentType: Pick<AgentTypeScenario, 'speed'>, index: number): number {
  return agentType.speed.perAgent[index] ?? agentType.speed.base;
}

/**
 * The id of agent `index` of `type`, as faults name it.
 *
 * @example
 * ```ts
 * agentId('worker', 3); // "worker-3"
 * ```
 */
export function agentId(type: string, index: number): string {
  return `${type}-${index}`;
}
