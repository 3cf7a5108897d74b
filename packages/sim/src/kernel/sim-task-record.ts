import { DEFAULT_TENANT, type Priority, type Task, type TimerHandle } from '@flotilla/core';
import type { AgentPool, DelegatedAgent, DelegatedTask, TaskPlace } from '@flotilla/actors';
import type { Arrival } from '../workload/workload.js';
import type { SimTask } from './sim-executor.js';

const NO_CAPABILITIES: readonly string[] = Object.freeze([]);

/** The per-run task defaults a record copies (the scenario's `ttlMs`, `timeoutMs`, `maxAttempts`). */
export interface SimTaskDefaults {
  readonly ttlMs: number | undefined;
  readonly timeoutMs: number | undefined;
  readonly maxAttempts: number;
}

/**
 * A simulated task: the delegation's record and the task it carries in one object (`record.task === record`).
 * The delegation reads the task through `record.task` as the runtime's does; the simulator builds one
 * object per arrival instead of two, and with every field set in the constructor all records share one
 * hidden class, so the per-task path stays monomorphic. The two field sets do not overlap by name.
 *
 * Only what changes per task is an own field. What every task of a run shares (the defaults, the fixed
 * `payload`, `cost`, …) and what the arrival already holds (type, tenant, affinity key) are read through
 * accessors on the prototype: a record was 28 fields, a quarter of a simulated task's allocations, and
 * each field is a store per task. The task id (`t<index>`) is likewise built only when read (a dead letter).
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
  // ---- the simulator's
  lastAgentId: string | undefined = undefined;

  constructor(
    readonly index: number,
    readonly arrival: Arrival,
    readonly pool: AgentPool<DelegatedTask, DelegatedAgent>,
    nowMs: number,
    private readonly defaults: SimTaskDefaults,
    readonly counted: boolean,
    readonly onDone: (() => void) | undefined,
  ) {
    this.priority = arrival.priority;
    this.createdAt = nowMs;
  }

  get task(): Task {
    return this;
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
    return this.defaults.ttlMs;
  }

  get timeoutMs(): number | undefined {
    return this.defaults.timeoutMs;
  }

  get maxAttempts(): number {
    return this.defaults.maxAttempts;
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
