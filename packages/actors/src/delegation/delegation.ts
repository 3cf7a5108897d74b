import {
  createRetryPolicy,
  createRng,
  FlotillaError,
  MAX_ATTEMPTS_LIMIT,
  retryDecision,
  type Clock,
  type Priority,
  type RejectReason,
  type RetryPolicy,
  type Rng,
  type SerializedError,
  type TaskOutcome,
} from '@flotilla/core';
import { AgentPool, type AttemptStarter } from './agent-pool.js';
import { AgentRoster } from './agent-roster.js';
import { HandleTable } from './handle-table.js';
import { attachBreakers, type Breakers } from './breakers.js';
import { DeadLetterQueue, type DeadLetter } from './dead-letter.js';
import type { AttemptExecutor, DelegatedAgent, DelegatedTask, DelegationHooks } from './delegated.js';
import type { DelegationOptions, PoolSpec } from './delegation-options.js';

/** Code of a task attempt that ran past its `timeoutMs`. */
export const TASK_TIMEOUT = 'FLOTILLA_TASK_TIMEOUT';

/** Everything a {@link Delegation} is built from. */
export interface DelegationInput<R extends DelegatedTask, A extends DelegatedAgent> {
  readonly types: readonly PoolSpec[];
  readonly options: DelegationOptions;
  readonly clock: Clock;
  readonly seed: number;
  readonly executor: AttemptExecutor<R, A>;
  readonly hooks: DelegationHooks<R, A>;
  /**
   * Runs a callback at the end of the current step: a microtask in the runtime (default), the end of the
   * current event in the simulator. Pumps are coalesced to one per pool per step through it, so a burst
   * of results dispatches as one batch.
   */
  readonly defer?: (callback: () => void) => void;
  /** Redrive of a dead letter: a new submission (the runtime's returns its handle). */
  readonly redrive?: (entry: DeadLetter) => unknown;
  /**
   * Start a task inside `submit` when it finds its queue empty and an eligible agent free
   * (`AgentPool.dispatchNow`), rather than at the end of the step. Default false. The same agent, at the
   * same time: the pump at the end of the step would serve it first and pick from the same table. The
   * simulator sets it (a submission there is an event of its own, so the end of the step is the same
   * simulated instant, and the queue's push and pop and the deferred pump were an eighth of a simulated
   * task's cost). The runtime does not: a task handle's `started` listeners are attached after `submit`
   * returns, and would miss a start inside it.
   */
  readonly startOnSubmit?: boolean;
}

/**
 * The delegation logic, one for both clocks: every task from submission to its one terminal outcome.
 * It queues tasks per type ({@link AgentPool}), starts attempts through an {@link AttemptExecutor}, times
 * them out, retries with backoff and jitter, dead-letters what exhausts its attempts, feeds the breakers,
 * and handles lost agents ({@link AgentRoster}). The runtime (`createFleet`) wraps it with transports and
 * task handles; the simulator with simulated agents on a virtual clock — so a simulation is a statement
 * about what the runtime would do.
 *
 * @example
 * ```ts
 * const delegation = new Delegation({ types, options, clock, seed, executor, hooks });
 * delegation.roster.start();
 * delegation.submit(record); // hooks.settled(record, outcome) follows, exactly once
 * ```
 */
export class Delegation<R extends DelegatedTask, A extends DelegatedAgent> implements AttemptStarter<R, A> {
  readonly clock: Clock;
  readonly seed: number;
  readonly pools = new Map<string, AgentPool<R, A>>();
  readonly deadLetters: DeadLetterQueue;
  readonly roster: AgentRoster<R, A>;
  readonly breakers: Breakers | undefined;
  /** Attempts running: runId → task. */
  readonly runs = new HandleTable<R>();
  /** Attempts we stopped waiting for whose handlers may still run: runId → the agent whose slot they hold. */
  private readonly abandoned = new Map<number, A>();
  private readonly executor: AttemptExecutor<R, A>;
  private readonly hooks: DelegationHooks<R, A>;
  private readonly defer: (callback: () => void) => void;
  private readonly retryPolicy: RetryPolicy;
  private readonly retryRng: Rng;
  private readonly startOnSubmit: boolean;
  private liveCount = 0;
  /** No new work: the owner is closing (retries end in failure, submissions are refused). */
  private closing = false;

