import {
  AgentTable,
  createStrategy,
  exponential,
  hyperexponentialFromCv,
  jainFairness,
  LatencyHistogram,
  VirtualClock,
  type LatencySummary,
  type PickRequest,
  type Rng,
  type StrategyName,
} from '@flotilla/core';

/** A heterogeneous fleet under Poisson load, dispatched on arrival (each agent keeps a local FIFO). */
export interface RaceScenario {
  readonly fastAgents: number;
  readonly slowAgents: number;
  /** Speed of the slow agents relative to the fast ones (0.5 = twice as slow). */
  readonly slowSpeed: number;
  /** Mean service time on a fast agent, ms. */
  readonly meanServiceMs: number;
  /** Coefficient of variation of service times (LLM output lengths are highly variable). */
  readonly serviceCv: number;
  /** Offered load as a share of the fleet's total capacity. */
  readonly utilization: number;
  readonly tasks: number;
  /** Distinct affinity keys (sessions) the tasks carry. */
  readonly sessions: number;
}

/** What one strategy achieved on the scenario. */
export interface RaceResult {
  readonly strategy: StrategyName;
  readonly latency: LatencySummary;
  /** Largest number of tasks waiting in any agent's local queue. */
  readonly maxLocalQueue: number;
  /** Jain's index of per-agent utilization (1 = perfectly even). */
  readonly fairness: number;
  readonly simulatedMs: number;
}

/**
 * Runs one strategy on the scenario in virtual time. The same seed gives every strategy the same arrival
 * times, service demands and sessions (each from its own named stream), so differences come from the
 * strategy alone. A preview of the full simulator (`@flotilla/sim`'s scenario runner).
 */
export function runRace(scenario: RaceScenario, strategyName: StrategyName, rng: Rng): RaceResult {
  const clock = new VirtualClock();
  const table = new AgentTable();
  const agentCount = scenario.fastAgents + scenario.slowAgents;
  const speed = Array.from({ length: agentCount }, (_, i) =>
    i < scenario.fastAgents ? 1 : scenario.slowSpeed,
  );
  // Weighted strategies see each agent's speed through its weight; the others ignore it.
  speed.forEach((s, i) =>
    table.add({ id: `agent-${i}`, capacity: 1, queueLimit: Number.POSITIVE_INFINITY, weight: s }),
  );
  const strategy = createStrategy(strategyName, table, rng.fork('strategy'));
  const arrivals = rng.fork('arrivals');
  const demands = rng.fork('service');
  const sessions = rng.fork('sessions');
  const capacityPerMs = speed.reduce((sum, s) => sum + s, 0) / scenario.meanServiceMs;
  const gap = exponential({ mean: 1 / (scenario.utilization * capacityPerMs) });
  const service = hyperexponentialFromCv({ mean: scenario.meanServiceMs, cv: scenario.serviceCv });

  const localQueues: Array<Array<{ arrivedMs: number; demandMs: number }>> = speed.map(() => []);
  const busyMs = new Float64Array(agentCount);
  // Overloaded strategies reach latencies of hours; a day of range at 1 ms resolution keeps them unclamped.
  const histogram = new LatencyHistogram({ highestTrackableMs: 86_400_000, resolutionMs: 1 });
  const request: PickRequest = { requiredMask: 0, affinityKey: undefined, nowMs: 0 };
  let maxLocalQueue = 0;
  let submitted = 0;

  const start = (slot: number, arrivedMs: number, demandMs: number): void => {
    const durationMs = demandMs / (speed[slot] as number);
    busyMs[slot] = (busyMs[slot] as number) + durationMs;
    clock.setTimer(durationMs, () => {
      const latencyMs = clock.now() - arrivedMs;
      histogram.record(latencyMs);
      table.release(slot);
      table.recordLatency(slot, latencyMs, clock.now());
      const next = (localQueues[slot] as Array<{ arrivedMs: number; demandMs: number }>).shift();
      if (next !== undefined) start(slot, next.arrivedMs, next.demandMs);
    });
  };

  const arrive = (): void => {
    const nowMs = clock.now();
    request.nowMs = nowMs;
    request.affinityKey = `session-${sessions.nextInt(scenario.sessions)}`;
    const demandMs = service.sample(demands);
    const slot = strategy.pick(request);
    const busy = table.loadOf(slot) > 0;
    table.assign(slot);
    if (busy) {
      const queue = localQueues[slot] as Array<{ arrivedMs: number; demandMs: number }>;
      queue.push({ arrivedMs: nowMs, demandMs });
      maxLocalQueue = Math.max(maxLocalQueue, queue.length);
    } else {
      start(slot, nowMs, demandMs);
    }
    if (++submitted < scenario.tasks) clock.setTimer(gap.sample(arrivals), arrive);
  };

  clock.setTimer(0, arrive);
  clock.runAll(Number.MAX_SAFE_INTEGER);
  const simulatedMs = clock.now();
  return {
    strategy: strategyName,
    latency: histogram.summary(),
    maxLocalQueue,
    fairness: jainFairness(busyMs.map((ms, i) => ms / (speed[i] as number) / simulatedMs)),
    simulatedMs,
  };
}
