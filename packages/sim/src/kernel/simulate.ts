import { AgentPool, type FleetOptions, type PoolAgent, type PooledTask } from '@flotilla/actors';
import {
  createRng,
  createTask,
  LatencyHistogram,
  PRIORITIES,
  priorityLevel,
  systemClock,
  TimeWeightedGauge,
  VirtualClock,
  type Distribution,
  type RateLimiterOptions,
  type Rng,
  type StrategySpec,
  type Task,
} from '@flotilla/core';
import type { Arrival, Workload, WorkloadContext } from '../workload/workload.js';
import { TraceHash } from './trace-hash.js';
import { buildReport, type SimReport } from './report.js';

/** One agent type of a simulation; times in simulated milliseconds. */
export interface SimAgentType {
  readonly type: string;
  readonly count: number;
  readonly capacity: number;
  /** 0: pull from the central queue; `Infinity`: dispatch on arrival. */
  readonly queueLimit: number;
  /** Service time on a speed-1 agent: a distribution (ms), or a function of the arrival (size-based). */
  readonly service: Distribution | ((arrival: Arrival, rng: Rng) => number);
  /** Speed factor per agent (service time ÷ speed); missing entries are 1. */
  readonly speeds?: readonly number[];
  readonly capabilities?: readonly string[];
  readonly weight?: number;
  readonly rateLimit?: RateLimiterOptions;
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
  /** Per-task defaults. */
  readonly ttlMs?: number;
  /** A bound on events processed: a runaway scenario ends with an error, not a hung process. */
  readonly maxEvents?: number;
}

interface SimTask extends PooledTask {
  readonly index: number;
  readonly arrival: Arrival;
  readonly counted: boolean;
  readonly onDone: (() => void) | undefined;
  startedAtMs: number;
}