  constructor(input: DelegationInput<R, A>) {
    const { options, clock } = input;
    this.clock = clock;
    this.seed = input.seed;
    this.executor = input.executor;
    this.hooks = input.hooks;
    this.defer = input.defer ?? queueMicrotask;
    this.startOnSubmit = input.startOnSubmit ?? false;
    const rng = createRng(input.seed);
    this.retryRng = rng.fork('retry');
    this.retryPolicy = createRetryPolicy({
      maxAttempts: MAX_ATTEMPTS_LIMIT,
      baseDelayMs: options.retry?.baseDelayMs ?? 100,
      maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
      jitter: options.retry?.jitter ?? 'full',
      ...(options.retry?.multiplier === undefined ? {} : { multiplier: options.retry.multiplier }),
      ...(options.retry?.nonRetryableCodes === undefined
        ? {}
        : { nonRetryableCodes: options.retry.nonRetryableCodes }),
    });
    this.deadLetters = new DeadLetterQueue(
      options.deadLetter === false ? 0 : (options.deadLetter?.maxEntries ?? 10_000),
      (entry) => input.redrive?.(entry),
    );
    for (const spec of input.types) {
      const pool: AgentPool<R, A> = new AgentPool<R, A>(
        spec,
        options,
        clock,
        rng,
        (record) => this.settle(record, { kind: 'expired', phase: 'waiting', attempts: record.task.attempt }),
        this,
      );
      this.pools.set(spec.type, pool);
    }
    // The owner's hooks may be methods of an object (the simulator's are): called through it, not detached.
    const decision: DelegationHooks<R, A>['decision'] = (name, detail, extra) =>
      this.hooks.decision(name, detail, extra);
    this.breakers =
      options.breaker === undefined
        ? undefined
        : attachBreakers(options.breaker, clock, (pool) => this.wake(pool as AgentPool<R, A>), decision);
    this.roster = new AgentRoster<R, A>(this, {
      clock,
      executor: this.executor,
      decision,
      restart: options.restart ?? {},
      defer: this.defer,
    });
  }

  /** Tasks submitted and not yet settled. */
  get live(): number {
    return this.liveCount;
  }

  /** The pool of `type`, or undefined. */
  poolOf(type: string): AgentPool<R, A> | undefined {
    return this.pools.get(type);
  }

  /**
   * Takes a task in: refused (settled `rejected`, with the reason) when closing, when no agent of its type
   * has its capabilities, or under backpressure; otherwise queued for dispatch (or, with
   * {@link DelegationInput.startOnSubmit}, started at once if nothing waits ahead of it and an agent is
   * free). Returns whether it was accepted. `record.task.createdAt` is its submission time.
   */
  submit(record: R): boolean {
    const pool = this.poolFor(record);
    const task = record.task;
    if (this.closing) return this.refuse(record, 'shutting-down', 'the fleet is closing');
    const requiredMask = pool.table.requirementMask(task.requiredCapabilities);
    if (requiredMask < 0) {
      return this.refuse(
        record,
        'invalid',
        `no ${task.type} agent has capabilities ${task.requiredCapabilities.join(', ')}`,
      );
    }
    record.requiredMask = requiredMask;
    if (pool.shouldShed(task.priority)) {
      return this.refuse(
        record,
        'backpressure',
        `${task.type} queue is under backpressure (${pool.queue.size} waiting)`,
      );
    }
    this.liveCount++;
    if (this.startOnSubmit && pool.dispatchNow(record)) return true;
    if (!pool.enqueue(record, this.shed)) {
      this.settle(record, {
        kind: 'rejected',
        reason: 'backpressure',
        message: `${task.type} queue is full (${pool.queue.maxDepth})`,
      });
      return false;
    }
    this.wake(pool);
    return true;
  }

