import type { Rng } from '../../random/rng.js';
import type { AgentTable } from '../agent-table.js';
import { betterOfTwo, type SlotCost } from '../eligible-scan.js';
import type { BalancingStrategy, PickRequest } from '../strategy.js';

/**
 * `power-of-two`: samples two distinct eligible agents at random and takes the less loaded (relative to
 * capacity). Mitzenmacher's "power of two choices": an exponential improvement in the maximum queue over
 * one random choice, at O(1) per decision whatever the pool size. With immediate dispatch and capacity-1
 * agents it is the supermarket model.
 */
export class PowerOfTwoStrategy implements BalancingStrategy, SlotCost {
  readonly name = 'power-of-two';

  constructor(
    private readonly table: AgentTable,
    private readonly rng: Rng,
  ) {}

  pick(request: PickRequest): number {
    return betterOfTwo(this.table, this.rng, request.requiredMask, this);
  }

  /** Load relative to capacity: what the two choices compare. */
  costOf(slot: number): number {
    return this.table.loadOf(slot) / this.table.capacityOf(slot);
  }
}
