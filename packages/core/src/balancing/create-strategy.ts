import { ConfigError } from '../errors/config-error.js';
import type { Rng } from '../random/rng.js';
import type { AgentTable } from './agent-table.js';
import { STRATEGY_NAMES, type BalancingStrategy, type StrategyName } from './strategy.js';
import { ConsistentHashStrategy, type ConsistentHashOptions } from './strategies/consistent-hash.js';
import { JoinIdleQueueStrategy } from './strategies/join-idle-queue.js';
import { LatencyEwmaStrategy, type LatencyEwmaOptions } from './strategies/latency-ewma.js';
import { LeastConnectionsStrategy } from './strategies/least-connections.js';
import { PowerOfTwoStrategy } from './strategies/power-of-two.js';
import { RandomStrategy } from './strategies/random.js';
import { RoundRobinStrategy } from './strategies/round-robin.js';
import { WeightedRandomStrategy } from './strategies/weighted-random.js';
import { WeightedRoundRobinStrategy } from './strategies/weighted-round-robin.js';

/** A strategy by name, with the options of those that take any. */
export type StrategySpec =
  | StrategyName
  | ({ readonly name: 'consistent-hash' } & ConsistentHashOptions)
  | ({ readonly name: 'latency-ewma' } & LatencyEwmaOptions)
  | { readonly name: Exclude<StrategyName, 'consistent-hash' | 'latency-ewma'> };

/**
 * Creates a built-in strategy over `table`. Create it before adding agents or after: it indexes the
 * agents already present. `rng` feeds its random choices (fork a stream per strategy).
 *
 * @example
 * ```ts
 * const table = new AgentTable();
 * const strategy = createStrategy({ name: 'consistent-hash', loadFactor: 1.25 }, table, rng.fork('strategy'));
 * ```
 */
export function createStrategy(spec: StrategySpec, table: AgentTable, rng: Rng): BalancingStrategy {
  const name = typeof spec === 'string' ? spec : spec.name;
  const strategy = instantiate(spec, name, table, rng);
  // Replay the agents already in the table, as if the strategy had watched them arrive.
  for (let slot = 0; slot < table.slotBound; slot++) {
    if (!table.has(slot)) continue;
    strategy.agentAdded?.(slot);
    strategy.loadChanged?.(slot);
    if (table.isAvailable(slot)) strategy.availabilityChanged?.(slot, true);
  }
  return strategy;
}

function instantiate(spec: StrategySpec, name: string, table: AgentTable, rng: Rng): BalancingStrategy {
  switch (name as StrategyName) {
    case 'round-robin':
      return new RoundRobinStrategy(table);
    case 'weighted-round-robin':
      return new WeightedRoundRobinStrategy(table);
    case 'random':
      return new RandomStrategy(table, rng);
    case 'weighted-random':
      return new WeightedRandomStrategy(table, rng);
    case 'least-connections':
      return new LeastConnectionsStrategy(table);
    case 'power-of-two':
      return new PowerOfTwoStrategy(table, rng);
    case 'join-idle-queue':
      return new JoinIdleQueueStrategy(table, rng);
    case 'consistent-hash':
      return new ConsistentHashStrategy(
        table,
        rng,
        typeof spec === 'string' ? {} : (spec as ConsistentHashOptions),
      );
    case 'latency-ewma':
      return new LatencyEwmaStrategy(
        table,
        rng,
        typeof spec === 'string' ? {} : (spec as LatencyEwmaOptions),
      );
    default:
      throw new ConfigError('strategy', `be one of ${STRATEGY_NAMES.join(' | ')}`, name);
  }
}
