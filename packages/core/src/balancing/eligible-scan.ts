import type { Rng } from '../random/rng.js';
import type { AgentTable } from './agent-table.js';

/**
 * How many random draws a sampling strategy spends looking for an agent with the required capabilities
 * before it falls back to a scan. When most agents qualify, the draws almost always succeed and the
 * decision stays O(1); the scan is the price only of rare capability combinations.
 */
export const CAPABILITY_SAMPLE_ATTEMPTS = 8;

/** A uniformly random available agent satisfying `requiredMask`, or -1. */
export function randomEligible(table: AgentTable, rng: Rng, requiredMask: number): number {
  const count = table.availableCount;
  if (count === 0) return -1;
  if (requiredMask === 0) return table.availableAt(rng.nextInt(count));
  for (let attempt = 0; attempt < CAPABILITY_SAMPLE_ATTEMPTS; attempt++) {
    const slot = table.availableAt(rng.nextInt(count));
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

/**
 * Compares two agents' load relative to capacity without dividing: negative if `a` is less loaded.
 */
export function compareRelativeLoad(table: AgentTable, a: number, b: number): number {
  return table.loadOf(a) * table.capacityOf(b) - table.loadOf(b) * table.capacityOf(a);
}
