import { DEFAULT_TENANT, type Priority, type Task, type TimerHandle } from '@flotilla/core';
import type { AgentPool, DelegatedAgent, DelegatedTask, TaskPlace } from '@flotilla/actors';
import type { Arrival } from '../workload/workload.js';
import type { SimTask } from './sim-executor.js';

const NO_CAPABILITIES: readonly string[] = Object.freeze([]);

/**
 * What every task of a run shares, held once and read through each record: the scenario's per-task
 * defaults, and where the measured tasks begin.
 */
export interface SimTaskShared {
  readonly ttlMs: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly maxAttempts: number;
  /** The index of the first task submitted after the warm-up (`Infinity` until it ends). */
  firstCountedIndex: number;
}

/**
 * A simulated task: the delegation's record and the task it carries in one object (`record.task === record`).
 * The delegation reads the task through `record.task` as the runtime's does; the simulator builds one
 * object per arrival instead of two, and with every field set in the constructor all records share one
 * hidden class, so the per-task path stays monomorphic. The two field sets do not overlap by name.
 *
 * Only what changes per task is an own field. What every task of a run shares (the defaults, whether it
 * is measured, the fixed `payload`, `cost`, …) and what the arrival already holds (type, tenant, affinity
 * key) are read through accessors on the prototype: a record was 28 fields, a quarter of a simulated
 * task's allocations, and each field is a store per task (taking the warm-up flag, the closed-loop
 * callback and the history's agent id out of the record, 18 fields to 15, made a simulated task about 5%
 * faster). The task id (`t<index>`) is likewise built only when read (a dead letter).
 *
 * Arrivals come from validated workloads, so nothing here is validated again (createTask's per-field
 * checks cost more than the rest of a submission).
 */
export class SimTaskRecord implements SimTask, Task {
  // ---- the task
  priority: Priority;
  readonly createdAt: number;
  attempt = 0;
  // ---- the delegation's record
  requiredMask = 0;
  place: TaskPlace = 'queued';
  queueHandle = -1;
  agent: DelegatedAgent | undefined = undefined;
  /**
   * 0 before the first attempt, as a double (`-0`, equal to 0 in every comparison): run ids outgrow the
   * small-integer range after about 80,000 tasks, and a field that changed representation then deprecated
   * every record's hidden class and deoptimized the whole per-task path at once.
   */
  runId = -0;
  startedAtMs = 0;
  timer: TimerHandle | undefined = undefined;
  probe = false;

  constructor(
    readonly index: number,
    readonly arrival: Arrival,
    readonly pool: AgentPool<DelegatedTask, DelegatedAgent>,
    nowMs: number,
    private readonly shared: SimTaskShared,
  ) {
    this.priority = arrival.priority;
    this.createdAt = nowMs;
  }

  get task(): Task {
    return this;
  }

  /** Submitted after the warm-up: its latency and wait count. */
  get counted(): boolean {
    return this.index >= this.shared.firstCountedIndex;
  }

  /** `t<index>`, built on demand. */
  get id(): string {
    return `t${this.index}`;
  }

  get type(): string {
    return this.arrival.type;
  }

  get payload(): undefined {
    return undefined;
  }

  get ttlMs(): number | undefined {
    return this.shared.ttlMs;
  }

  get timeoutMs(): number | undefined {
    return this.shared.timeoutMs;
  }

  get maxAttempts(): number {
    return this.shared.maxAttempts;
  }

  get affinityKey(): string | undefined {
    return this.arrival.affinityKey;
  }

  get requiredCapabilities(): readonly string[] {
    return NO_CAPABILITIES;
  }

  get tenant(): string {
    return this.arrival.tenant ?? DEFAULT_TENANT;
  }

  get cost(): number {
    return 1;
  }

  get idempotencyKey(): undefined {
    return undefined;
  }
}
