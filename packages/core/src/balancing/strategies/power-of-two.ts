import type { Rng } from '../../random/rng.js';
import type { AgentTable } from '../agent-table.js';
import { compareRelativeLoad, randomEligible } from '../eligible-scan.js';
import { NO_AGENT, type BalancingStrategy, type PickRequest } from '../strategy.js';

/**
 * `power-of-two`: samples two distinct eligible agents at random and takes the less loaded (relative to
 * capacity). Mitzenmacher's "power of two choices": an exponential improvement in the maximum queue over
 * one random choice, at O(1) per decision whatever the pool size. With immediate dispatch and capacity-1
 * agents it is the supermarket model.
 */
export class PowerOfTwoStrategy implements BalancingStrategy {
  readonly name = 'power-of-two';

  constructor(
    private readonly table: AgentTable,
    private readonly rng: Rng,
  ) {}

  pick(request: PickRequest): number {
    const table = this.table;
    const count = table.availableCount;
    if (count === 0) return NO_AGENT;
    if (request.requiredMask !== 0) return this.pickWithCapabilities(request.requiredMask);
    if (count === 1) return table.availableAt(0);
    const i = this.rng.nextInt(count);
    let j = this.rng.nextInt(count - 1);
    if (j >= i) j++; // two distinct agents, each pair equally likely
    const a = table.availableAt(i);
    const b = table.availableAt(j);
    return compareRelativeLoad(table, b, a) < 0 ? b : a;
  }

  private pickWithCapabilities(mask: number): number {
    const a = randomEligible(this.table, this.rng, mask);
    if (a === NO_AGENT) return NO_AGENT;
    const b = randomEligible(this.table, this.rng, mask);
    return compareRelativeLoad(this.table, b, a) < 0 ? b : a;
  }
}
