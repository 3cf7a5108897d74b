import { simulate } from '../kernel/simulate.js';
import { toSimConfig } from '../run/to-sim-config.js';
import { withOverrides } from '../scenario/overrides.js';
import type { Scenario } from '../scenario/scenario.js';
import type { SimReport } from '../kernel/report.js';
import type { GridJob } from './grid.js';

/**
 * One cell of the grid: the scenario with the cell's seed and strategy, exactly as `flotilla sim
 * --seed N --strategy S` would run it (so any cell can be replayed alone).
 *
 * @example
 * ```ts
 * runCell(loadScenario('examples/scenarios/mmc.yaml'), { index: 0, strategy: 'random', seed: 42 });
 * ```
 */
export function runCell(scenario: Scenario, job: Pick<GridJob, 'strategy' | 'seed'>): SimReport {
  return simulate(toSimConfig(withOverrides(scenario, { seed: job.seed, strategy: job.strategy })));
}
