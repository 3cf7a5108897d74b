import type { Rng } from '../../random/rng.js';
import type { AgentTable } from '../agent-table.js';
import { randomEligible } from '../eligible-scan.js';
import type { BalancingStrategy, PickRequest } from '../strategy.js';

/**
 * `random`: a uniformly random eligible agent, O(1) from the table's dense available list. With capacity-1
 * agents and immediate dispatch it turns the pool into n independent M/M/1 queues.
 */
export class RandomStrategy implements BalancingStrategy {
  readonly name = 'random';

  constructor(
    private readonly table: AgentTable,
    private readonly rng: Rng,
  ) {}

  pick(request: PickRequest): number {
    return randomEligible(this.table, this.rng, request.requiredMask);
  }
}
