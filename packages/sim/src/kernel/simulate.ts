import {
  Delegation,
  type AutoscaleOptions,
  type DelegationOptions,
  type FleetOptions,
} from '@flotilla/actors';
import {
  createRng,
  LatencyHistogram,
  PRIORITIES,
  priorityLevel,
  systemClock,
  TimeWeightedGauge,
  VirtualClock,
  type RateLimiterOptions,
  type StrategySpec,
  type TaskOutcome,
} from '@flotilla/core';
import type { Workload, WorkloadContext } from '../workload/workload.js';
import { scheduleCrashes } from './crashes.js';
import type { SimFault } from './faults.js';
import { buildReport, type SimReport, type TaskHistory } from './report.js';
import { SimExecutor, type ServiceTime, type SimAgent, type SimTask } from './sim-executor.js';
import { SimTaskRecord, type SimTaskDefaults } from './sim-task-record.js';
import { TraceHash } from './trace-hash.js';

/** One agent type of a simulation; times in simulated milliseconds. */
export interface SimAgentType {
  readonly type: string;
  readonly count: number;
  readonly capacity: number;
  /** 0: pull from the central queue; `Infinity`: dispatch on arrival. */
  readonly queueLimit: number;
  /** Service time on a speed-1 agent: a distribution (ms), or a function of the arrival (size-based). */
  readonly service: ServiceTime;
  /** Speed factor per agent (service time ÷ speed); missing entries are 1. */
  readonly speeds?: readonly number[];
  readonly capabilities?: readonly string[];
  readonly weight?: number;
  readonly rateLimit?: RateLimiterOptions;
  /**
   * A prompt-prefix cache of this many blocks per agent (LRU), fed by arrivals' `prefixBlocks`: the share
   * of an arrival's blocks found in the agent's cache is the share of its input tokens it skips.
   */
  readonly prefixCacheBlocks?: number;
}

/** An autoscaler of one agent type in a simulation. */
export interface SimAutoscaler {
  readonly type: string;
  readonly options: AutoscaleOptions;
}

/** A simulation, all times in simulated milliseconds (a scenario file resolves to this). */
export interface SimConfig {
  readonly seed: number;
  /** Stop admitting arrivals after this many tasks, or at this simulated time; in-flight work finishes. */
  readonly stop: { readonly tasks: number } | { readonly timeMs: number };
  /** Tasks submitted before this are left out of the statistics. */
  readonly warmup?: { readonly tasks: number } | { readonly timeMs: number };
  readonly strategy: StrategySpec;
  readonly agents: readonly SimAgentType[];
  readonly workloads: readonly Workload[];
  readonly queue?: FleetOptions['queue'];
  /** Per-task defaults: time to live while waiting, deadline per attempt, attempts. */
  readonly ttlMs?: number;
  readonly timeoutMs?: number;
  readonly maxAttempts?: number;
  /** The runtime's policies: backoff between attempts, breakers, restarts of lost agents. */
  readonly retry?: DelegationOptions['retry'];
  readonly breaker?: DelegationOptions['breaker'];
  readonly restart?: DelegationOptions['restart'];
  readonly faults?: readonly SimFault[];
  readonly autoscalers?: readonly SimAutoscaler[];
  /** Keep every task's history in the report (memory grows with the run). Default false. */
  readonly perTask?: boolean;
  /** A bound on events processed: a runaway scenario ends with an error, not a hung process. */
  readonly maxEvents?: number;
}

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

const OUTCOME_CODE: Readonly<Record<TaskOutcome['kind'], number>> = {
  completed: 1,
  expired: 2,
  rejected: 3,
  failed: 5,
  'dead-lettered': 6,
  cancelled: 7,
};

/**
 * Runs a simulation to its end and reports. The delegation logic is the runtime's own: a `Delegation`
 * from @flotilla/actors (central queues, strategies, rate limiters, retries, timeouts,
 * breakers, dead letters, agent machines and autoscalers), driven by a `VirtualClock` and simulated agents
 * ({@link SimExecutor}) instead of worker threads. Every random draw comes
 * from a named stream forked from the one seed (arrivals, service, strategy), so the same config gives the
 * same report, event for event (`traceHash`), and adding one workload does not shift another's arrivals.
 *
 * Memory stays flat in the number of tasks: statistics stream into histograms and gauges, and a task
 * lives only while it is in the system.
 *
 * @example
 * ```ts
 * const report = simulate({ seed: 1, stop: { tasks: 100_000 }, strategy: 'power-of-two',
 *   agents: [{ type: 'w', count: 10, capacity: 1, queueLimit: 0, service: exponential({ mean: 1000 }) }],
 *   workloads: [poissonWorkload({ ratePerSec: 9, mix: { type: 'w', priority: 'medium' } })] });
 * ```
 */
