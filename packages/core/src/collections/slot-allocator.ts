/** 2^24 slots × 2^29 generations = 2^53: a handle stays an exact integer. */
const MAX_GENERATION = (1 << 29) - 1;

/**
 * Hands out small integer slots and takes them back, reusing freed ones first (LIFO), so flat typed
 * arrays indexed by slot stay dense. Each slot carries a generation that changes on every reuse, so a
 * handle `slot + generation × 2^24` held past its release is recognized as stale, unless the same slot was
 * reused exactly a multiple of 2^29 times in between.
 */
export class SlotAllocator {
  /** Slots are below 2^24 so that a handle (slot plus generation) stays an exact integer. */
  static readonly MAX_SLOTS = 1 << 24;
  private free: Int32Array = new Int32Array(16);
  private freeCount = 0;
  private generations: Uint32Array = new Uint32Array(16);
  private high = 0;

  /** Number of slots ever handed out (live or free): arrays indexed by slot need this length. */
  get highWater(): number {
    return this.high;
  }

  /** A free slot; -1 if all {@link SlotAllocator.MAX_SLOTS} are live. */
  allocate(): number {
    if (this.freeCount > 0) return this.free[--this.freeCount] as number;
    if (this.high >= SlotAllocator.MAX_SLOTS) return -1;
    const slot = this.high++;
    if (slot >= this.generations.length) {
      const generations = new Uint32Array(this.generations.length * 2);
      generations.set(this.generations);
      this.generations = generations;
    }
    return slot;
  }

  /** Returns `slot` to the pool and invalidates its handles. */
  release(slot: number): void {
    this.generations[slot] = ((this.generations[slot] as number) + 1) & MAX_GENERATION;
    if (this.freeCount >= this.free.length) {
      const free = new Int32Array(this.free.length * 2);
      free.set(this.free);
      this.free = free;
    }
    this.free[this.freeCount++] = slot;
  }

  /** The handle of a live slot. */
  handleOf(slot: number): number {
    return (this.generations[slot] as number) * SlotAllocator.MAX_SLOTS + slot;
  }

  /** The slot of `handle` if it is still live under that handle, else -1. */
  slotOf(handle: number): number {
    // A division by 2^24 is exact, so floor-and-subtract splits the handle as `%` would, without the float
    // modulo (a libm call, on every answer's lookup). NaN, infinities, negatives and fractions fail a test.
    if (!(handle >= 0)) return -1;
    const generation = Math.floor(handle / SlotAllocator.MAX_SLOTS);
    const slot = handle - generation * SlotAllocator.MAX_SLOTS;
    if (!(slot < this.high) || (slot | 0) !== slot) return -1;
    return generation === this.generations[slot] ? slot : -1;
  }
}
