import {
  jainFairness,
  PRIORITIES,
  type Clock,
  type CounterSet,
  type OutcomeKind,
  type Priority,
} from '@flotilla/core';
import type { AgentPool } from '../delegation/agent-pool.js';
import type { DeadLetterQueue } from '../delegation/dead-letter.js';
import type { DelegatedAgent, DelegatedTask } from '../delegation/delegated.js';

/** One agent in `fleet.stats()`. */
export interface AgentStats {
  readonly id: string;
  readonly state: string;
  /** Tasks assigned: running plus in its local queue. */
  readonly load: number;
  readonly running: number;
  readonly capacity: number;
  readonly completed: number;
  /** Busy time ÷ (capacity × time since the fleet started), in [0, 1]. */
  readonly utilization: number;
}

/** One agent type in `fleet.stats()`. */
export interface TypeStats {
  /** accepting | backpressure | paused | draining | closed */
  readonly mode: string;
  readonly queueDepth: Readonly<Record<Priority | 'total', number>>;
  readonly inFlight: number;
  readonly agents: readonly AgentStats[];
  /** Jain's fairness index of completed tasks per agent (1 = perfectly even). */
  readonly loadDistribution: number;
}

/** What `fleet.stats()` returns. */
export interface FleetStats {
  readonly seed: number;
  readonly types: Readonly<Record<string, TypeStats>>;
  readonly outcomes: Readonly<Record<OutcomeKind, number>>;
  readonly deadLetters: number;
  readonly runningAttempts: number;
}

/** @internal */
export function collectStats(input: {
  seed: number;
  clock: Clock;
  startedAtMs: number;
  pools: readonly AgentPool<DelegatedTask, DelegatedAgent>[];
  outcomes: CounterSet<OutcomeKind>;
  deadLetters: DeadLetterQueue<unknown>;
  agents: Iterable<DelegatedAgent>;
  stateOf: (agent: DelegatedAgent) => string;
  inFlightRuns: number;
}): FleetStats {
  const elapsedMs = Math.max(1, input.clock.now() - input.startedAtMs);
  const types: Record<string, TypeStats> = {};
  const all = [...input.agents];
  for (const pool of input.pools) {
    const agents: AgentStats[] = [];
    for (const agent of all) {
      if (agent.type !== pool.spec.type) continue;
      agents.push({
        id: agent.id,
        state: input.stateOf(agent),
        load: pool.table.loadOf(agent.slot),
        running: agent.running,
        capacity: pool.spec.capacity,
        completed: agent.completed,
        utilization: Math.min(1, agent.busyMs / (pool.spec.capacity * elapsedMs)),
      });
    }
    const depth = Object.fromEntries(PRIORITIES.map((p) => [p, pool.queue.depthOf(p)])) as Record<
      Priority,
      number
    >;
    types[pool.spec.type] = {
      mode: String(pool.delegator.getSnapshot().value),
      queueDepth: { ...depth, total: pool.queue.size },
      inFlight: pool.inFlight(),
      agents,
      loadDistribution: jainFairness(agents.map((a) => a.completed)),
    };
  }
  return {
    seed: input.seed,
    types,
    outcomes: input.outcomes.toJSON(),
    deadLetters: input.deadLetters.size,
    runningAttempts: input.inFlightRuns,
  };
}