interface SimAgent extends PoolAgent<SimTask> {
  readonly speed: number;
  readonly capacity: number;
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

/**
 * Runs a simulation to its end and reports. The delegation logic is the runtime's own: each agent type is
 * an `AgentPool` from @flotilla/actors (central queue, strategy, rate limiter, agents' local queues and
 * the delegator machine), driven by a `VirtualClock` instead of worker threads. Every random draw comes
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
  const serviceRng = rng.fork('service');
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
  const latency = new LatencyHistogram({ highestTrackableMs: 1e10, resolutionMs: 0.001 });
  const wait = new LatencyHistogram({ highestTrackableMs: 1e10, resolutionMs: 0.001 });
  const byPriority = PRIORITIES.map(() => ({
    latency: new LatencyHistogram({ highestTrackableMs: 1e10 }),
    wait: new LatencyHistogram({ highestTrackableMs: 1e10 }),
    completed: 0,
    waited: 0,
  }));
  const queueDepth = new TimeWeightedGauge();
  let waited = 0;
  let counting = config.warmup === undefined;
  let measureFromMs = 0;
  let admitting = true;
  let nextTask = 0;
  let events = 0;
  const maxEvents = config.maxEvents ?? 1e9;
  const agentsOf: SimAgent[][] = [];

  const pools = config.agents.map((spec, typeIndex) => {
    const pool: AgentPool<SimTask, SimAgent> = new AgentPool<SimTask, SimAgent>(
      {
        type: spec.type,
        module: undefined,
        handler: undefined,
        replicas: spec.count,
        capacity: spec.capacity,
        queueLimit: spec.queueLimit,
        capabilities: spec.capabilities ?? [],
        rateLimit: spec.rateLimit,
        weight: spec.weight,
      },
      {
        agents: [],
        strategy: config.strategy,
        ...(config.queue === undefined ? {} : { queue: config.queue }),
      },
      clock,
      rng,
      (record) => settle(record, 'expired'),
      (record, agent, nowMs) => start(spec, pool, record, agent, nowMs),
    );
    const agents: SimAgent[] = [];
    for (let i = 0; i < spec.count; i++) {
      const slot = pool.table.add({
        id: `${spec.type}-${i}`,
        capacity: spec.capacity,
        queueLimit: spec.queueLimit,
        ...(spec.capabilities === undefined ? {} : { capabilities: spec.capabilities }),
        ...(spec.weight === undefined ? {} : { weight: spec.weight }),
      });
      const agent: SimAgent = {
        id: `${spec.type}-${i}`,
        slot,
        draining: false,
        running: 0,
        local: [],
        completed: 0,
        busyMs: 0,
        speed: spec.speeds?.[i] ?? 1,
        capacity: spec.capacity,
      };
      pool.agents.set(slot, agent);
      agents.push(agent);
    }
    agentsOf[typeIndex] = agents;
    return pool;
  });
  const poolByType = new Map(
    config.agents.map((spec, i) => [spec.type, pools[i] as AgentPool<SimTask, SimAgent>]),
  );
  const totalDepth = (): number => pools.reduce((sum, pool) => sum + pool.queue.size, 0);

  const settle = (record: SimTask, outcome: 'completed' | 'expired' | 'rejected'): void => {
    if (outcome === 'completed') counts.completed++;
    else if (outcome === 'expired') counts.expired++;
    else counts.rejected++;
    record.place = 'done';
    hash.add(
      clock.now(),
      outcome === 'completed' ? 1 : outcome === 'expired' ? 2 : 3,
      record.index,
      record.agent?.slot ?? -1,
    );
    record.onDone?.();
  };

  const start = (
    spec: SimAgentType,
    pool: AgentPool<SimTask, SimAgent>,
    record: SimTask,
    agent: SimAgent,
    nowMs: number,
  ): void => {
    record.place = 'running';
    record.startedAtMs = nowMs;
    agent.running++;
    const demandMs =
      typeof spec.service === 'function'
        ? spec.service(record.arrival, serviceRng)
        : spec.service.sample(serviceRng);
    // A normal distribution can draw below zero; time cannot run backwards.
    const serviceMs = Math.max(0, demandMs) / agent.speed;
    agent.busyMs += serviceMs;
    if (record.counted) {
      const waitedMs = nowMs - record.task.createdAt;
      wait.record(waitedMs);
      const bucket = byPriority[priorityLevel(record.task.priority)] as (typeof byPriority)[number];
      bucket.wait.record(waitedMs);
      if (waitedMs > 0) {
        waited++;
        bucket.waited++;
      }
    }
    hash.add(nowMs, 4, agent.slot, record.index);
    clock.setTimer(serviceMs, () => {
      events++;
      const now = clock.now();
      agent.running--;
      agent.completed++;
      pool.table.release(agent.slot);
      pool.table.recordLatency(agent.slot, serviceMs, now);
      if (record.counted) {
        const latencyMs = now - record.task.createdAt;
        latency.record(latencyMs);
        const bucket = byPriority[priorityLevel(record.task.priority)];
        if (bucket !== undefined) {
          bucket.latency.record(latencyMs);
          bucket.completed++;
        }
      }
      settle(record, 'completed');
      pool.startNextLocal(agent);
      pool.pump();
      queueDepth.set(totalDepth(), now);
    });
  };

  const context: WorkloadContext = {
    now: () => clock.now(),
    at: (atMs, callback) => {
      clock.setTimerAt(Math.max(atMs, clock.now()), () => {
        events++;
        if (events > maxEvents) throw new RangeError(`simulation exceeded maxEvents (${maxEvents})`);
        callback();
      });
    },
    active: () => admitting,
    submit: (arrival, onDone) => {
      if (!admitting) return;
      const pool = poolByType.get(arrival.type);
      if (pool === undefined)
        throw new RangeError(`workload submits type "${arrival.type}", which no agent serves`);
      const nowMs = clock.now();
      const index = nextTask++;
      if (!counting && config.warmup !== undefined) {
        const warm = 'tasks' in config.warmup ? index >= config.warmup.tasks : nowMs >= config.warmup.timeMs;
        if (warm) {
          counting = true;
          measureFromMs = nowMs;
        }
      }
      counts.submitted++;
      const task: Task = createTask(
        {
          type: arrival.type,
          priority: arrival.priority,
          ...(arrival.tenant === undefined ? {} : { tenant: arrival.tenant }),
          ...(arrival.affinityKey === undefined ? {} : { affinityKey: arrival.affinityKey }),
          ...(config.ttlMs === undefined ? {} : { ttlMs: config.ttlMs }),
        },
        { id: `t${index}`, nowMs },
      );
      const record: SimTask = {
        index,
        task,
        arrival,
        requiredMask: 0,
        place: 'queued',
        queueHandle: -1,
        agent: undefined,
        counted: counting,
        onDone,
        startedAtMs: 0,
      };
      hash.add(nowMs, 0, priorityLevel(arrival.priority), index);
      if (!pool.enqueue(record, (shed) => settle(shed, 'rejected'))) settle(record, 'rejected');
      else pool.pump();
      queueDepth.set(totalDepth(), nowMs);
      const stop = config.stop;
      if ('tasks' in stop ? counts.submitted >= stop.tasks : nowMs >= stop.timeMs) admitting = false;
    },
  };

  const workloadRng = rng.fork('workload');
  config.workloads.forEach((workload, i) =>
    workload.start(context, workloadRng.fork(`${i}-${workload.name}`)),
  );
  if ('timeMs' in config.stop) {
    const stopAtMs = config.stop.timeMs;
    clock.setTimer(stopAtMs, () => {
      admitting = false;
    });
  }
  clock.runAll(maxEvents);
  for (const pool of pools) pool.stop();

  const endMs = clock.now();
  const agents = agentsOf.flat();
  return buildReport({
    seed: config.seed,
    strategy: typeof config.strategy === 'string' ? config.strategy : config.strategy.name,
    simulatedMs: endMs,
    measuredMs: Math.max(1e-9, endMs - measureFromMs),
    wallMs: systemClock.now() - wallStartMs,
    counts,
    latency,
    wait,
    waited,
    byPriority: PRIORITIES.map((priority, i) => ({
      priority,
      ...(byPriority[i] as (typeof byPriority)[number]),
    })),
    queueDepth: { mean: queueDepth.mean(endMs), max: queueDepth.max },
    // Utilization over the whole run: busy time ÷ (capacity × simulated time).
    utilization: agents.map((a) => (endMs > 0 ? Math.min(1, a.busyMs / (a.capacity * endMs)) : 0)),
    completedPerAgent: agents.map((a) => a.completed),
    traceHash: hash.hex(),
  });
}
