import type { Rng } from '../../random/rng.js';
import type { AgentTable } from '../agent-table.js';
import { randomEligible } from '../eligible-scan.js';
import { NO_AGENT, type BalancingStrategy, type PickRequest } from '../strategy.js';

const IDLE_WALK_LIMIT = 32;

/**
 * `join-idle-queue` (Lu et al., 2011): idle agents wait in an I-queue; a task goes to the agent that has
 * been idle longest, and only when no agent is idle to a random eligible one. The I-queue is an intrusive
 * FIFO list over slots, so every step is O(1).
 */
export class JoinIdleQueueStrategy implements BalancingStrategy {
  readonly name = 'join-idle-queue';
  private prev = new Int32Array(16).fill(NO_AGENT);
  private next = new Int32Array(16).fill(NO_AGENT);
  private member = new Uint8Array(16);
  private head = NO_AGENT;
  private tail = NO_AGENT;

  constructor(
    private readonly table: AgentTable,
    private readonly rng: Rng,
  ) {
    table.listen(this);
  }

  agentAdded(slot: number): void {
    if (slot < this.member.length) return;
    const size = Math.max(slot + 1, this.member.length * 2);
    const prev = new Int32Array(size).fill(NO_AGENT);
    prev.set(this.prev);
    const next = new Int32Array(size).fill(NO_AGENT);
    next.set(this.next);
    const member = new Uint8Array(size);
    member.set(this.member);
    this.prev = prev;
    this.next = next;
    this.member = member;
  }

  availabilityChanged(slot: number): void {
    this.refresh(slot);
  }

  loadChanged(slot: number): void {
    this.refresh(slot);
  }

  pick(request: PickRequest): number {
    const mask = request.requiredMask;
    let slot = this.head;
    // A bounded walk keeps a capability requirement that few idle agents meet from costing O(idle).
    for (let step = 0; slot !== NO_AGENT && step < IDLE_WALK_LIMIT; step++) {
      if (this.table.satisfies(slot, mask)) return slot;
      slot = this.next[slot] as number;
    }
    return randomEligible(this.table, this.rng, mask);
  }

  private refresh(slot: number): void {
    const idle = this.table.isAvailable(slot) && this.table.loadOf(slot) === 0;
    const member = this.member[slot] === 1;
    if (idle === member) return;
    if (idle) {
      this.prev[slot] = this.tail;
      this.next[slot] = NO_AGENT;
      if (this.tail === NO_AGENT) this.head = slot;
      else this.next[this.tail] = slot;
      this.tail = slot;
      this.member[slot] = 1;
    } else {
      const before = this.prev[slot] as number;
      const after = this.next[slot] as number;
      if (before === NO_AGENT) this.head = after;
      else this.next[before] = after;
      if (after === NO_AGENT) this.tail = before;
      else this.prev[after] = before;
      this.member[slot] = 0;
    }
  }
}
