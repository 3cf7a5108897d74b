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
 * The task id (`t<index>`) is built only when read: the delegation reads it only for a dead letter, and a
 * string per task was a tenth of a simulated task's allocations.
 *
 * Arrivals come from validated workloads, so nothing here is validated again (createTask's per-field
 * checks cost more than the rest of a submission).
 */
export class SimTaskRecord implements SimTask, Task {
  // ---- the task
  readonly task: Task;
  readonly type: string;
  readonly payload: undefined = undefined;
  priority: Priority;
  readonly createdAt: number;
  readonly ttlMs: number | undefined;
  readonly timeoutMs: number | undefined;
  attempt = 0;
  readonly maxAttempts: number;
  readonly affinityKey: string | undefined;
  readonly requiredCapabilities: readonly string[] = NO_CAPABILITIES;
  readonly tenant: string;
  readonly cost = 1;
  readonly idempotencyKey: undefined = undefined;
  // ---- the delegation's record
  requiredMask = 0;
  place: TaskPlace = 'queued';
  queueHandle = -1;
  agent: DelegatedAgent | undefined = undefined;
  runId = 0;
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
    defaults: SimTaskDefaults,
    readonly counted: boolean,
    readonly onDone: (() => void) | undefined,
  ) {
    this.task = this;
    this.type = arrival.type;
    this.priority = arrival.priority;
    this.createdAt = nowMs;
    this.ttlMs = defaults.ttlMs;
    this.timeoutMs = defaults.timeoutMs;
    this.maxAttempts = defaults.maxAttempts;
    this.affinityKey = arrival.affinityKey;
    this.tenant = arrival.tenant ?? DEFAULT_TENANT;
  }

  /** `t<index>`, built on demand. */
  get id(): string {
    return `t${this.index}`;
  }
}
