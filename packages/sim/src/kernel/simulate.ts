import {
  Delegation,
  type AutoscaleOptions,
  type DelegationOptions,
  type FleetOptions,
} from '@flotilla/actors';
import {
  createRng,
  PRIORITIES,
  systemClock,
  TimeWeightedGauge,
  VirtualClock,
  type RateLimiterOptions,
  type StrategySpec,
} from '@flotilla/core';
import type { Workload } from '../workload/workload.js';
import { Admission } from './admission.js';
import { scheduleCrashes } from './crashes.js';
import type { SimFault } from './faults.js';
import { buildReport, type SimReport, type TaskHistory } from './report.js';
import { RunRecorder, type PriorityStats } from './run-recorder.js';
import { SimExecutor, type ServiceTime, type SimAgent, type SimTask } from './sim-executor.js';
import type { SimTaskShared } from './sim-task-record.js';
import { TraceHash } from './trace-hash.js';

export type { OutcomeCounts } from './run-recorder.js';

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
export function simulate(config: SimConfig): SimReport {
  const wallStartMs = systemClock.now();
  const clock = new VirtualClock();
  const rng = createRng(config.seed);
  const hash = new TraceHash();
  const queueDepth = new TimeWeightedGauge();
  const agentCount = new TimeWeightedGauge();
  const perTask: TaskHistory[] | undefined = config.perTask === true ? [] : undefined;
  // Bound below, once the delegation and the executor exist: decisions only come once the run has begun.
  let onDecision: (name: string, agentId: string | undefined) => void = () => {};
  const recorder = new RunRecorder(clock, hash, config.warmup !== undefined, perTask, (name, agentId) =>
    onDecision(name, agentId),
  );
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
    hooks: recorder,
  });
  executor.attach(delegation);
  onDecision = (name, agentId) => {
    if (name === 'agent-stopped' && agentId !== undefined) executor.stopped(agentId, clock.now());
    agentCount.set(delegation.roster.agents.size, clock.now());
  };
  const pools = [...delegation.pools.values()];
  const totalDepth = (): number => {
    let depth = 0;
    for (const pool of pools) depth += pool.queue.size;
    return depth;
  };

  const shared: SimTaskShared = {
    ttlMs: config.ttlMs,
    timeoutMs: config.timeoutMs,
    maxAttempts: config.maxAttempts ?? 1,
    firstCountedIndex: config.warmup === undefined ? 0 : Number.POSITIVE_INFINITY,
  };
  const admission = new Admission(
    clock,
    delegation,
    recorder,
    hash,
    shared,
    config.stop,
    config.warmup,
    (nowMs) => {
      queueDepth.reset(nowMs);
      agentCount.reset(nowMs);
      for (const agent of executor.created) agent.busyAtWarmupMs = agent.busyMs;
    },
  );

  delegation.roster.start();
  agentCount.set(delegation.roster.agents.size, 0);
  for (const autoscaler of config.autoscalers ?? [])
    delegation.roster.autoscale(autoscaler.type, autoscaler.options);
  scheduleCrashes(faults, clock, rng.fork('crashes'), delegation);
  const workloadRng = rng.fork('workload');
  config.workloads.forEach((workload, i) =>
    workload.start(admission, workloadRng.fork(`${i}-${workload.name}`)),
  );
  if ('timeMs' in config.stop) {
    clock.setTimer(config.stop.timeMs, () => admission.stopAdmitting());
  }
  flush();
  // Runs until arrivals have stopped and every task has its outcome. Timers that tick forever (autoscalers,
  // crash schedules) do not keep the run alive; a task that can never finish runs into maxEvents.
  while (recorder.admitting || delegation.live > 0) {
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
  const { measured, counts, attempts, decisions } = recorder;
  const { measureFromMs, admissionEndMs } = admission;
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
