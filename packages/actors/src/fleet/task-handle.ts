import type { Priority, Task, TaskOutcome, TimerHandle } from '@flotilla/core';
import type { AgentPool, TaskPlace } from '../delegation/agent-pool.js';
import type { DelegatedAgent, DelegatedTask } from '../delegation/delegated.js';
import { TaskNotCompletedError } from './task-errors.js';

/** Lifecycle and progress events of one task. */
export type TaskEventMap = {
  started: { attempt: number; agentId: string };
  progress: { fraction: number; message?: string };
  retrying: { attempt: number; delayMs: number; code: string };
  settled: TaskOutcome;
};

type Listener<K extends keyof TaskEventMap> = (event: TaskEventMap[K]) => void;

/**
 * What `fleet.submit` returns. `result` resolves with the handler's value, or rejects with a
 * `TaskNotCompletedError` carrying the outcome; `outcome` always resolves. Both promises are created only
 * when first read, so a task nobody awaits costs no promise and never raises an unhandled rejection.
 *
 * @example
 * ```ts
 * const handle = fleet.submit({ type: 'summarize', payload: text });
 * handle.on('progress', ({ fraction }) => console.log(`${Math.round(fraction * 100)}%`));
 * const summary = await handle.result;
 * ```
 */
export interface TaskHandle<R = unknown> {
  readonly id: string;
  readonly result: Promise<R>;
  readonly outcome: Promise<TaskOutcome<R>>;
  /** The outcome if the task has ended, else `undefined`. */
  readonly settled: TaskOutcome<R> | undefined;
  on<K extends keyof TaskEventMap>(event: K, listener: Listener<K>): this;
  /** Cancels the task if it has not ended; returns whether it did. */
  cancel(): boolean;
  /** Re-queues a waiting task at another priority; returns whether it was still waiting. */
  setPriority(priority: Priority): boolean;
}

/** The fleet-side controls a handle delegates to. */
export interface TaskControls {
  cancel(task: FleetTask): boolean;
  setPriority(task: FleetTask, priority: Priority): boolean;
}

/** What few tasks use: kept out of the task itself, which every task in flight carries through GC. */
interface Extras<R> {
  outcomePromise?: Promise<TaskOutcome<R>>;
  resolveOutcome?: (outcome: TaskOutcome<R>) => void;
  listeners?: Map<keyof TaskEventMap, Array<(event: never) => void>>;
}

/** Each fleet's controls, by its pools: a handle finds them through its pool (cancel is rare). */
const controlsOfPool = new WeakMap<object, TaskControls>();

/** @internal Gives the tasks of `pool` their fleet's controls. */
export function setTaskControls(pool: object, controls: TaskControls): void {
  controlsOfPool.set(pool, controls);
}

/**
 * @internal One submitted task: both the handle `fleet.submit` returns and the record the delegation
 * moves through queues and attempts. One object rather than two, and no field that most tasks leave
 * empty, because every task in flight survives young-generation collections and each of its bytes is
 * copied each time (GC was over a third of the bench's main thread).
 */
export class FleetTask<R = unknown> implements TaskHandle<R>, DelegatedTask {
  requiredMask = 0;
  place: TaskPlace = 'queued';
  queueHandle = -1;
  agent: DelegatedAgent | undefined = undefined;
  runId = 0;
  startedAtMs = 0;
  timer: TimerHandle | undefined = undefined;
  probe = false;
  private outcomeValue: TaskOutcome<R> | undefined = undefined;
  private resultPromise: Promise<R> | undefined = undefined;
  /**
   * Settles `result` either way: with the value, or with a rejected promise. Only the resolve function is
   * kept: the reject function the Promise constructor makes dies at once instead of riding along with
   * every task in flight (64 bytes each).
   */
  private resolveResult: ((value: R | PromiseLike<R>) => void) | undefined = undefined;
  private extras: Extras<R> | undefined = undefined;

