import { jainFairness, type LatencyHistogram, type LatencySummary, type Priority } from '@flotilla/core';
import type { OutcomeCounts } from './run-recorder.js';

/** A latency distribution in the report, in simulated seconds: core's `LatencySummary` without its count. */
export type LatencyStats = Omit<LatencySummary, 'count'>;

/** Waiting time (submit → start), simulated seconds; `probWait` is the share that waited at all. */
export interface WaitStats {
  readonly mean: number;
  readonly p50: number;
  readonly p99: number;
  readonly probWait: number;
}

/**
 * The report of one run. These names are public API (`--json` writes exactly this); times are simulated
 * seconds. Latency, wait and `byPriority` cover the tasks submitted after the warm-up; utilization, queue
 * depth, fleet size and throughput cover the time after it; `tasks` counts every task of the run, so
 * that its outcomes add up to `submitted`.
 */
export interface SimReport {
  readonly seed: number;
  readonly strategy: string;
  readonly simulatedTime: number;
  readonly wallMs: number;
  readonly tasks: Readonly<OutcomeCounts>;
  readonly latency: LatencyStats;
  readonly wait: WaitStats;
  readonly byPriority: Readonly<
    Record<Priority, { latency: LatencyStats; wait: WaitStats; completed: number }>
  >;
  /**
   * Completions per simulated second over the measured window: from the end of the warm-up to when
   * arrivals stopped (the drain after it would understate the rate).
   */
  readonly throughput: number;
  /**
   * `mean`: busy time ÷ capacity-time of the whole fleet (so it stays right while autoscaling changes the
   * fleet); `perAgent`: each agent's over its own life, in creation order.
   */
  readonly utilization: { readonly mean: number; readonly perAgent: readonly number[] };
  readonly queueDepth: { readonly mean: number; readonly max: number };
  /** Jain's index of completed tasks per agent. */
  readonly fairness: number;
  /** Attempts started, and how many of them were retries. */
  readonly attempts: { readonly started: number; readonly retries: number };
  /** Control decisions by name, as the runtime emits them: `breaker-open`, `restart-host`, `autoscale`, … */
  readonly decisions: Readonly<Record<string, number>>;
  /** Agents over the run (autoscaling changes it): time-weighted mean and most at once. */
  readonly agents: { readonly mean: number; readonly max: number };
  /** Prompt-prefix cache, when agents have one: the share of looked-up blocks found cached. */
  readonly prefixCache?: { readonly hitRate: number; readonly blocksLookedUp: number };
  /** Every task's history, only when the scenario asks for it (`metrics.perTask`); seconds. */
  readonly perTask?: readonly TaskHistory[];
  readonly traceHash: string;
}

/** One task's history (`metrics.perTask`), simulated seconds. */
export interface TaskHistory {
  readonly index: number;
  readonly priority: Priority;
  readonly submitted: number;
  /** Start of its last attempt; `null` if it never started. */
  readonly started: number | null;
  readonly ended: number;
  readonly outcome: string;
  readonly attempts: number;
  /** Agent of its last attempt; `null` if it never ran. */
  readonly agent: string | null;
}

const seconds = (ms: number): number => ms / 1000;

function latencyStats(histogram: LatencyHistogram): LatencyStats {
  const s = histogram.summary();
  return {
    mean: seconds(s.mean),
    p50: seconds(s.p50),
    p90: seconds(s.p90),
    p99: seconds(s.p99),
    p999: seconds(s.p999),
    max: seconds(s.max),
  };
}

function waitStats(histogram: LatencyHistogram, waited: number): WaitStats {
  const s = histogram.summary();
  return {
    mean: seconds(s.mean),
    p50: seconds(s.p50),
    p99: seconds(s.p99),
    probWait: s.count === 0 ? 0 : waited / s.count,
  };
}

/** @internal Assembles the report from the kernel's streaming statistics. */
export function buildReport(input: {
  seed: number;
  strategy: string;
  simulatedMs: number;
  throughputWindow: { completed: number; ms: number };
  wallMs: number;
  counts: OutcomeCounts;
  latency: LatencyHistogram;
  wait: LatencyHistogram;
  waited: number;
  byPriority: ReadonlyArray<{
    priority: Priority;
    latency: LatencyHistogram;
    wait: LatencyHistogram;
    completed: number;
    waited: number;
  }>;
  queueDepth: { mean: number; max: number };
  utilization: readonly number[];
  busyShare: number;
  completedPerAgent: readonly number[];
  attempts: { started: number; retries: number };
  decisions: ReadonlyMap<string, number>;
  agents: { mean: number; max: number };
  perTask: readonly TaskHistory[] | undefined;
  prefixCache: { hitRate: number; blocksLookedUp: number } | undefined;
  traceHash: string;
}): SimReport {
  return {
    seed: input.seed,
    strategy: input.strategy,
    simulatedTime: seconds(input.simulatedMs),
    wallMs: Math.round(input.wallMs),
    tasks: { ...input.counts },
    latency: latencyStats(input.latency),
    wait: waitStats(input.wait, input.waited),
    byPriority: Object.fromEntries(
      input.byPriority.map((b) => [
        b.priority,
        { latency: latencyStats(b.latency), wait: waitStats(b.wait, b.waited), completed: b.completed },
      ]),
    ) as SimReport['byPriority'],
    throughput: input.throughputWindow.completed / seconds(input.throughputWindow.ms),
    utilization: { mean: input.busyShare, perAgent: [...input.utilization] },
    queueDepth: { ...input.queueDepth },
    fairness: jainFairness(input.completedPerAgent),
    attempts: { ...input.attempts },
    decisions: Object.fromEntries(input.decisions),
    agents: { ...input.agents },
    ...(input.prefixCache === undefined ? {} : { prefixCache: input.prefixCache }),
    ...(input.perTask === undefined ? {} : { perTask: input.perTask }),
    traceHash: input.traceHash,
  };
}
