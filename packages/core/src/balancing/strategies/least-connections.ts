import { IndexedMinHeap } from '../../collections/indexed-heap.js';
import type { AgentTable } from '../agent-table.js';
import { NO_AGENT, type BalancingStrategy, type PickRequest } from '../strategy.js';

/**
 * `least-connections`: the eligible agent with the least load relative to its capacity (load = tasks
 * assigned to it, executing or waiting in its local queue). An indexed min-heap keyed by load ÷ capacity
 * gives the answer in O(1) and absorbs each load change in O(log n); ties go to the agent picked least
 * recently, so equally loaded agents take turns instead of the lowest slot taking everything.
 */
export class LeastConnectionsStrategy implements BalancingStrategy {
  readonly name = 'least-connections';
  private readonly byLoad = new IndexedMinHeap();
  private readonly scratch = new IndexedMinHeap();
  private lastPicked = new Float64Array(16);
  private picks = 0;

  constructor(private readonly table: AgentTable) {
    table.listen(this);
  }

  agentAdded(slot: number): void {
    if (slot >= this.lastPicked.length) {
      const grown = new Float64Array(Math.max(slot + 1, this.lastPicked.length * 2));
      grown.set(this.lastPicked);
      this.lastPicked = grown;
    }
    this.lastPicked[slot] = -1;
  }

  availabilityChanged(slot: number, available: boolean): void {
    if (available) this.byLoad.push(slot, this.relativeLoad(slot), this.lastPicked[slot] as number);
    else this.byLoad.remove(slot);
  }

  loadChanged(slot: number): void {
    if (this.byLoad.has(slot))
      this.byLoad.update(slot, this.relativeLoad(slot), this.lastPicked[slot] as number);
  }

  pick(request: PickRequest): number {
    const mask = request.requiredMask;
    const slot =
      mask === 0
        ? this.byLoad.peek()
        : this.byLoad.findFirst((candidate) => this.table.satisfies(candidate, mask), this.scratch);
    if (slot !== NO_AGENT) this.lastPicked[slot] = this.picks++;
    return slot;
  }

  private relativeLoad(slot: number): number {
    return this.table.loadOf(slot) / this.table.capacityOf(slot);
  }
}
