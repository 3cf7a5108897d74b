export {
  AgentTable,
  AgentFlag,
  UNSATISFIABLE,
  MAX_CAPABILITIES,
  type AgentSpec,
  type AgentTableListener,
} from './agent-table.js';
export {
  STRATEGY_NAMES,
  NO_AGENT,
  type BalancingStrategy,
  type PickRequest,
  type StrategyName,
} from './strategy.js';
export { createStrategy, type StrategySpec } from './create-strategy.js';
export { murmur3 } from './hash.js';
export { RoundRobinStrategy } from './strategies/round-robin.js';
export { WeightedRoundRobinStrategy } from './strategies/weighted-round-robin.js';
export { RandomStrategy } from './strategies/random.js';
export { WeightedRandomStrategy } from './strategies/weighted-random.js';
export { LeastConnectionsStrategy } from './strategies/least-connections.js';
export { PowerOfTwoStrategy } from './strategies/power-of-two.js';
export { JoinIdleQueueStrategy } from './strategies/join-idle-queue.js';
export { ConsistentHashStrategy, type ConsistentHashOptions } from './strategies/consistent-hash.js';
export { LatencyEwmaStrategy, type LatencyEwmaOptions } from './strategies/latency-ewma.js';
