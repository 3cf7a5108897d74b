import { MAX_SEED, STRATEGY_NAMES, type StrategyName, type StrategySpec } from '@flotilla/core';
import { ScenarioError } from './scenario-error.js';
import type { Scenario } from './scenario.js';

/** What the CLI may override in a scenario (`--seed`, `--strategy`). */
export interface ScenarioOverrides {
  readonly seed?: number;
  /** A strategy name (as typed after `--strategy`) or a full spec. */
  readonly strategy?: StrategyName | StrategySpec;
}

/**
 * `scenario` with the CLI's overrides applied. A strategy given by name keeps the scenario's options when
 * it names the scenario's own strategy (`--strategy consistent-hash` on a file that sets `virtualNodes`
 * keeps them); any other name runs with that strategy's defaults.
 *
 * @throws {@link ScenarioError} naming the flag (`--seed: must be an integer in [0, 2^53 − 1], got -1`).
 *
 * @example
 * ```ts
 * const run = withOverrides(scenario, { seed: 7, strategy: 'power-of-two' });
 * ```
 */
export function withOverrides(scenario: Scenario, overrides: ScenarioOverrides): Scenario {
  const issues = [];
  const { seed, strategy } = overrides;
  if (seed !== undefined && !(Number.isInteger(seed) && seed >= 0 && seed <= MAX_SEED)) {
    issues.push({ path: '--seed', message: 'must be an integer in [0, 2^53 − 1]', value: seed });
  }
  const name: unknown = typeof strategy === 'object' && strategy !== null ? strategy.name : strategy;
  if (strategy !== undefined && !(STRATEGY_NAMES as readonly unknown[]).includes(name)) {
    issues.push({ path: '--strategy', message: `must be one of ${STRATEGY_NAMES.join(' | ')}`, value: name });
  }
  if (issues.length > 0) throw new ScenarioError(scenario.origin, issues);
  return Object.freeze({
    ...scenario,
    ...(seed === undefined ? {} : { seed }),
    ...(strategy === undefined ? {} : { strategy: mergeStrategy(scenario.strategy, strategy) }),
  });
}

function mergeStrategy(current: StrategySpec, override: StrategyName | StrategySpec): StrategySpec {
  if (typeof override !== 'string') return override;
  const currentName = typeof current === 'string' ? current : current.name;
  return currentName === override ? current : override;
}
