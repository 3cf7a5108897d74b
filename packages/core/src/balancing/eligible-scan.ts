import type { Rng } from '../random/rng.js';
import type { AgentTable } from './agent-table.js';

/**
 * How many random draws a sampling strategy spends looking for an agent with the required capabilities
 * before it falls back to a scan. When most agents qualify, the draws almost always succeed and the
 * decision stays O(1); the scan is the price only of rare capability combinations.
 */
export const CAPABILITY_SAMPLE_ATTEMPTS = 8;

/**
 * The agent at a uniformly random position of the available list. When every slot is live and available
 * (the steady state of an unsaturated pool), slot numbers are exactly 0..count−1, so the slot is drawn
 * directly: one dependent memory access fewer, which on a pool of 100,000 agents is a cache miss fewer.
 */
function uniformAvailable(table: AgentTable, rng: Rng, count: number): number {
  const index = rng.nextInt(count);
  return count === table.slotBound ? index : table.availableAt(index);
}

/** A uniformly random available agent satisfying `requiredMask`, or -1. */
export function randomEligible(table: AgentTable, rng: Rng, requiredMask: number): number {
  const count = table.availableCount;
  if (count === 0) return -1;
  if (requiredMask === 0) return uniformAvailable(table, rng, count);
  for (let attempt = 0; attempt < CAPABILITY_SAMPLE_ATTEMPTS; attempt++) {
    const slot = uniformAvailable(table, rng, count);
    if (table.satisfies(slot, requiredMask)) return slot;
  }
  return scanEligible(table, rng.nextInt(count), requiredMask);
}

/** The first available agent satisfying `requiredMask`, scanning the available list from `start`. */
export function scanEligible(table: AgentTable, start: number, requiredMask: number): number {
  const count = table.availableCount;
  for (let i = 0; i < count; i++) {
    const slot = table.availableAt((start + i) % count);
    if (table.satisfies(slot, requiredMask)) return slot;
  }
  return -1;
}

/** What {@link betterOfTwo} ranks agents by: lower is better. */
export interface SlotCost {
  costOf(slot: number): number;
}

/**
 * The power of two choices: two distinct random eligible agents, and the one `ranker` costs lower (the
 * first on a tie). With a capability requirement the two draws may coincide when few agents qualify.
 *
 * The ranker is an object with a method rather than a function: a strategy passes itself, so every
 * instance's calls go to one prototype method, where a closure per instance was a new call target for
 * each fleet or simulation, and V8 deoptimized the pick in the second one.
 */
export function betterOfTwo(table: AgentTable, rng: Rng, requiredMask: number, ranker: SlotCost): number {
  const count = table.availableCount;
  if (count === 0) return -1;
  let a: number;
  let b: number;
  if (requiredMask === 0) {
    let i = 0;
    let j = 0;
    if (count > 1) {
      i = rng.nextInt(count);
      j = rng.nextInt(count - 1);
      if (j >= i) j++; // two distinct agents, each pair equally likely
    }
    const dense = count === table.slotBound; // see uniformAvailable
    a = dense ? i : table.availableAt(i);
    // One free agent goes through the same lookup (slot 0 if dense): a call of its own, first reached when
    // a busy fleet is down to one free agent, deoptimized the whole dispatch path there.
    if (count === 1) return a;
    b = dense ? j : table.availableAt(j);
  } else {
    a = randomEligible(table, rng, requiredMask);
    if (a === -1) return -1;
    b = randomEligible(table, rng, requiredMask);
  }
  return ranker.costOf(b) < ranker.costOf(a) ? b : a;
}