  /** An attempt's handler returned `value`. */
  completed(runId: number, value: unknown, nowMs = this.clock.now()): void {
    const record = this.runs.take(runId);
    if (record === undefined) return this.released(runId); // a late answer to an abandoned attempt
    this.finishRun(record, true, undefined, false, nowMs, false);
    this.settle(record, { kind: 'completed', result: value, attempts: record.task.attempt });
  }

  /** An attempt's handler threw `error` (or its result could not travel back). */
  failed(runId: number, error: SerializedError, nowMs = this.clock.now()): void {
    const record = this.runs.take(runId);
    if (record === undefined) return this.released(runId);
    this.finishRun(record, false, error, false, nowMs, false);
  }

  /**
   * An attempt ended with a terminal outcome decided outside the agent (a broker expired the run in its
   * queue, or refused it): the task settles with `outcome`, without a retry.
   */
  ended(runId: number, outcome: TaskOutcome): void {
    const record = this.runs.take(runId);
    if (record === undefined) return this.released(runId);
    if (record.timer !== undefined) this.clock.clearTimer(record.timer);
    record.timer = undefined;
    this.leaveAgent(record, false);
    this.settle(record, outcome);
  }

  /** An abandoned attempt (timed out, cancelled) has stopped: its slot is free now. */
  released(runId: number): void {
    const agent = this.abandoned.get(runId);
    if (agent === undefined) return;
    this.abandoned.delete(runId);
    agent.running--;
    this.freeSlot(agent);
  }

  /**
   * `agents` are gone with whatever ran on them (a dead thread, a crashed process): their running
   * attempts fail with `error` (and retry per policy), tasks in their local queues go back to the central
   * queue, and attempts abandoned on them have certainly stopped.
   */
  lost(agents: readonly A[], error: SerializedError): void {
    const gone = new Set<DelegatedAgent>(agents);
    for (const [runId, agent] of [...this.abandoned]) if (gone.has(agent)) this.released(runId);
    // Local queues first: freeing a running attempt's slot must not start a waiting task on a dead agent.
    for (const agent of agents) {
      const pool = this.pools.get(agent.type) as AgentPool<R, A>;
      for (const record of agent.local.splice(0) as R[]) {
        record.agent = undefined;
        pool.table.release(agent.slot);
        if (!pool.enqueue(record, this.shed)) this.finalFailure(record, error, false);
      }
    }
    for (const record of this.runs.values()) {
      if (record.agent === undefined || !gone.has(record.agent)) continue;
      this.runs.delete(record.runId);
      this.finishRun(record, false, error, false, this.clock.now(), false);
    }
    for (const pool of this.pools.values()) this.wake(pool);
  }

  /** Cancels a live task: it settles `cancelled` now; a running attempt is asked to stop. */
  cancel(record: R): boolean {
    if (record.place === 'done') return false;
    const attempts = record.task.attempt;
    switch (record.place) {
      case 'queued':
        record.pool.queue.remove(record.queueHandle);
        record.pool.depthChanged();
        break;
      case 'running': {
        const agent = record.agent as A;
        this.runs.delete(record.runId);
        // A half-open breaker counts every probe it admitted: a cancelled probe counts as failed.
        if (record.probe) this.breakers?.recorded(record.pool, agent, false, 0, true);
        this.executor.abort(agent, record.runId, 'cancelled');
        this.leaveAgent(record, true);
        break;
      }
      case 'local':
        this.leaveAgent(record, false);
        break;
      default:
        break;
    }
    this.settle(record, { kind: 'cancelled', attempts });
    return true;
  }

  /** Moves a queued task to another priority; false if it is not waiting in the central queue. */
  setPriority(record: R, priority: Priority): boolean {
    if (record.place !== 'queued') return false;
    const handle = record.pool.queue.reprioritize(record.queueHandle, priority, this.clock.now());
    if (handle === undefined) return false;
    record.queueHandle = handle;
    record.task.priority = priority;
    this.wake(this.poolFor(record));
    return true;
  }

