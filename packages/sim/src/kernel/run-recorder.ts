import type { DelegationHooks } from '@flotilla/actors';
import { LatencyHistogram, PRIORITIES, priorityLevel, type Clock, type TaskOutcome } from '@flotilla/core';
import type { TaskHistory } from './report.js';
import type { SimAgent, SimTask } from './sim-executor.js';
import type { TraceHash } from './trace-hash.js';

/** Counts of the terminal outcomes (and submissions), for the report. */
export interface OutcomeCounts {
  submitted: number;
  completed: number;
  failed: number;
  deadLettered: number;
  expired: number;
  rejected: number;
  cancelled: number;
}

/** One priority's share of a {@link Stats}. */
export interface PriorityStats {
  readonly latency: LatencyHistogram;
  readonly wait: LatencyHistogram;
  completed: number;
  waited: number;
}

/** What the report's statistics accumulate over a set of tasks. */
export interface Stats {
  readonly latency: LatencyHistogram;
  readonly wait: LatencyHistogram;
  readonly byPriority: readonly PriorityStats[];
  waited: number;
  /** Completions while arrivals were still admitted (the throughput window). */
  completedInWindow: number;
}

function newStats(): Stats {
  return {
    latency: new LatencyHistogram({ highestTrackableMs: 1e10, resolutionMs: 0.001 }),
    wait: new LatencyHistogram({ highestTrackableMs: 1e10, resolutionMs: 0.001 }),
    byPriority: PRIORITIES.map(() => ({
      latency: new LatencyHistogram({ highestTrackableMs: 1e10 }),
      wait: new LatencyHistogram({ highestTrackableMs: 1e10 }),
      completed: 0,
      waited: 0,
    })),
    waited: 0,
    completedInWindow: 0,
  };
}

/** The trace hash's event kinds: a submission, a start and each terminal outcome. */
export const TRACE_SUBMITTED = 0;
const TRACE_STARTED = 4;
const TRACE_COMPLETED = 1;
type OtherOutcome = Exclude<TaskOutcome['kind'], 'completed'>;
/** Each outcome other than completion: its trace code and its count in the report. */
const OTHER_OUTCOMES: Readonly<Record<OtherOutcome, { code: number; count: keyof OutcomeCounts }>> = {
  expired: { code: 2, count: 'expired' },
  rejected: { code: 3, count: 'rejected' },
  failed: { code: 5, count: 'failed' },
  'dead-lettered': { code: 6, count: 'deadLettered' },
  cancelled: { code: 7, count: 'cancelled' },
};

/**
 * What a simulation records as its delegation runs, as the delegation's hooks: outcome counts, latency and
 * wait overall and per priority (warm-up tasks apart), attempts, the trace hash's start and outcome
 * events, and (if asked) every task's history.
 *
 * A class, not a literal of closures: the delegation calls its hooks on every start and outcome, and
 * closures made per simulation were new call targets in each one after the first in a process, where V8
 * deoptimized those calls; prototype methods stay one target.
 */
export class RunRecorder implements DelegationHooks<SimTask, SimAgent> {
  readonly counts: OutcomeCounts = {
    submitted: 0,
    completed: 0,
    failed: 0,
    deadLettered: 0,
    expired: 0,
    rejected: 0,
    cancelled: 0,
  };
  /** Tasks submitted after the warm-up. */
  readonly measured: Stats = newStats();
  /**
   * Warm-up tasks go through the same statistics code into a set that is thrown away: code first reached
   * when the warm-up ends (after 100,000 tasks in the benchmark) had no type feedback, and reaching it
   * deoptimized the per-task path in the middle of the run.
   */
  readonly warming: Stats;
  readonly attempts = { started: 0, retries: 0 };
  readonly decisions = new Map<string, number>();
  /** Arrivals are still admitted: completions count towards throughput. */
  admitting = true;
  /** The callbacks of tasks submitted with one (closed-loop clients), by task index, until they settle. */
  readonly onDone = new Map<number, () => void>();
  /** The agent of each live task's latest attempt, by task index (only for `perTask` histories). */
  private readonly lastAgents = new Map<number, string>();