  constructor(
    /** Its number in the fleet's record table (the `<n>` of its id `task-<n>`). */
    readonly key: number,
    readonly task: Task,
    readonly pool: AgentPool<DelegatedTask, DelegatedAgent>,
  ) {}

  get id(): string {
    return this.task.id;
  }

  get settled(): TaskOutcome<R> | undefined {
    return this.outcomeValue;
  }

  get result(): Promise<R> {
    this.resultPromise ??=
      this.outcomeValue !== undefined ? settleNow(this.id, this.outcomeValue) : this.pendingResult();
    return this.resultPromise;
  }

  private pendingResult(): Promise<R> {
    const promise = new Promise<R>(capture);
    this.resolveResult = captured.resolve as (value: R | PromiseLike<R>) => void;
    captured.resolve = captured.reject = undefined;
    return promise;
  }

  get outcome(): Promise<TaskOutcome<R>> {
    const extras = (this.extras ??= {});
    extras.outcomePromise ??=
      this.outcomeValue !== undefined
        ? Promise.resolve(this.outcomeValue)
        : new Promise((resolve) => {
            extras.resolveOutcome = resolve;
          });
    return extras.outcomePromise;
  }

  on<K extends keyof TaskEventMap>(event: K, listener: Listener<K>): this {
    const listeners = ((this.extras ??= {}).listeners ??= new Map());
    const list = listeners.get(event) ?? [];
    list.push(listener as (event: never) => void);
    listeners.set(event, list);
    return this;
  }

  cancel(): boolean {
    return this.controls().cancel(this as FleetTask);
  }

  setPriority(priority: Priority): boolean {
    return this.controls().setPriority(this as FleetTask, priority);
  }

  /** @internal True if anyone listens for `event`: callers skip building a payload nobody reads. */
  listens(event: keyof TaskEventMap): boolean {
    return this.extras?.listeners?.has(event) === true;
  }

  /** @internal */
  emit<K extends keyof TaskEventMap>(event: K, payload: TaskEventMap[K]): void {
    const list = this.extras?.listeners?.get(event);
    if (list !== undefined) for (const listener of list) (listener as Listener<K>)(payload);
  }

  /** @internal Sets the one terminal outcome; later calls are ignored (returns false). */
  settle(outcome: TaskOutcome<R>): boolean {
    if (this.outcomeValue !== undefined) return false;
    this.outcomeValue = outcome;
    if (outcome.kind === 'completed') this.resolveResult?.(outcome.result);
    else this.resolveResult?.(Promise.reject(new TaskNotCompletedError(this.id, outcome)));
    this.resolveResult = undefined;
    if (this.extras !== undefined) {
      this.extras.resolveOutcome?.(outcome);
      this.emit('settled', outcome as TaskOutcome);
    }
    return true;
  }

  /** The handle as it was before it carried the record: its id (the record would drag the pool along). */
  toJSON(): { id: string } {
    return { id: this.id };
  }

  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `TaskHandle { id: '${this.id}', settled: ${this.outcomeValue?.kind ?? 'no'} }`;
  }

  private controls(): TaskControls {
    return controlsOfPool.get(this.pool) as TaskControls;
  }
}

/**
 * The one executor every pending `result` promise is built with: it hands the resolving functions over
 * through `captured` (the constructor calls it synchronously). A closure per task would cost a function
 * and its context on the per-task path.
 */
const captured: {
  resolve: ((value: never) => void) | undefined;
  reject: ((error: unknown) => void) | undefined;
} = {
  resolve: undefined,
  reject: undefined,
};
function capture(resolve: (value: never) => void, reject: (error: unknown) => void): void {
  captured.resolve = resolve;
  captured.reject = reject;
}

function settleNow<R>(id: string, outcome: TaskOutcome<R>): Promise<R> {
  return outcome.kind === 'completed'
    ? Promise.resolve(outcome.result)
    : Promise.reject(new TaskNotCompletedError(id, outcome));
}
