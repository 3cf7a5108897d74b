import { checkPositive } from '../../errors/validate.js';
import type { Rng } from '../../random/rng.js';
import type { AgentTable } from '../agent-table.js';
import { betterOfTwo, type SlotCost } from '../eligible-scan.js';
import type { BalancingStrategy, PickRequest } from '../strategy.js';

const UNOBSERVED_BUSY_PENALTY = Number.MAX_VALUE / 2;

/** Options of `latency-ewma`. */
export interface LatencyEwmaOptions {
  /** Time constant of the moving average, ms: older observations weigh e^(−Δt/decayMs). Default 10 s. */
  readonly decayMs?: number;
}

/**
 * `latency-ewma`: peak-EWMA load balancing as in Finagle and Linkerd. Each agent keeps an exponentially
 * weighted moving average of its task latencies that jumps up at once to a slower observation (the
 * "peak") and decays back with time constant `decayMs`, also while no task reports; its cost is that
 * average times (load + 1). The pick compares two random
 * eligible agents and takes the cheaper (power of two choices), so it is O(1) and reacts to a slow agent
 * within one observation. An idle agent not yet observed costs 0 and is tried first.
 */
export class LatencyEwmaStrategy implements BalancingStrategy, SlotCost {
  readonly name = 'latency-ewma';
  private readonly decayMs: number;
  private ewmaMs = new Float64Array(16);
  private stampMs = new Float64Array(16);
  private nowMs = 0;

  constructor(
    private readonly table: AgentTable,
    private readonly rng: Rng,
    options: LatencyEwmaOptions = {},
  ) {
    this.decayMs = checkPositive('decayMs', options.decayMs ?? 10_000);
    table.listen(this);
  }

  agentAdded(slot: number): void {
    if (slot >= this.ewmaMs.length) {
      const size = Math.max(slot + 1, this.ewmaMs.length * 2);
      const ewma = new Float64Array(size);
      ewma.set(this.ewmaMs);
      this.ewmaMs = ewma;
      const stamp = new Float64Array(size);
      stamp.set(this.stampMs);
      this.stampMs = stamp;
    }
    this.ewmaMs[slot] = 0;
    this.stampMs[slot] = Number.NaN; // not yet observed
  }

  latencyObserved(slot: number, latencyMs: number, nowMs: number): void {
    const previous = this.ewmaMs[slot] as number;
    const stamp = this.stampMs[slot] as number;
    if (Number.isNaN(stamp) || latencyMs > previous) {
      this.ewmaMs[slot] = latencyMs;
    } else {
      const weight = Math.exp(-Math.max(0, nowMs - stamp) / this.decayMs);
      this.ewmaMs[slot] = previous * weight + latencyMs * (1 - weight);
    }
    this.stampMs[slot] = nowMs;
  }

  /** Current smoothed latency of the agent in `slot`, ms (0 before any observation). */
  latencyOf(slot: number): number {
    return this.ewmaMs[slot] as number;
  }

  pick(request: PickRequest): number {
    this.nowMs = request.nowMs;
    return betterOfTwo(this.table, this.rng, request.requiredMask, this);
  }

  /** Expected wait on the agent: what the two choices compare. */
  costOf(slot: number): number {
    const load = this.table.loadOf(slot);
    const stamp = this.stampMs[slot] as number;
    // Finagle's rule: an agent never observed but already busy is avoided, so a newcomer gets one probe
    // task rather than a burst before its first latency is known.
    if (Number.isNaN(stamp)) return load === 0 ? 0 : UNOBSERVED_BUSY_PENALTY;
    // Decay on read, as Finagle does: an agent that was slow once and then left alone is retried in time.
    const weight = Math.exp(-Math.max(0, this.nowMs - stamp) / this.decayMs);
    return (this.ewmaMs[slot] as number) * weight * (load + 1);
  }
}
