import { HierarchicalBitset } from '../../collections/hierarchical-bitset.js';
import type { AgentTable } from '../agent-table.js';
import { NO_AGENT, type BalancingStrategy, type PickRequest } from '../strategy.js';

/**
 * `round-robin`: cycles through agents in slot order, skipping ineligible ones. With every agent eligible,
 * n·k picks give each of n agents exactly k tasks. The next available agent after the cursor comes from a
 * hierarchical bitset, so the cost is O(log₃₂ n) however many agents are full or paused.
 */
export class RoundRobinStrategy implements BalancingStrategy {
  readonly name = 'round-robin';
  private readonly available = new HierarchicalBitset();
  private cursor = 0;

  constructor(private readonly table: AgentTable) {
    table.listen(this);
  }

  availabilityChanged(slot: number, available: boolean): void {
    if (available) this.available.add(slot);
    else this.available.delete(slot);
  }

  pick(request: PickRequest): number {
    const first = this.next(this.cursor);
    if (first === NO_AGENT) return NO_AGENT;
    let slot = first;
    if (request.requiredMask !== 0) {
      // Walk the available agents in cyclic order until one qualifies; stop after a full lap.
      while (!this.table.satisfies(slot, request.requiredMask)) {
        slot = this.next(slot + 1);
        if (slot === first) return NO_AGENT;
      }
    }
    this.cursor = slot + 1;
    return slot;
  }

  private next(from: number): number {
    const slot = this.available.nextAtOrAfter(from);
    return slot !== NO_AGENT ? slot : this.available.nextAtOrAfter(0);
  }
}