  constructor(
    private readonly clock: Clock,
    private readonly hash: TraceHash,
    hasWarmup: boolean,
    readonly perTask: TaskHistory[] | undefined,
    /** Control decisions go on to the simulation (agents stopping, the fleet's size). */
    private readonly onDecision: (name: string, agentId: string | undefined) => void,
  ) {
    this.warming = hasWarmup ? newStats() : this.measured;
  }

  started(record: SimTask, agent: SimAgent): void {
    if (this.perTask !== undefined) this.lastAgents.set(record.index, agent.id);
    const nowMs = record.startedAtMs;
    const attempt = record.task.attempt;
    this.attempts.started++;
    if (attempt > 1) this.attempts.retries++;
    this.hash.add(nowMs, TRACE_STARTED, agent.slot, record.index);
    if (attempt !== 1) return; // wait: submission to first start
    const stats = record.counted ? this.measured : this.warming;
    const waitedMs = nowMs - record.task.createdAt;
    const bucket = stats.byPriority[priorityLevel(record.task.priority)] as PriorityStats;
    // Same values, same buckets: one lookup for the overall and the priority's histogram.
    stats.wait.recordBoth(bucket.wait, waitedMs);
    // Added whether or not it waited: code first reached deep into a run (the first task that waits, after
    // about 260,000 tasks here) has no type feedback, and reaching it deoptimized the dispatch path.
    const hasWaited = waitedMs > 0 ? 1 : 0;
    stats.waited += hasWaited;
    bucket.waited += hasWaited;
  }

  settled(record: SimTask, outcome: TaskOutcome): void {
    const nowMs = this.clock.now();
    const kind = outcome.kind;
    let code = TRACE_COMPLETED;
    if (kind === 'completed') this.countCompleted(record);
    else code = this.countOther(kind);
    this.hash.add(nowMs, code, record.index, record.agent?.slot ?? -1);
    if (this.perTask !== undefined) this.addHistory(record, outcome, nowMs);
    if (this.onDone.size > 0) this.callOnDone(record.index);
  }

  decision(name: string, _detail: string, extra: { readonly agentId?: string }): void {
    this.decisions.set(name, (this.decisions.get(name) ?? 0) + 1);
    this.onDecision(name, extra.agentId);
  }

  /**
   * Counts a completion and records its latency. It takes the record alone and reads the time itself:
   * V8 does not inline all of the completion path into one function, and a call it does not inline
   * passes each double as a new heap number (the latency, when this was written inline in `settled`).
   */
  private countCompleted(record: SimTask): void {
    this.counts.completed++;
    const stats = record.counted ? this.measured : this.warming;
    if (this.admitting) stats.completedInWindow++;
    const bucket = stats.byPriority[priorityLevel(record.task.priority)] as PriorityStats;
    stats.latency.recordBoth(bucket.latency, this.clock.now() - record.task.createdAt);
    bucket.completed++;
  }

  /**
   * Counts an outcome other than completion and returns its trace code (out of line: the per-task path is
   * the completion, whose code is a constant rather than a keyed lookup).
   */
  private countOther(kind: OtherOutcome): number {
    const outcome = OTHER_OUTCOMES[kind];
    this.counts[outcome.count]++;
    return outcome.code;
  }

  private callOnDone(index: number): void {
    const onDone = this.onDone.get(index);
    if (onDone === undefined) return;
    this.onDone.delete(index);
    onDone();
  }

  private addHistory(record: SimTask, outcome: TaskOutcome, nowMs: number): void {
    const agent = this.lastAgents.get(record.index);
    this.lastAgents.delete(record.index);
    this.perTask?.push({
      index: record.index,
      priority: record.task.priority,
      submitted: record.task.createdAt / 1000,
      started: record.runId === 0 ? null : record.startedAtMs / 1000,
      ended: nowMs / 1000,
      outcome: outcome.kind,
      attempts: record.task.attempt,
      agent: agent ?? null,
    });
  }
}
