import { EventEmitter } from 'node:events';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import {
  AgentFlag,
  ConfigError,
  CounterSet,
  createRetryPolicy,
  createRng,
  createTask,
  defaultSeed,
  FlotillaError,
  MAX_ATTEMPTS_LIMIT,
  OUTCOME_KINDS,
  retryDecision,
  systemClock,
  type OutcomeKind,
  type Priority,
  type RejectReason,
  type SerializedError,
  type TaskOutcome,
  type TaskSpec,
} from '@flotilla/core';
import { createActor, type Actor } from 'xstate';
import { agentFlagsOf, agentMachine } from '../machines/agent-machine.js';
import { createRestartIntensity } from '../machines/restart-intensity.js';
import { toXStateClock } from '../machines/xstate-clock.js';
import type { HostEvent } from '../protocol/messages.js';
import { inMemoryTransport } from '../transport/in-memory.js';
import type { Transport } from '../transport/transport.js';
import { workerThreadsTransport } from '../transport/worker-threads.js';
import { AgentPool, type AgentRecord, type TaskRecord } from './agent-pool.js';
import { attachBreakers, type Breakers } from './breakers.js';
import { startAutoscaling, type AutoscaleOptions, type Autoscaling } from './autoscaling.js';
import { DeadLetterQueue, type DeadLetter } from './dead-letter.js';
import { checkFleetOptions, resolveAgentType, type FleetOptions } from './options.js';
import { TaskHandleImpl, type TaskHandle } from './task-handle.js';
import type { FleetStats } from './stats.js';
import { collectStats } from './stats.js';

/** Code of a task attempt that ran past its `timeoutMs`. */
export const TASK_TIMEOUT = 'FLOTILLA_TASK_TIMEOUT';

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
  readonly deadLetters: DeadLetterQueue;
  stats(): FleetStats;
  on(event: 'event', listener: (event: FleetEvent) => void): this;
  off(event: 'event', listener: (event: FleetEvent) => void): this;
  /** Graceful shutdown: with `drain` (default) every queued and running task finishes first. */
  close(options?: { drain?: boolean }): Promise<void>;
}

interface AgentEntry {
  readonly record: AgentRecord;
  readonly pool: AgentPool;
  readonly transport: Transport;
  readonly actor: Actor<typeof agentMachine>;
}

const IDEMPOTENCY_MEMORY = 100_000;

/** Sends to an agent actor only while it runs: a stopped agent has nothing to hear (and XState would warn). */
function sendTo(
  actor: Actor<typeof agentMachine>,
  event: Parameters<Actor<typeof agentMachine>['send']>[0],
): void {
  if (actor.getSnapshot().status === 'active') actor.send(event);
}
const OUTCOME_INDEX = Object.fromEntries(OUTCOME_KINDS.map((kind, i) => [kind, i])) as Record<
  OutcomeKind,
  number
>;