/** Busy time of all agents ÷ their capacity-time: the fleet's utilization, however its size changed. */
function busyShare(agents: readonly SimAgent[], fromMs: number, endMs: number): number {
  let busyMs = 0;
  let capacityMs = 0;
  for (const agent of agents) {
    busyMs += agent.busyMs - agent.busyAtWarmupMs;
    capacityMs +=
      agent.capacity * Math.max(0, (agent.stoppedAtMs ?? endMs) - Math.max(agent.createdAtMs, fromMs));
  }
  return capacityMs > 0 ? Math.min(1, busyMs / capacityMs) : 0;
}

/** One priority's share of a {@link Stats}. */
interface PriorityStats {
  readonly latency: LatencyHistogram;
  readonly wait: LatencyHistogram;
  completed: number;
  waited: number;
}

/** What the report's statistics accumulate over a set of tasks. */
interface Stats {
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

export function simulate(config: SimConfig): SimReport {
  const wallStartMs = systemClock.now();
  const clock = new VirtualClock();
  const rng = createRng(config.seed);
  const hash = new TraceHash();
  const counts: OutcomeCounts = {
    submitted: 0,
    completed: 0,
    failed: 0,
    deadLettered: 0,
    expired: 0,
    rejected: 0,
    cancelled: 0,
  };
  const measured = newStats();
  // Warm-up tasks go through the same statistics code into a set that is thrown away: code first reached
  // when the warm-up ends (after 100,000 tasks in the benchmark) had no type feedback, and reaching it
  // deoptimized the per-task path in the middle of the run.
  const warming = config.warmup === undefined ? measured : newStats();
  const queueDepth = new TimeWeightedGauge();
  const agentCount = new TimeWeightedGauge();
  const decisions = new Map<string, number>();
  const perTask: TaskHistory[] | undefined = config.perTask === true ? [] : undefined;
  const attempts = { started: 0, retries: 0 };
  let counting = config.warmup === undefined;
  let measureFromMs = 0;
  /** When arrivals stopped: throughput is measured over [measureFromMs, admissionEndMs]. */
  let admissionEndMs = Number.NaN;
  const stopAdmitting = (): void => {
    if (!admitting) return;
    admitting = false;
    admissionEndMs = clock.now();
  };
  let admitting = true;
  let nextTask = 0;
  let events = 0;
  const maxEvents = config.maxEvents ?? 1e9;

  // End-of-event work (coalesced pumps, agent starts): the simulator's turn of the event loop. A count
  // instead of the array's length: most events defer a pump, and setting an array's length is a runtime
  // call; each slot is cleared as it runs, so nothing stays reachable from here.
  const deferred: Array<(() => void) | undefined> = [];
  let deferredCount = 0;
  const defer = (callback: () => void): void => {
    deferred[deferredCount++] = callback;
  };
  const flush = (): void => {
    // Callbacks may defer more: the bound is read on every turn.
    for (let i = 0; i < deferredCount; i++) {
      const callback = deferred[i] as () => void;
      deferred[i] = undefined;
      callback();
    }
    deferredCount = 0;
  };

  const faults = config.faults ?? [];
  const executor = new SimExecutor(
    clock,
    config.agents.map((spec) => ({
      type: spec.type,
      capacity: spec.capacity,
      service: spec.service,
      speeds: spec.speeds,
      prefixCacheBlocks: spec.prefixCacheBlocks,
    })),
    faults,
    rng.fork('service'),
    rng.fork('faults'),
    defer,
  );
  const delegation = new Delegation<SimTask, SimAgent>({
    types: config.agents.map((spec) => ({
      type: spec.type,
      replicas: spec.count,
      capacity: spec.capacity,
      queueLimit: spec.queueLimit,
      capabilities: spec.capabilities ?? [],
      rateLimit: spec.rateLimit,
      weight: spec.weight,
    })),
    options: {
      strategy: config.strategy,
      ...(config.queue === undefined ? {} : { queue: config.queue }),
      ...(config.retry === undefined ? {} : { retry: config.retry }),
      ...(config.breaker === undefined ? {} : { breaker: config.breaker }),
      ...(config.restart === undefined ? {} : { restart: config.restart }),
    },
    clock,
    seed: config.seed,
    executor,
    defer,
    startOnSubmit: true,
    hooks: {
      settled: (record, outcome) => settled(record, outcome),
      started: (record, agent) => started(record, agent),
      decision: (name, _detail, extra) => {
        decisions.set(name, (decisions.get(name) ?? 0) + 1);
        if (name === 'agent-stopped' && extra.agentId !== undefined)
          executor.stopped(extra.agentId, clock.now());
        agentCount.set(delegation.roster.agents.size, clock.now());
      },
    },
  });
  executor.attach(delegation);
  const pools = [...delegation.pools.values()];
  const totalDepth = (): number => {
    let depth = 0;
    for (const pool of pools) depth += pool.queue.size;
    return depth;
  };

  const started = (record: SimTask, agent: SimAgent): void => {
    if (perTask !== undefined) record.lastAgentId = agent.id;
    const nowMs = record.startedAtMs;
    attempts.started++;
    if (record.task.attempt > 1) attempts.retries++;
    hash.add(nowMs, 4, agent.slot, record.index);
    if (record.task.attempt !== 1) return; // wait: submission to first start
    const stats = record.counted ? measured : warming;
    const waitedMs = nowMs - record.task.createdAt;
    const bucket = stats.byPriority[priorityLevel(record.task.priority)] as PriorityStats;
    // Same values, same buckets: one lookup for the overall and the priority's histogram.
    stats.wait.recordBoth(bucket.wait, waitedMs);
    // Added whether or not it waited: code first reached deep into a run (the first task that waits, after
    // about 260,000 tasks here) has no type feedback, and reaching it deoptimized the dispatch path.
    const hasWaited = waitedMs > 0 ? 1 : 0;
    stats.waited += hasWaited;
    bucket.waited += hasWaited;
  };

  const settled = (record: SimTask, outcome: TaskOutcome): void => {
    const nowMs = clock.now();
    let code: number;
    switch (outcome.kind) {
      case 'completed': {
        code = OUTCOME_CODE.completed;
        counts.completed++;
        const stats = record.counted ? measured : warming;
        if (admitting) stats.completedInWindow++;
        const latencyMs = nowMs - record.task.createdAt;
        const bucket = stats.byPriority[priorityLevel(record.task.priority)] as PriorityStats;
        stats.latency.recordBoth(bucket.latency, latencyMs);
        bucket.completed++;
        break;
      }
      case 'expired':
        code = OUTCOME_CODE['expired'];
        counts.expired++;
        break;
      case 'rejected':
        code = OUTCOME_CODE['rejected'];
        counts.rejected++;
        break;
      case 'failed':
        code = OUTCOME_CODE['failed'];
        counts.failed++;
        break;
      case 'dead-lettered':
        code = OUTCOME_CODE['dead-lettered'];
        counts.deadLettered++;
        break;
      case 'cancelled':
        code = OUTCOME_CODE['cancelled'];
        counts.cancelled++;
        break;
    }
    hash.add(nowMs, code, record.index, record.agent?.slot ?? -1);
    perTask?.push({
      index: record.index,
      priority: record.task.priority,
      submitted: record.task.createdAt / 1000,
      started: record.runId === 0 ? null : record.startedAtMs / 1000,
      ended: nowMs / 1000,
      outcome: outcome.kind,
      attempts: record.task.attempt,
      agent: record.lastAgentId ?? null,
    });
    record.onDone?.();
  };

  const taskDefaults: SimTaskDefaults = {
    ttlMs: config.ttlMs,
    timeoutMs: config.timeoutMs,
    maxAttempts: config.maxAttempts ?? 1,
  };
  // The stop condition as two bounds, one of them infinite, read per submission without `in` tests.
  const stopTasks = 'tasks' in config.stop ? config.stop.tasks : Number.POSITIVE_INFINITY;
  const stopTimeMs = 'timeMs' in config.stop ? config.stop.timeMs : Number.POSITIVE_INFINITY;
  let lastType: string | undefined;
  let lastPool: (typeof pools)[number] | undefined;
  const context: WorkloadContext = {
    now: () => clock.now(),
    at: (atMs, callback) => {
      clock.setTimerAt(Math.max(atMs, clock.now()), callback);
    },
    active: () => admitting,
    submit: (arrival, onDone) => {
      if (!admitting) return;
      // Most runs have one type: the last lookup answers again without hashing the name.
      const pool = arrival.type === lastType ? lastPool : delegation.poolOf(arrival.type);
      if (pool === undefined)
        throw new RangeError(`workload submits type "${arrival.type}", which no agent serves`);
      lastType = arrival.type;
      lastPool = pool;
      const nowMs = clock.now();
      const index = nextTask++;
      if (!counting && config.warmup !== undefined) {
        const warm = 'tasks' in config.warmup ? index >= config.warmup.tasks : nowMs >= config.warmup.timeMs;
        if (warm) {
          // From here on every statistic covers the measured window only.
          counting = true;
          measureFromMs = nowMs;
          queueDepth.reset(nowMs);
          agentCount.reset(nowMs);
          for (const agent of executor.created) agent.busyAtWarmupMs = agent.busyMs;
        }
      }
      counts.submitted++;
      const record = new SimTaskRecord(index, arrival, pool, nowMs, taskDefaults, counting, onDone);
      hash.add(nowMs, 0, priorityLevel(arrival.priority), index);
      delegation.submit(record);
      if (counts.submitted >= stopTasks || nowMs >= stopTimeMs) stopAdmitting();
    },
  };

  delegation.roster.start();
  agentCount.set(delegation.roster.agents.size, 0);
  for (const autoscaler of config.autoscalers ?? [])
    delegation.roster.autoscale(autoscaler.type, autoscaler.options);
  scheduleCrashes(faults, clock, rng.fork('crashes'), delegation);
  const workloadRng = rng.fork('workload');
  config.workloads.forEach((workload, i) =>
    workload.start(context, workloadRng.fork(`${i}-${workload.name}`)),
  );
  if ('timeMs' in config.stop) {
    clock.setTimer(config.stop.timeMs, stopAdmitting);
  }
  flush();
  // Runs until arrivals have stopped and every task has its outcome. Timers that tick forever (autoscalers,
  // crash schedules) do not keep the run alive; a task that can never finish runs into maxEvents.
  while (admitting || delegation.live > 0) {
    if (!clock.runNext()) break;
    flush();
    if (++events > maxEvents) throw new RangeError(`simulation exceeded maxEvents (${maxEvents})`);
    // The gauge integrates a step function: a level that did not change needs no new step. An empty queue is
    // set to empty again every 4,096 events anyway (a step of 0 adds exactly nothing), so that this call
    // has type feedback before the queue first holds a task (about 60,000 tasks in here); reached for the
    // first time then, it deoptimized the loop. (The first events run before the loop has feedback at all.)
    const depth = totalDepth();
    const currentDepth = queueDepth.current;
    if (depth !== currentDepth || (currentDepth === 0 && (events & 4095) === 0))
      queueDepth.set(depth, clock.now());
  }
  const endMs = clock.now();
  // Nothing can move any more (no events left): end what is left as a close without drain would.
  delegation.beginClosing();
  delegation.settleAll(delegation.stranded());
  flush();
  delegation.stop();

  const agents = executor.created;
  return buildReport({
    seed: config.seed,
    strategy: typeof config.strategy === 'string' ? config.strategy : config.strategy.name,
    simulatedMs: endMs,
    throughputWindow: {
      completed: measured.completedInWindow,
      ms: Math.max(1e-9, (Number.isNaN(admissionEndMs) ? endMs : admissionEndMs) - measureFromMs),
    },
    wallMs: systemClock.now() - wallStartMs,
    counts,
    latency: measured.latency,
    wait: measured.wait,
    waited: measured.waited,
    byPriority: PRIORITIES.map((priority, i) => ({
      priority,
      ...(measured.byPriority[i] as PriorityStats),
    })),
    queueDepth: { mean: queueDepth.mean(endMs), max: queueDepth.max },
    // Utilization over each agent's life within the measured window: busy time ÷ (capacity × time).
    utilization: agents.map((a) => {
      const lifeMs = (a.stoppedAtMs ?? endMs) - Math.max(a.createdAtMs, measureFromMs);
      return lifeMs > 0 ? Math.min(1, (a.busyMs - a.busyAtWarmupMs) / (a.capacity * lifeMs)) : 0;
    }),
    busyShare: busyShare(agents, measureFromMs, endMs),
    completedPerAgent: agents.map((a) => a.completed),
    attempts,
    decisions,
    agents: { mean: agentCount.mean(endMs), max: agentCount.max },
    perTask,
    prefixCache: executor.prefixCache(),
    traceHash: hash.hex(),
  });
}