  /** From now on: no new submissions, and failed attempts are not retried. */
  beginClosing(): void {
    this.closing = true;
  }

  /**
   * Ends the live tasks among `records` (the owner keeps them: the fleet by id): running and locally
   * queued ones are cancelled, waiting ones (queued or in backoff) are rejected as shutting down.
   */
  settleAll(records: Iterable<R>): void {
    for (const record of [...records]) {
      if (record.place === 'running' || record.place === 'local') this.cancel(record);
      else if (record.place !== 'done') {
        if (record.place === 'queued') record.pool.queue.remove(record.queueHandle);
        this.settle(record, {
          kind: 'rejected',
          reason: 'shutting-down',
          message: 'the fleet closed before the task ran',
        });
      }
    }
  }

  /**
   * The live tasks that are not waiting on a timer: in central and local queues, or running. When no
   * event is left to move them (a simulation that ran dry), these are all the live tasks.
   */
  stranded(): R[] {
    const waiting: R[] = [];
    for (const pool of this.pools.values()) waiting.push(...pool.queue.drainAll());
    // Out of the queue now: settleAll must not remove them from it again.
    for (const record of waiting) record.place = 'backoff';
    for (const pool of this.pools.values())
      for (const agent of pool.agents.values()) waiting.push(...(agent.local as R[]));
    return [...waiting, ...this.runs.values()];
  }

  /** Stops timers and actors. */
  stop(): void {
    this.roster.stop();
    for (const pool of this.pools.values()) pool.stop();
    this.breakers?.stop();
  }

  /** Schedules one pump of `pool` at the end of this step, however many times it is asked. */
  wake(pool: AgentPool<R, A>): void {
    if (pool.pumpScheduled) return;
    pool.pumpScheduled = true;
    this.defer(pool.scheduledPump);
  }

  /** @internal The agent's slot is free: start its next local task, finish a drain, dispatch more. */
  freeSlot(agent: A, pool = this.pools.get(agent.type) as AgentPool<R, A>): void {
    pool.table.release(agent.slot);
    pool.startNextLocal(agent);
    if (agent.draining && pool.table.loadOf(agent.slot) === 0) this.roster.drained(agent);
    // A free slot matters to the pump only if a task waits for one (an unsaturated pool's usual case:
    // every completion would otherwise queue a pump that finds nothing to do).
    if (pool.queue.size > 0) this.wake(pool);
  }

  // ------------------------------------------------------------------ attempts

  /**
   * @internal Starts an attempt of `record` on `agent`, whose slot the pool has assigned. Kept small, with
   * the timeout out of line: V8 inlines a bounded amount of bytecode into each optimized function, and
   * what is not inlined here stays a call on every start.
   */
  startAttempt(record: R, agent: A, nowMs: number): void {
    const runId = this.runs.add(record);
    record.place = 'running';
    record.runId = runId;
    record.startedAtMs = nowMs;
    record.task.attempt++;
    agent.running++;
    record.probe = this.breakers === undefined ? false : this.breakers.probeStarted(record.pool, agent);
    this.executor.run(record, agent, runId);
    this.hooks.started?.(record, agent);
    const timeoutMs = record.task.timeoutMs;
    if (timeoutMs !== undefined) this.armTimeout(record, agent, runId, timeoutMs);
  }

  /** Ends attempt `runId` as timed out if it still runs `timeoutMs` from now. */
  private armTimeout(record: R, agent: A, runId: number, timeoutMs: number): void {
    record.timer = this.clock.setTimer(timeoutMs, () => {
      record.timer = undefined;
      if (record.runId !== runId || record.place !== 'running') return;
      this.runs.delete(runId);
      this.executor.abort(agent, runId, 'timeout');
      const error = new FlotillaError(
        TASK_TIMEOUT,
        `attempt ${record.task.attempt} ran past timeoutMs ${timeoutMs}`,
      ).toJSON();
      this.finishRun(record, false, error, true, this.clock.now(), true);
    });
  }