/**
 * Starts a fleet: agents in worker threads (module agents) or in-process (handler agents), a central
 * priority queue per type, the chosen balancing strategy, rate limits, retries, a dead-letter queue and
 * optional breakers. Every submitted task ends in exactly one outcome.
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
  const types = options.agents.map(resolveAgentType);
  const clock = options.clock ?? systemClock;
  const seed = options.seed ?? defaultSeed();
  const startedAtMs = clock.now();
  const rng = createRng(seed);
  const retryRng = rng.fork('retry');
  const retryPolicy = createRetryPolicy({
    maxAttempts: MAX_ATTEMPTS_LIMIT,
    baseDelayMs: options.retry?.baseDelayMs ?? 100,
    maxDelayMs: options.retry?.maxDelayMs ?? 10_000,
    jitter: options.retry?.jitter ?? 'full',
    ...(options.retry?.multiplier === undefined ? {} : { multiplier: options.retry.multiplier }),
    ...(options.retry?.nonRetryableCodes === undefined
      ? {}
      : { nonRetryableCodes: options.retry.nonRetryableCodes }),
  });
  const restartIntensity = createRestartIntensity({
    maxRestarts: options.restart?.maxRestarts ?? 5,
    withinMs: options.restart?.withinMs ?? 60_000,
  });
  const restartBackoffMs = options.restart?.backoffMs ?? 100;
  const emitter = new EventEmitter();
  let listening = false; // checked on every outcome, so kept as a flag rather than asked of the emitter
  const outcomes = new CounterSet<OutcomeKind>(OUTCOME_KINDS);
  const deadLetters = new DeadLetterQueue(
    options.deadLetter === false ? 0 : (options.deadLetter?.maxEntries ?? 10_000),
    (entry) => redrive(entry),
  );
  const records = new Map<string, TaskRecord>();
  const runs = new Map<number, TaskRecord>();
  /** Attempts we stopped waiting for whose handlers may still run: runId → the slot they hold. */
  const abandoned = new Map<number, { agent: AgentRecord; pool: AgentPool }>();
  const idempotent = new Map<string, TaskHandleImpl>();
  const agentsById = new Map<string, AgentEntry>();
  const loaded = new Set<string>(); // `${transportName}/${host}/${type}`
  const pools = new Map<string, AgentPool>();
  const autoscalers: Autoscaling[] = [];
  const workerTransport = types.some((t) => t.module !== undefined)
    ? (options.transport ??
      workerThreadsTransport(options.threads === undefined ? {} : { threads: options.threads }))
    : undefined;
  const localTransport = types.some((t) => t.handler !== undefined) ? inMemoryTransport() : undefined;
  for (const t of types) if (t.handler !== undefined) localTransport?.register(t.type, t.handler);
  let nextTaskId = 0;
  let nextRunId = 1;
  let nextAgentIndex = 0;
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

  // ---------------------------------------------------------------- outcomes

  const settle = (record: TaskRecord, outcome: TaskOutcome): void => {
    if (!record.handle.settle(outcome)) return;
    record.place = 'done';
    if (record.timer !== undefined) clock.clearTimer(record.timer);
    record.timer = undefined;
    records.delete(record.task.id);
    outcomes.incAt(OUTCOME_INDEX[outcome.kind]);
    emit({ kind: 'task', taskId: record.task.id, type: record.task.type, outcome });
    if (drainedResolve !== undefined && records.size === 0) drainedResolve();
  };

  const reject = (handle: TaskHandleImpl, reason: RejectReason, message: string): void => {
    handle.settle({ kind: 'rejected', reason, message });
    outcomes.inc('rejected');
  };

  /** The agent is done with `record`: free its slot, start its next local task. */
  /**
   * The task leaves its agent. A running attempt that was abandoned (timed out, cancelled) keeps its slot
   * until the host says the handler has actually stopped: capacity counts what runs, not what we still
   * wait for, so a handler slow to honour its abort signal never has company beyond the agent's capacity.
   */
  const leaveAgent = (record: TaskRecord, holdSlot = false): void => {
    const agent = record.agent;
    if (agent === undefined) return;
    record.agent = undefined;
    if (record.place === 'running' && holdSlot) {
      abandoned.set(record.runId, { agent, pool: record.pool });
      return;
    }
    if (record.place === 'running') agent.running--;
    else if (record.place === 'local') agent.local.splice(agent.local.indexOf(record), 1);
    freeSlot(agent, record.pool);
  };

  const freeSlot = (agent: AgentRecord, pool: AgentPool): void => {
    pool.table.release(agent.slot);
    pool.startNextLocal(agent);
    if (agent.draining && pool.table.loadOf(agent.slot) === 0) {
      const entry = agentsById.get(agent.id) as AgentEntry;
      sendTo(entry.actor, { type: 'DRAINED' });
    }
    schedulePump(pool);
  };

  /** The host finished an abandoned attempt: its slot is free now. */
  const releaseAbandoned = (runId: number): void => {
    const held = abandoned.get(runId);
    if (held === undefined) return;
    abandoned.delete(runId);
    held.agent.running--;
    freeSlot(held.agent, held.pool);
  };

  const failAttempt = (record: TaskRecord, error: SerializedError, timedOut: boolean): void => {
    const attempt = record.task.attempt;
    const decisionForRetry = retryDecision(retryPolicy, attempt, error, retryRng);
    if (decisionForRetry.retry && attempt < record.task.maxAttempts && !closed && closing === undefined) {
      record.place = 'backoff';
      record.handle.emit('retrying', {
        attempt: attempt + 1,
        delayMs: decisionForRetry.delayMs,
        code: error.code,
      });
      record.timer = clock.setTimer(decisionForRetry.delayMs, () => {
        record.timer = undefined;
        if (record.place !== 'backoff') return;
        if (!record.pool.enqueue(record, shedRecord)) {
          finalFailure(record, error, false);
          return;
        }
        schedulePump(record.pool);
      });
      return;
    }
    finalFailure(record, error, timedOut);
  };

  const finalFailure = (record: TaskRecord, error: SerializedError, timedOut: boolean): void => {
    const attempts = record.task.attempt;
    if (timedOut) settle(record, { kind: 'expired', phase: 'running', attempts });
    else if (deadLetters.enabled) {
      deadLetters.add({ task: record.task, error, attempts, deadLetteredAtMs: clock.now() });
      settle(record, { kind: 'dead-lettered', error, attempts });
    } else settle(record, { kind: 'failed', error, attempts });
  };

  const shedRecord = (shed: TaskRecord): void => {
    settle(shed, {
      kind: 'rejected',
      reason: 'backpressure',
      message: 'shed from a full queue by a more urgent task',
    });
  };

  // ---------------------------------------------------------------- dispatch

  const start = (record: TaskRecord, agent: AgentRecord, nowMs: number): void => {
    const runId = nextRunId++;
    record.place = 'running';
    record.runId = runId;
    record.startedAtMs = nowMs;
    record.task.attempt++;
    agent.running++;
    runs.set(runId, record);
    record.probe = breakers?.probeStarted(record.pool, agent) ?? false;
    agent.transport.send(agent.host, {
      kind: 'run',
      runId,
      taskId: record.task.id,
      agentType: record.task.type,
      payload: record.task.payload,
      attempt: record.task.attempt,
    });
    if (record.handle.listens('started'))
      record.handle.emit('started', { attempt: record.task.attempt, agentId: agent.id });
    const timeoutMs = record.task.timeoutMs;
    if (timeoutMs !== undefined) {
      record.timer = clock.setTimer(timeoutMs, () => {
        record.timer = undefined;
        if (record.runId !== runId || record.place !== 'running') return;
        runs.delete(runId);
        agent.transport.send(agent.host, { kind: 'cancel', runId, reason: 'timeout' });
        const error = new FlotillaError(
          TASK_TIMEOUT,
          `attempt ${record.task.attempt} ran past timeoutMs ${timeoutMs}`,
        ).toJSON();
        finishRun(record, false, error, true, clock.now(), true);
      });
    }
  };

  /** One attempt ended (result, failure, timeout or lost host). */
  const finishRun = (
    record: TaskRecord,
    success: boolean,
    error: SerializedError | undefined,
    timedOut = false,
    nowMs = clock.now(),
    holdSlot = false,
  ): void => {
    const agent = record.agent as AgentRecord;
    const durationMs = nowMs - record.startedAtMs;
    if (record.timer !== undefined) clock.clearTimer(record.timer);
    record.timer = undefined;
    agent.busyMs += durationMs;
    if (success) agent.completed++;
    record.pool.table.recordLatency(agent.slot, Math.max(0, durationMs), nowMs);
    breakers?.recorded(record.pool, agent, success, durationMs, record.probe);
    leaveAgent(record, holdSlot);
    if (!success) failAttempt(record, error as SerializedError, timedOut);
    schedulePump(record.pool);
  };

  /** Coalesces pumps to one per pool per turn, so a burst of results dispatches as one batch. */
  const schedulePump = (pool: AgentPool): void => {
    if (pool.pumpScheduled) return;
    pool.pumpScheduled = true;
    queueMicrotask(() => {
      pool.pumpScheduled = false;
      if (!closed) pool.pump();
    });
  };

  const completeRun = (runId: number, value: unknown, nowMs: number): void => {
    const record = runs.get(runId);
    if (record === undefined) return releaseAbandoned(runId); // a late answer to an abandoned attempt
    runs.delete(runId);
    finishRun(record, true, undefined, false, nowMs);
    settle(record, { kind: 'completed', result: value, attempts: record.task.attempt });
  };

  const onEvent = (transport: Transport, host: number, event: HostEvent): void => {
    switch (event.kind) {
      case 'done':
        completeRun(event.runId, event.value, clock.now());
        return;
      case 'done-batch': {
        const nowMs = clock.now(); // the whole batch arrived at this instant
        for (let i = 0; i < event.runIds.length; i++)
          completeRun(event.runIds[i] as number, event.values[i], nowMs);
        return;
      }
      case 'failed': {
        const record = runs.get(event.runId);
        if (record === undefined) return releaseAbandoned(event.runId);
        runs.delete(event.runId);
        finishRun(record, false, event.error);
        return;
      }
      case 'progress': {
        const record = runs.get(event.runId);
        record?.handle.emit(
          'progress',
          event.message === undefined
            ? { fraction: event.fraction }
            : { fraction: event.fraction, message: event.message },
        );
        return;
      }
      case 'loaded':
        loaded.add(`${transport.name}/${host}/${event.agentType}`);
        for (const entry of agentsById.values()) {
          if (
            entry.transport === transport &&
            entry.record.host === host &&
            entry.pool.spec.type === event.agentType
          ) {
            sendTo(entry.actor, { type: 'STARTED' });
          }
        }
        checkReady();
        return;
      case 'load-failed':
        readyReject?.(FlotillaError.fromJSON(event.error));
        decision('load-failed', event.error.message, { type: event.agentType });
        for (const entry of agentsById.values()) {
          if (
            entry.transport === transport &&
            entry.record.host === host &&
            entry.pool.spec.type === event.agentType
          ) {
            sendTo(entry.actor, { type: 'CRASHED', error: event.error });
            sendTo(entry.actor, { type: 'GIVE_UP' });
          }
        }
        return;
    }
  };

  const onHostExit = (transport: Transport, host: number, error: SerializedError): void => {
    for (const key of [...loaded]) if (key.startsWith(`${transport.name}/${host}/`)) loaded.delete(key);
    const lost = [...runs.values()].filter(
      (r) =>
        r.agent !== undefined && agentsById.get(r.agent.id)?.transport === transport && r.agent.host === host,
    );
    const onHost = [...agentsById.values()].filter(
      (e) => e.transport === transport && e.record.host === host,
    );
    // Abandoned attempts on a dead thread have certainly stopped.
    for (const [runId, held] of [...abandoned]) {
      if (held.agent.transport === transport && held.agent.host === host) releaseAbandoned(runId);
    }
    for (const entry of onHost) sendTo(entry.actor, { type: 'CRASHED', error });
    for (const record of lost) {
      runs.delete(record.runId);
      finishRun(record, false, error);
    }
    // Tasks waiting in a dead agent's local queue never started: they go back to the central queue.
    for (const entry of onHost) {
      for (const record of [...entry.record.local]) {
        leaveAgent(record);
        if (!record.pool.enqueue(record, shedRecord)) finalFailure(record, error, false);
      }
    }
    const verdict = restartIntensity.recordRestart(clock.now());
    decision(
      verdict === 'restart' ? 'restart-host' : 'give-up-host',
      `${transport.name} host ${host}: ${error.message}`,
    );
    if (verdict === 'escalate' || closed) {
      for (const entry of onHost) sendTo(entry.actor, { type: 'GIVE_UP' });
      return;
    }
    for (const entry of onHost) sendTo(entry.actor, { type: 'RESTART' });
    void transport.restartHost(host).then(() => {
      for (const t of types)
        if (t.module !== undefined)
          transport.send(host, { kind: 'load', agentType: t.type, module: moduleUrl(t.module) });
    });
  };

  // ---------------------------------------------------------------- agents

  const addAgent = (pool: AgentPool): void => {
    const spec = pool.spec;
    const transport = (spec.module !== undefined ? workerTransport : localTransport) as Transport;
    const id = `${spec.type}-${nextAgentIndex++}`;
    const host = nextAgentIndex % transport.hostCount;
    const slot = pool.table.add({
      id,
      capacity: spec.capacity,
      queueLimit: spec.queueLimit,
      capabilities: spec.capabilities,
      ...(spec.weight === undefined ? {} : { weight: spec.weight }),
    });
    pool.table.setFlag(slot, AgentFlag.Down, true);
    const record: AgentRecord = {
      id,
      slot,
      host,
      transport,
      draining: false,
      running: 0,
      local: [],
      completed: 0,
      busyMs: 0,
    };
    pool.agents.set(slot, record);
    const actor = createActor(agentMachine, {
      input: { agentId: id, restartBackoffMs },
      clock: toXStateClock(clock),
      id: `agent/${id}`,
    });
    const entry: AgentEntry = { record, pool, transport, actor };
    agentsById.set(id, entry);
    let previous = -1;
    actor.subscribe((snapshot) => {
      record.draining = snapshot.value === 'draining';
      const flags = agentFlagsOf(snapshot);
      if (flags !== previous) {
        previous = flags;
        for (const flag of [AgentFlag.Paused, AgentFlag.Draining, AgentFlag.Down] as const) {
          pool.table.setFlag(slot, flag, (flags & flag) !== 0);
        }
        schedulePump(pool);
      }
      if (
        snapshot.value === 'starting' &&
        (spec.handler !== undefined || loaded.has(`${transport.name}/${host}/${spec.type}`))
      ) {
        queueMicrotask(() => sendTo(actor, { type: 'STARTED' }));
      }
      if (snapshot.status === 'done') {
        pool.table.remove(slot);
        pool.agents.delete(slot);
        agentsById.delete(id);
        decision('agent-stopped', `${id} stopped`, { agentId: id, type: spec.type });
      }
    });
    actor.start();
    // Subscribers hear changes, not the initial snapshot: an agent whose code is already there starts now.
    if (spec.handler !== undefined || loaded.has(`${transport.name}/${host}/${spec.type}`))
      sendTo(actor, { type: 'STARTED' });
  };

  const checkReady = (): void => {
    for (const entry of agentsById.values()) if (entry.actor.getSnapshot().value === 'starting') return;
    readyResolve?.();
  };

  const pools_ = types.map((spec) => {
    const pool = new AgentPool(
      spec,
      options,
      clock,
      rng,
      (record) => settle(record, { kind: 'expired', phase: 'waiting', attempts: record.task.attempt }),
      start,
    );
    pools.set(spec.type, pool);
    return pool;
  });
  const breakers: Breakers | undefined =
    options.breaker === undefined
      ? undefined
      : attachBreakers(options.breaker, clock, schedulePump, decision);

  const startup = (async () => {
    const handlers = (transport: Transport) => ({
      onEvent: (host: number, event: HostEvent) => onEvent(transport, host, event),
      onHostExit: (host: number, error: SerializedError) => onHostExit(transport, host, error),
    });
    if (localTransport !== undefined) await localTransport.start(handlers(localTransport));
    if (workerTransport !== undefined) {
      await workerTransport.start(handlers(workerTransport));
      for (let host = 0; host < workerTransport.hostCount; host++) {
        for (const t of types) {
          if (t.module !== undefined)
            workerTransport.send(host, { kind: 'load', agentType: t.type, module: moduleUrl(t.module) });
        }
      }
    }
    for (const pool of pools_) for (let i = 0; i < pool.spec.replicas; i++) addAgent(pool);
    breakers?.attach(pools_);
    checkReady();
  })();
  startup.catch((error: unknown) => readyReject?.(error));

  // ---------------------------------------------------------------- API

  const submitOne = <R, P>(spec: TaskSpec<P>, nowMs = clock.now()): TaskHandle<R> => {
    if (typeof spec !== 'object' || spec === null) throw new ConfigError('task', 'be an object', spec);
    const pool = pools.get(spec.type);
    if (pool === undefined)
      throw new ConfigError('task.type', `be one of ${[...pools.keys()].join(' | ')}`, spec.type);
    if (spec.idempotencyKey !== undefined) {
      const existing = idempotent.get(spec.idempotencyKey);
      if (existing !== undefined) return existing as TaskHandle<R>;
    }
    const id = `task-${nextTaskId++}`;
    const task = createTask(spec, { id, nowMs });
    if (pool.spec.module !== undefined) assertCloneable(task.payload);
    const handle = new TaskHandleImpl<R>(id, controls);
    if (task.idempotencyKey !== undefined) remember(task.idempotencyKey, handle as TaskHandleImpl);
    if (closed || closing !== undefined) {
      reject(handle as TaskHandleImpl, 'shutting-down', 'the fleet is closing');
      return handle;
    }
    const requiredMask = pool.table.requirementMask(task.requiredCapabilities);
    if (requiredMask < 0) {
      reject(
        handle as TaskHandleImpl,
        'invalid',
        `no ${task.type} agent has capabilities ${task.requiredCapabilities.join(', ')}`,
      );
      return handle;
    }
    if (pool.shouldShed(task.priority)) {
      reject(
        handle as TaskHandleImpl,
        'backpressure',
        `${task.type} queue is under backpressure (${pool.queue.size} waiting)`,
      );
      return handle;
    }
    const record: TaskRecord = {
      task,
      handle: handle as TaskHandleImpl,
      pool,
      requiredMask,
      place: 'queued',
      queueHandle: -1,
      agent: undefined,
      runId: 0,
      startedAtMs: 0,
      timer: undefined,
      probe: false,
    };
    if (!pool.enqueue(record, shedRecord)) {
      reject(handle as TaskHandleImpl, 'backpressure', `${task.type} queue is full (${pool.queue.maxDepth})`);
      return handle;
    }
    records.set(id, record);
    schedulePump(pool);
    return handle;
  };

  const remember = (key: string, handle: TaskHandleImpl): void => {
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

  const cancel = (taskId: string): boolean => {
    const record = records.get(taskId);
    if (record === undefined) return false;
    const attempts = record.task.attempt;
    switch (record.place) {
      case 'queued':
        record.pool.queue.remove(record.queueHandle);
        record.pool.depthChanged();
        break;
      case 'running': {
        runs.delete(record.runId);
        const entry = agentsById.get((record.agent as AgentRecord).id);
        // A half-open breaker counts every probe it admitted: a cancelled probe counts as failed.
        if (record.probe) breakers?.recorded(record.pool, record.agent as AgentRecord, false, 0, true);
        entry?.transport.send((record.agent as AgentRecord).host, {
          kind: 'cancel',
          runId: record.runId,
          reason: 'cancelled',
        });
        leaveAgent(record, true);
        break;
      }
      case 'local':
        leaveAgent(record);
        break;
      default:
        break;
    }
    settle(record, { kind: 'cancelled', attempts });
    return true;
  };

  const setPriority = (taskId: string, priority: Priority): boolean => {
    const record = records.get(taskId);
    if (record === undefined || record.place !== 'queued') return false;
    const handle = record.pool.queue.reprioritize(record.queueHandle, priority, clock.now());
    if (handle === undefined) return false;
    record.queueHandle = handle;
    record.task.priority = priority;
    schedulePump(record.pool);
    return true;
  };

  const controls = { cancel, setPriority };

  const poolOf = (type: string): AgentPool => {
    const pool = pools.get(type);
    if (pool === undefined) throw new ConfigError('type', `be one of ${[...pools.keys()].join(' | ')}`, type);
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
    pause: (type) => poolOf(type).delegator.send({ type: 'PAUSE' }),
    resume: (type) => {
      const pool = poolOf(type);
      pool.delegator.send({ type: 'RESUME' });
      if (pool.admission.mode === 'backpressure') pool.delegator.send({ type: 'DEPTH_HIGH' });
      schedulePump(pool);
    },
    drain: (agentId) => {
      const entry = agentsById.get(agentId);
      if (entry === undefined) throw new ConfigError('agentId', 'name an agent of this fleet', agentId);
      sendTo(entry.actor, { type: 'DRAIN' });
      if (entry.pool.table.loadOf(entry.record.slot) === 0) sendTo(entry.actor, { type: 'DRAINED' });
    },
    scale: (type, replicas) => {
      const pool = poolOf(type);
      const live = [...agentsById.values()].filter(
        (e) => e.pool === pool && e.actor.getSnapshot().value !== 'draining',
      );
      for (let n = live.length; n < replicas; n++) addAgent(pool);
      const surplus = live
        .sort((a, b) => pool.table.loadOf(a.record.slot) - pool.table.loadOf(b.record.slot))
        .slice(0, Math.max(0, live.length - replicas));
      for (const entry of surplus) fleet.drain(entry.record.id);
      decision('scale', `${type}: ${live.length} → ${replicas} agents`, { type });
    },
    autoscale: (type, autoscaleOptions) => {
      const pool = poolOf(type);
      const autoscaling = startAutoscaling(
        {
          clock,
          pool,
          agents: () =>
            [...agentsById.values()]
              .filter((e) => e.pool === pool && e.actor.getSnapshot().value === 'ready')
              .map((e) => ({ id: e.record.id, load: pool.table.loadOf(e.record.slot) })),
          scale: (replicas) => fleet.scale(type, replicas),
          drain: (agentId) => fleet.drain(agentId),
          report: (d) => decision('autoscale', `${d.kind} ${d.from} → ${d.to}: ${d.detail}`, { type }),
        },
        autoscaleOptions,
      );
      autoscalers.push(autoscaling);
      return autoscaling;
    },
    deadLetters,
    stats: () =>
      collectStats({
        seed,
        clock,
        startedAtMs,
        pools: pools_,
        outcomes,
        deadLetters,
        agentsById,
        inFlightRuns: runs.size,
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
      closing ??= (async () => {
        await startup.catch(() => undefined);
        const drain = closeOptions.drain ?? true;
        for (const pool of pools_) pool.delegator.send({ type: 'CLOSE', drain });
        if (drain && records.size > 0) {
          await new Promise<void>((res) => {
            drainedResolve = res;
          });
        }
        for (const record of [...records.values()]) {
          if (record.place === 'running' || record.place === 'local') cancel(record.task.id);
          else {
            if (record.place === 'queued') record.pool.queue.remove(record.queueHandle);
            settle(record, {
              kind: 'rejected',
              reason: 'shutting-down',
              message: 'the fleet closed before the task ran',
            });
          }
        }
        closed = true;
        for (const autoscaling of autoscalers) autoscaling.stop();
        for (const pool of pools_) pool.stop();
        breakers?.stop();
        for (const entry of agentsById.values()) entry.actor.stop();
        await Promise.all([workerTransport?.close(), localTransport?.close()]);
      })();
      return closing;
    },
  };
  return fleet;
}

function moduleUrl(module: string): string {
  return /^[a-z]+:/i.test(module) ? module : pathToFileURL(resolve(process.cwd(), module)).href;
}

/** A payload must survive the trip to a worker thread; refuse it at submit, not later. */
function assertCloneable(payload: unknown): void {
  if (payload === null || (typeof payload !== 'object' && typeof payload !== 'function')) return;
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
