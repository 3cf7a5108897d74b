import type { AgentTableListener } from './agent-table.js';

/** What a strategy knows about the task it places. Callers may reuse one object across picks. */
export interface PickRequest {
  /** Capability bits the agent must have (`AgentTable.requirementMask`); 0 for none. */
  requiredMask: number;
  /** Routing key for affinity (consistent hashing); others ignore it. */
  affinityKey: string | undefined;
  /** Clock time of the decision, ms. */
  nowMs: number;
}

/**
 * Picks an agent for a task from an `AgentTable`. A strategy only chooses: the caller then calls
 * `table.assign(slot)`, and `table.release(slot)` when the task leaves the agent. Every strategy returns
 * only agents that are available (no paused, draining, ejected or down flag, below capacity + queueLimit)
 * and have the required capabilities, or -1 when there is none.
 *
 * Strategies are also {@link AgentTableListener}s: they keep their own indexes (heaps, rings, bitsets)
 * current as the table changes, which is what keeps a decision from scanning the pool.
 *
 * @example
 * ```ts
 * const pickFirst: BalancingStrategy = {
 *   name: 'first-available',
 *   pick: (request) => (table.availableCount > 0 ? table.availableAt(0) : -1),
 * };
 * ```
 */
export interface BalancingStrategy extends AgentTableListener {
  readonly name: string;
  /** The chosen agent's slot, or -1 if no agent is eligible. */
  pick(request: PickRequest): number;
}

/** The strategy names used everywhere: configuration, scenario files, the CLI and benchmarks. */
export const STRATEGY_NAMES = [
  'round-robin',
  'weighted-round-robin',
  'random',
  'weighted-random',
  'least-connections',
  'power-of-two',
  'join-idle-queue',
  'consistent-hash',
  'latency-ewma',
] as const;
/** One of {@link STRATEGY_NAMES}. */
export type StrategyName = (typeof STRATEGY_NAMES)[number];

/** Returned by `pick` when no agent is eligible. */
export const NO_AGENT = -1;
