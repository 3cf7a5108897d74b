import { AgentTable, createRng, createStrategy, type PickRequest, type StrategyName } from '@flotilla/core';
import { measure } from '../../harness/measure.js';

const BATCH = 256;
const SESSIONS = 65_536;

/** The two costs measured per strategy and pool size, in operations per second. */
export interface DecisionRates {
  readonly agents: number;
  readonly decide: { readonly opsPerSec: number; readonly rmePercent: number };
  readonly cycle: { readonly opsPerSec: number; readonly rmePercent: number };
}

/**
 * A pool of `agents` agents of capacity 4 with immediate dispatch (every agent stays eligible, so the
 * numbers isolate the strategy from admission), holding one task per agent in flight.
 */
function pool(strategyName: StrategyName, agents: number) {
  const table = new AgentTable();
  for (let i = 0; i < agents; i++)
    table.add({ id: `agent-${i}`, capacity: 4, queueLimit: Number.POSITIVE_INFINITY });
  const strategy = createStrategy(strategyName, table, createRng(1).fork(strategyName));
  const keys = Array.from({ length: SESSIONS }, (_, i) => `session-${i}`);
  const request: PickRequest = { requiredMask: 0, affinityKey: undefined, nowMs: 0 };
  const inFlight = new Int32Array(agents);
  for (let i = 0; i < agents; i++) {
    request.affinityKey = keys[i % SESSIONS];
    const slot = strategy.pick(request);
    table.assign(slot);
    inFlight[i] = slot;
  }
  return { table, strategy, keys, request, inFlight };
}

/**
 * `decide`: one decision = pick an agent and record the assignment (`table.assign`, including the index
 * upkeep it triggers, e.g. a heap sift). The tasks assigned during a sampling cycle are released between
 * cycles, untimed, so the pool returns to one task per agent.
 */
function decideCase(strategyName: StrategyName, agents: number): { body: () => void; onCycle: () => void } {
  const { table, strategy, keys, request } = pool(strategyName, agents);
  let assigned = new Int32Array(1 << 16);
  let count = 0;
  let key = 0;
  return {
    body: () => {
      if (count + BATCH > assigned.length) {
        const grown = new Int32Array(assigned.length * 2);
        grown.set(assigned);
        assigned = grown;
      }
      for (let i = 0; i < BATCH; i++) {
        request.affinityKey = keys[key++ & (SESSIONS - 1)];
        request.nowMs += 1;
        const slot = strategy.pick(request);
        table.assign(slot);
        assigned[count++] = slot;
      }
    },
    onCycle: () => {
      for (let i = 0; i < count; i++) table.release(assigned[i] as number);
      count = 0;
    },
  };
}

/**
 * `cycle`: the whole per-task balancing cost = a decision plus the completion of the oldest task in
 * flight (`table.release` and a latency observation), on a random other agent.
 */
function cycleCase(strategyName: StrategyName, agents: number): () => void {
  const { table, strategy, keys, request, inFlight } = pool(strategyName, agents);
  let oldest = 0;
  let key = 0;
  return () => {
    for (let i = 0; i < BATCH; i++) {
      request.affinityKey = keys[key++ & (SESSIONS - 1)];
      request.nowMs += 1;
      const slot = strategy.pick(request);
      table.assign(slot);
      const done = inFlight[oldest] as number;
      table.release(done);
      table.recordLatency(done, 10 + (key & 7), request.nowMs);
      inFlight[oldest] = slot;
      oldest = oldest + 1 === agents ? 0 : oldest + 1;
    }
  };
}

/** Both costs of one strategy at each pool size. */
export function measureDecisions(
  strategyName: StrategyName,
  agentCounts: readonly number[],
): DecisionRates[] {
  return agentCounts.map((agents) => {
    const decide = decideCase(strategyName, agents);
    return {
      agents,
      decide: measure(`decide/${strategyName} ${agents}`, decide.body, BATCH, { onCycle: decide.onCycle }),
      cycle: measure(`cycle/${strategyName} ${agents}`, cycleCase(strategyName, agents), BATCH),
    };
  });
}
