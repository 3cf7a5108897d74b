import type { AgentPool, DelegatedAgent, DelegatedTask, Delegation } from '@flotilla/actors';
import { priorityLevel, type VirtualClock } from '@flotilla/core';
import type { Arrival, WorkloadContext } from '../workload/workload.js';
import { TRACE_SUBMITTED, type RunRecorder } from './run-recorder.js';
import type { SimAgent, SimTask } from './sim-executor.js';
import { SimTaskRecord, type SimTaskShared } from './sim-task-record.js';
import type { TraceHash } from './trace-hash.js';

/** When a simulation stops admitting, or ends its warm-up: after so many tasks, or at a simulated time. */
export type RunBound = { readonly tasks: number } | { readonly timeMs: number };

/**
 * The workloads' side of a simulation (their {@link WorkloadContext}): it turns arrivals into task records
 * and submits them to the delegation, ends the warm-up, and stops admitting at the stop condition.
 *
 * A class, not a literal of closures, for the reason {@link RunRecorder} is one: the workloads call it on
 * every arrival, and closures made per simulation were new call targets in each later one.
 */
export class Admission implements WorkloadContext {
  /** Simulated time the measured window starts (the end of the warm-up; 0 without one). */
  measureFromMs = 0;
  /** When arrivals stopped (NaN while they have not): throughput is measured up to here. */
  admissionEndMs = Number.NaN;
  private nextTask = 0;
  // The bounds as numbers, one of each pair infinite, read per submission without `in` tests.
  private readonly stopTasks: number;
  private readonly stopTimeMs: number;
  private readonly warmupTasks: number;
  private readonly warmupTimeMs: number;
  // Most runs have one type: the last lookup answers again without hashing the name.
  private lastType: string | undefined;
  private lastPool: AgentPool<DelegatedTask, DelegatedAgent> | undefined;

  constructor(
    private readonly clock: VirtualClock,
    private readonly delegation: Delegation<SimTask, SimAgent>,
    private readonly recorder: RunRecorder,
    private readonly hash: TraceHash,
    private readonly shared: SimTaskShared,
    stop: RunBound,
    warmup: RunBound | undefined,
    /** Runs once, at the first submission after the warm-up. */
    private readonly onWarm: (nowMs: number) => void,
  ) {
    this.stopTasks = 'tasks' in stop ? stop.tasks : Number.POSITIVE_INFINITY;
    this.stopTimeMs = 'timeMs' in stop ? stop.timeMs : Number.POSITIVE_INFINITY;
    // A warm-up of tasks, else of time (an object with both keys counts tasks, as it always did).
    const warmupInTasks = warmup !== undefined && 'tasks' in warmup;
    this.warmupTasks = warmupInTasks ? warmup.tasks : Number.POSITIVE_INFINITY;
    this.warmupTimeMs = !warmupInTasks && warmup !== undefined ? warmup.timeMs : Number.POSITIVE_INFINITY;
  }

  now(): number {
    return this.clock.now();
  }

  at(atMs: number, callback: () => void): void {
    // No handle: workloads never cancel an arrival, and building one per arrival cost a heap number.
    this.clock.callAt(Math.max(atMs, this.clock.now()), callback, 0);
  }

  active(): boolean {
    return this.recorder.admitting;
  }

  submit(arrival: Arrival, onDone?: () => void): void {
    if (!this.recorder.admitting) return;
    const pool = arrival.type === this.lastType ? this.lastPool : this.delegation.poolOf(arrival.type);
    if (pool === undefined)
      throw new RangeError(`workload submits type "${arrival.type}", which no agent serves`);
    this.lastType = arrival.type;
    this.lastPool = pool;
    const nowMs = this.clock.now();
    const index = this.nextTask++;
    // Still warming up while no task has been counted yet (without a warm-up the first index is 0).
    const warming = this.shared.firstCountedIndex === Number.POSITIVE_INFINITY;
    if (warming && (index >= this.warmupTasks || nowMs >= this.warmupTimeMs)) this.endWarmup(index, nowMs);
    const counts = this.recorder.counts;
    counts.submitted++;
    if (onDone !== undefined) this.recorder.onDone.set(index, onDone);
    const record = new SimTaskRecord(index, arrival, pool, nowMs, this.shared);
    this.hash.add(nowMs, TRACE_SUBMITTED, priorityLevel(arrival.priority), index);
    this.delegation.submit(record);
    if (counts.submitted >= this.stopTasks || nowMs >= this.stopTimeMs) this.stopAdmitting();
  }

  /** No more arrivals from now on (the stop condition, or the stop time's timer). */
  stopAdmitting(): void {
    if (!this.recorder.admitting) return;
    this.recorder.admitting = false;
    this.admissionEndMs = this.clock.now();
  }

  /** From here on every statistic covers the measured window only. */
  private endWarmup(index: number, nowMs: number): void {
    this.shared.firstCountedIndex = index;
    this.measureFromMs = nowMs;
    this.onWarm(nowMs);
  }
}
