import { FenwickTree } from '../../collections/fenwick-tree.js';
import type { Rng } from '../../random/rng.js';
import type { AgentTable } from '../agent-table.js';
import { CAPABILITY_SAMPLE_ATTEMPTS } from '../eligible-scan.js';
import { NO_AGENT, type BalancingStrategy, type PickRequest } from '../strategy.js';

/**
 * `weighted-random`: an eligible agent with probability proportional to its weight. A Fenwick tree holds
 * the weights of available agents (0 for the others), so a pick is O(log n).
 */
export class WeightedRandomStrategy implements BalancingStrategy {
  readonly name = 'weighted-random';
  private readonly weights = new FenwickTree();

  constructor(
    private readonly table: AgentTable,
    private readonly rng: Rng,
  ) {
    table.listen(this);
  }

  availabilityChanged(slot: number, available: boolean): void {
    this.weights.set(slot, available ? this.table.weightOf(slot) : 0);
  }

  pick(request: PickRequest): number {
    if (this.table.availableCount === 0) return NO_AGENT;
    const mask = request.requiredMask;
    for (let attempt = 0; attempt < CAPABILITY_SAMPLE_ATTEMPTS; attempt++) {
      const slot = this.weights.find(this.rng.next() * this.weights.total);
      if (this.table.isAvailable(slot) && this.table.satisfies(slot, mask)) return slot;
      if (mask === 0) break; // only rounding can miss without a mask; fall through to the exact pass
    }
    return this.weightedScan(mask);
  }

  /** Exact weighted choice among qualifying agents, by one pass (rare: unusual capability requirements). */
  private weightedScan(mask: number): number {
    let total = 0;
    for (let i = 0; i < this.table.availableCount; i++) {
      const slot = this.table.availableAt(i);
      if (this.table.satisfies(slot, mask)) total += this.table.weightOf(slot);
    }
    if (total === 0) return NO_AGENT;
    let u = this.rng.next() * total;
    let last = NO_AGENT;
    for (let i = 0; i < this.table.availableCount; i++) {
      const slot = this.table.availableAt(i);
      if (!this.table.satisfies(slot, mask)) continue;
      last = slot;
      u -= this.table.weightOf(slot);
      if (u < 0) return slot;
    }
    return last;
  }
}
