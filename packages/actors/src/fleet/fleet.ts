import { EventEmitter } from 'node:events';
import {
  ConfigError,
  CounterSet,
  createTask,
  defaultSeed,
  FlotillaError,
  OUTCOME_KINDS,
  systemClock,
  type OutcomeKind,
  type Priority,
  type TaskOutcome,
  type TaskSpec,
} from '@flotilla/core';
import type { AutoscaleOptions, Autoscaling } from '../delegation/autoscaling.js';
import type { DeadLetter, DeadLetterQueue } from '../delegation/dead-letter.js';
import { Delegation } from '../delegation/delegation.js';
import { HandleTable } from '../delegation/handle-table.js';
import { TASK_ID_PREFIX, taskIdOf } from '../protocol/task-ids.js';
import { checkFleetOptions, resolveAgentType, type FleetOptions } from './options.js';
import { FleetTask, setTaskControls, type TaskControls, type TaskHandle } from './task-handle.js';
import { collectStats, type FleetStats } from './stats.js';
import { TransportExecutor, type AgentRecord, type TaskRecord } from './transport-executor.js';

export { TASK_TIMEOUT } from '../delegation/delegation.js';

/** A fleet-level event: every task outcome, and every control decision. */
export type FleetEvent =
  | { readonly kind: 'task'; readonly taskId: string; readonly type: string; readonly outcome: TaskOutcome }
  | {
      readonly kind: 'decision';
      readonly decision: string;
      readonly agentId?: string;
      readonly type?: string;
      readonly detail: string;
    };

/** A running fleet. Create it with {@link createFleet}. */
export interface Fleet {
  /** Resolves once every agent module is loaded and every agent is ready; rejects if a module cannot load. */
  ready(): Promise<void>;
  submit<R = unknown, P = unknown>(spec: TaskSpec<P>): TaskHandle<R>;
  submitMany<R = unknown, P = unknown>(specs: readonly TaskSpec<P>[]): TaskHandle<R>[];
  cancel(taskId: string): boolean;
  setPriority(taskId: string, priority: Priority): boolean;
  /** Stops dispatching tasks of `type` (they keep queueing) until `resume`. */
  pause(type: string): void;
  resume(type: string): void;
  /** Lets the agent finish what it holds, gives it nothing new, then removes it. */
  drain(agentId: string): void;
  /** Grows or shrinks a type to `replicas` agents (shrinking drains idle agents first). */
  scale(type: string, replicas: number): void;
  /**
   * Starts an autoscaler for `type` (min/max agents, utilization and queue targets, hysteresis,
   * cooldown). It never adds agents while the type's rate limit is what holds tasks back; its decisions
   * are also fleet events (`decision: 'autoscale'`).
   */
  autoscale(type: string, options: AutoscaleOptions): Autoscaling;
  readonly deadLetters: DeadLetterQueue<TaskHandle>;
  stats(): FleetStats;
  on(event: 'event', listener: (event: FleetEvent) => void): this;
  off(event: 'event', listener: (event: FleetEvent) => void): this;
  /** Graceful shutdown: with `drain` (default) every queued and running task finishes first. */
  close(options?: { drain?: boolean }): Promise<void>;
}

const IDEMPOTENCY_MEMORY = 100_000;

const OUTCOME_INDEX = Object.fromEntries(OUTCOME_KINDS.map((kind, i) => [kind, i])) as Record<
  OutcomeKind,
  number
>;

/**
 * Starts a fleet: agents in worker threads (module agents) or in-process (handler agents), a central
 * priority queue per type, the chosen balancing strategy, rate limits, retries, a dead-letter queue and
 * optional breakers. Every submitted task ends in exactly one outcome. The delegation logic is the
 * simulator's own ({@link Delegation}); the fleet adds transports, task handles and events.
 *
 * @example
 * ```ts
 * const fleet = createFleet({
 *   agents: [{ type: 'summarize', module: './agents/summarize.js', replicas: 4, capacity: 2 }],
 *   strategy: 'power-of-two',
 * });
 * const summary = await fleet.submit({ type: 'summarize', payload: { text } }).result;
 * await fleet.close();
 * ```
 */