  /** One attempt ended: result, failure, timeout or a lost agent. */
  private finishRun(
    record: R,
    success: boolean,
    error: SerializedError | undefined,
    timedOut: boolean,
    nowMs: number,
    holdSlot: boolean,
  ): void {
    const agent = record.agent as A;
    const durationMs = nowMs - record.startedAtMs;
    if (record.timer !== undefined) this.clock.clearTimer(record.timer);
    record.timer = undefined;
    agent.busyMs += durationMs;
    if (success) agent.completed++;
    // Only when a strategy listens (latency-ewma): the call, not inlined into the completion, passed its
    // two times as heap numbers on every finished attempt.
    const table = record.pool.table;
    if (table.observesLatency) table.recordLatency(agent.slot, Math.max(0, durationMs), nowMs);
    this.breakers?.recorded(record.pool, agent, success, durationMs, record.probe);
    this.leaveAgent(record, holdSlot);
    if (!success) this.failAttempt(record, error as SerializedError, timedOut);
  }

  /**
   * The task leaves its agent. A running attempt that was abandoned (timed out, cancelled) keeps its slot
   * until the executor says the handler has actually stopped: capacity counts what runs, not what we
   * still wait for, so a handler slow to honour its abort signal never has company beyond capacity.
   */
  private leaveAgent(record: R, holdSlot: boolean): void {
    const agent = record.agent as A | undefined;
    if (agent === undefined) return;
    record.agent = undefined;
    if (record.place === 'running' && holdSlot) {
      this.abandoned.set(record.runId, agent);
      return;
    }
    if (record.place === 'running') agent.running--;
    else if (record.place === 'local') agent.local.splice(agent.local.indexOf(record), 1);
    // The record's pool is its agent's (tasks are dispatched within their type): no lookup by type.
    this.freeSlot(agent, this.poolFor(record));
  }

  private failAttempt(record: R, error: SerializedError, timedOut: boolean): void {
    const attempt = record.task.attempt;
    const verdict = retryDecision(this.retryPolicy, attempt, error, this.retryRng);
    if (!verdict.retry || attempt >= record.task.maxAttempts || this.closing) {
      this.finalFailure(record, error, timedOut);
      return;
    }
    record.place = 'backoff';
    this.hooks.retrying?.(record, attempt + 1, verdict.delayMs, error);
    record.timer = this.clock.setTimer(verdict.delayMs, () => {
      record.timer = undefined;
      if (record.place !== 'backoff') return;
      if (!this.poolFor(record).enqueue(record, this.shed)) {
        this.finalFailure(record, error, false);
        return;
      }
      this.wake(this.poolFor(record));
    });
  }

  private finalFailure(record: R, error: SerializedError, timedOut: boolean): void {
    const attempts = record.task.attempt;
    if (timedOut) this.settle(record, { kind: 'expired', phase: 'running', attempts });
    else if (this.deadLetters.enabled) {
      this.deadLetters.add({ task: record.task, error, attempts, deadLetteredAtMs: this.clock.now() });
      this.settle(record, { kind: 'dead-lettered', error, attempts });
    } else this.settle(record, { kind: 'failed', error, attempts });
  }

  // ------------------------------------------------------------------ outcomes

  /** The pool a task belongs to, typed for this delegation's records. */
  private poolFor(record: R): AgentPool<R, A> {
    return record.pool as AgentPool<R, A>;
  }

  private readonly shed = (record: R): void => {
    this.settle(record, {
      kind: 'rejected',
      reason: 'backpressure',
      message: 'shed from a full queue by a more urgent task',
    });
  };

  private refuse(record: R, reason: RejectReason, message: string): false {
    record.place = 'done';
    this.hooks.settled(record, { kind: 'rejected', reason, message });
    return false;
  }

  private settle(record: R, outcome: TaskOutcome): void {
    if (record.place === 'done') return;
    record.place = 'done';
    if (record.timer !== undefined) this.clock.clearTimer(record.timer);
    record.timer = undefined;
    this.liveCount--;
    this.hooks.settled(record, outcome);
    if (this.liveCount === 0) this.hooks.idle?.();
  }
}