export function createFleet(options: FleetOptions): Fleet {
  checkFleetOptions(options);
  const types = options.agents.map((agent, i) => resolveAgentType(agent, i, options.transport !== undefined));
  // Payloads of every type not run in-process cross a boundary (a thread, a broker): refused at submit if they cannot.
  const moduleTypes = new Set(types.filter((t) => t.handler === undefined).map((t) => t.type));
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? defaultSeed();
  const startedAtMs = clock.now();
  const emitter = new EventEmitter();
  let listening = false; // checked on every outcome, so kept as a flag rather than asked of the emitter
  const outcomes = new CounterSet<OutcomeKind>(OUTCOME_KINDS);
  /** Live tasks by the number in their id (`task-<n>`): see HandleTable for why not a Map. */
  const records = new HandleTable<TaskRecord>();
  const idempotent = new Map<string, FleetTask>();
  let closing: Promise<void> | undefined;
  let closed = false;
  let drainedResolve: (() => void) | undefined;
  let readyResolve: (() => void) | undefined;
  let readyReject: ((error: unknown) => void) | undefined;
  const readyPromise = new Promise<void>((res, rej) => {
    readyResolve = res;
    readyReject = rej;
  });
  readyPromise.catch(() => undefined); // reported through ready(); not an unhandled rejection
  const emit = (event: FleetEvent): void => {
    if (listening) emitter.emit('event', event);
  };
  const decision = (name: string, detail: string, extra: { agentId?: string; type?: string } = {}): void =>
    emit({ kind: 'decision', decision: name, detail, ...extra });

  const executor = new TransportExecutor(types, options, {
    loadFailed: (agentType, error) => {
      readyReject?.(FlotillaError.fromJSON(error));
      decision('load-failed', error.message, { type: agentType });
    },
    loadedSome: () => checkReady(),
    closed: () => closed,
  });
  const delegation: Delegation<TaskRecord, AgentRecord> = new Delegation<TaskRecord, AgentRecord>({
    types,
    options,
    clock,
    seed,
    executor,
    redrive: (entry) => redrive(entry),
    hooks: {
      settled: (record, outcome) => {
        if (!record.settle(outcome)) return;
        records.delete(record.key);
        outcomes.incAt(OUTCOME_INDEX[outcome.kind]);
        if (listening) emit({ kind: 'task', taskId: record.task.id, type: record.task.type, outcome });
      },
      started: (record, agent) => {
        if (record.listens('started'))
          record.emit('started', { attempt: record.task.attempt, agentId: agent.id });
      },
      retrying: (record, attempt, delayMs, error) =>
        record.emit('retrying', { attempt, delayMs, code: error.code }),
      decision,
      idle: () => drainedResolve?.(),
    },
  });
  const roster = delegation.roster;
  const deadLetters = delegation.deadLetters as DeadLetterQueue<TaskHandle>;

  const checkReady = (): void => {
    if (roster.allStarted()) readyResolve?.();
  };

  const startup = (async () => {
    await executor.start(delegation);
    roster.start();
    checkReady();
  })();
  startup.catch((error: unknown) => {
    readyReject?.(error);
    // No transport, no agents: the fleet closes, so nothing submitted waits forever (ready() says why).
    void fleet.close({ drain: false });
  });

  // ---------------------------------------------------------------- API

  const submitOne = <R, P>(spec: TaskSpec<P>, nowMs = clock.now()): TaskHandle<R> => {
    if (typeof spec !== 'object' || spec === null) throw new ConfigError('task', 'be an object', spec);
    const pool = delegation.poolOf(spec.type);
    if (pool === undefined)
      throw new ConfigError('task.type', `be one of ${[...delegation.pools.keys()].join(' | ')}`, spec.type);
    if (spec.idempotencyKey !== undefined) {
      const existing = idempotent.get(spec.idempotencyKey);
      if (existing !== undefined) return existing as TaskHandle<R>;
    }
    const key = records.reserve();
    let record: TaskRecord;
    // A spec's getters may submit in turn: such a nested submit must not overwrite the shared context.
    const shared = !taskContext.inUse;
    const context = shared ? taskContext : { id: '', nowMs: 0, inUse: true };
    context.inUse = true;
    try {
      context.id = taskIdOf(key);
      context.nowMs = nowMs;
      const task = createTask(spec, context);
      if (mayNotClone(task.payload) && moduleTypes.has(task.type)) assertCloneable(task.payload);
      record = new FleetTask(key, task, pool);
    } catch (error) {
      records.release(key); // bad input changes nothing
      throw error;
    } finally {
      if (shared) context.inUse = false;
    }
    records.set(key, record);
    if (record.task.idempotencyKey !== undefined) remember(record.task.idempotencyKey, record);
    delegation.submit(record);
    return record as TaskHandle<R>;
  };

  const remember = (key: string, handle: FleetTask): void => {
    if (idempotent.size >= IDEMPOTENCY_MEMORY) idempotent.delete(idempotent.keys().next().value as string);
    idempotent.set(key, handle);
  };

  const redrive = (entry: DeadLetter): TaskHandle => {
    const {
      id: _id,
      createdAt: _createdAt,
      attempt: _attempt,
      requiredCapabilities,
      idempotencyKey: _key,
      ...rest
    } = entry.task;
    return submitOne({ ...rest, capabilities: requiredCapabilities } as TaskSpec);
  };

  const recordOf = (taskId: string): TaskRecord | undefined => {
    const record =
      typeof taskId === 'string' ? records.get(Number(taskId.slice(TASK_ID_PREFIX.length))) : undefined;
    return record?.task.id === taskId ? record : undefined;
  };

  const cancel = (taskId: string): boolean => {
    const record = recordOf(taskId);
    return record === undefined ? false : delegation.cancel(record);
  };

  const setPriority = (taskId: string, priority: Priority): boolean => {
    const record = recordOf(taskId);
    return record === undefined ? false : delegation.setPriority(record, priority);
  };

  // A handle is its record already: no lookup by id.
  const controls: TaskControls = {
    cancel: (record) => delegation.cancel(record),
    setPriority: (record, priority) => delegation.setPriority(record, priority),
  };
  for (const pool of delegation.pools.values()) setTaskControls(pool, controls);

  const poolOf = (type: string) => {
    const pool = delegation.poolOf(type);
    if (pool === undefined)
      throw new ConfigError('type', `be one of ${[...delegation.pools.keys()].join(' | ')}`, type);
    return pool;
  };

  const fleet: Fleet = {
    ready: async () => {
      await startup;
      return readyPromise;
    },
    submit: (spec) => submitOne(spec),
    submitMany: (specs) => {
      const nowMs = clock.now(); // one instant for the whole batch
      return specs.map((spec) => submitOne(spec, nowMs));
    },
    cancel,
    setPriority,
    pause: (type) => {
      poolOf(type).delegator.send({ type: 'PAUSE' });
      executor.workerTransport?.control?.({ kind: 'pause', agentType: type });
    },
    resume: (type) => {
      const pool = poolOf(type);
      executor.workerTransport?.control?.({ kind: 'resume', agentType: type });
      pool.delegator.send({ type: 'RESUME' });
      if (pool.admission.mode === 'backpressure') pool.delegator.send({ type: 'DEPTH_HIGH' });
      delegation.wake(pool);
    },
    drain: (agentId) => roster.drain(agentId),
    scale: (type, replicas) => roster.scale(type, replicas),
    autoscale: (type, autoscaleOptions) => roster.autoscale(type, autoscaleOptions),
    deadLetters,
    stats: () =>
      collectStats({
        seed,
        clock,
        startedAtMs,
        pools: [...delegation.pools.values()],
        outcomes,
        deadLetters,
        agents: roster.agents.values(),
        stateOf: (agent) => roster.stateOf(agent as AgentRecord),
        inFlightRuns: delegation.runs.size,
      }),
    on(event, listener) {
      emitter.on(event, listener);
      listening = true;
      return fleet;
    },
    off(event, listener) {
      emitter.off(event, listener);
      listening = emitter.listenerCount('event') > 0;
      return fleet;
    },
    close: (closeOptions = {}) => {
      if (closing !== undefined) return closing;
      delegation.beginClosing(); // from now on submissions are refused and failures not retried
      closing = (async () => {
        await startup.catch(() => undefined);
        const drain = closeOptions.drain ?? true;
        for (const pool of delegation.pools.values()) pool.delegator.send({ type: 'CLOSE', drain });
        if (drain && delegation.live > 0) {
          await new Promise<void>((res) => {
            drainedResolve = res;
          });
        }
        delegation.settleAll(records.values());
        closed = true;
        delegation.stop();
        await executor.close();
      })();
      return closing;
    },
  };
  return fleet;
}

/** One context for createTask, which copies its fields: a submit allocates none (32 bytes per task). */
const taskContext = { id: '', nowMs: 0, inUse: false };

/** Primitives always clone: checked before the type's lookup, which most payloads then skip. */
function mayNotClone(payload: unknown): boolean {
  return payload !== null && (typeof payload === 'object' || typeof payload === 'function');
}

/** A payload must survive the trip to a worker thread; refuse it at submit, not later. */
function assertCloneable(payload: unknown): void {
  try {
    structuredClone(payload);
  } catch (error) {
    throw new ConfigError(
      'task.payload',
      `be structured-cloneable to reach a worker thread (${error instanceof Error ? error.message : String(error)})`,
      payload,
    );
  }
}
