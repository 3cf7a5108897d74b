/** Children per node: four siblings' keys share a cache line, and the tree is half as deep as a binary one. */
const ARITY = 4;

/**
 * A 4-ary min-heap over small integer ids, ordered by `(primary, secondary)`, with O(log n) push, pop,
 * update and removal by id. Ids index flat typed arrays, so a heap of a million entries allocates no
 * per-entry objects; the caller owns the ids (usually slots of its own slab).
 *
 * Used by the virtual clock (deadline, sequence), the queue's aging, fair-share and expiry orders, and the
 * least-connections and weighted round-robin strategies.
 *
 * @example
 * ```ts
 * const heap = new IndexedMinHeap();
 * heap.push(7, 10, 0);
 * heap.push(3, 5, 1);
 * heap.pop(); // 3
 * ```
 */
export class IndexedMinHeap {
  // Keys live by heap position, beside the ids, not by id: a sift compares siblings that sit next to each
  // other in memory, about one cache miss per level on a large heap instead of three.
  private ids: Int32Array;
  private primaries: Float64Array;
  private secondaries: Float64Array;
  private position: Int32Array;
  private count = 0;

  constructor(initialCapacity = 16) {
    const capacity = Math.max(1, initialCapacity);
    this.ids = new Int32Array(capacity);
    this.primaries = new Float64Array(capacity);
    this.secondaries = new Float64Array(capacity);
    this.position = new Int32Array(capacity).fill(-1);
  }

  /** Number of ids in the heap. */
  get size(): number {
    return this.count;
  }

  /** True if `id` is in the heap. */
  has(id: number): boolean {
    return id >= 0 && id < this.position.length && (this.position[id] as number) >= 0;
  }

  /** The id with the smallest key, or -1 if empty. */
  peek(): number {
    return this.count === 0 ? -1 : (this.ids[0] as number);
  }

  /** Primary key of `id` (meaningful only while `has(id)`). */
  primaryOf(id: number): number {
    return this.primaries[this.position[id] as number] as number;
  }

  /** Secondary key of `id` (meaningful only while `has(id)`). */
  secondaryOf(id: number): number {
    return this.secondaries[this.position[id] as number] as number;
  }

  /** Adds `id`, which must not be in the heap. */
  push(id: number, primary: number, secondary: number): void {
    if (id >= this.position.length) this.growIds(id + 1);
    if (this.count >= this.ids.length) this.growHeap();
    this.siftUp(this.count++, id, primary, secondary);
  }

  /** Removes and returns the id with the smallest key, or -1 if empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const top = this.ids[0] as number;
    this.removeAt(0);
    return top;
  }

  /** Changes the key of `id` (which must be in the heap) and restores heap order. */
  update(id: number, primary: number, secondary: number): void {
    const at = this.position[id] as number;
    const oldPrimary = this.primaries[at] as number;
    if (primary < oldPrimary || (primary === oldPrimary && secondary < (this.secondaries[at] as number))) {
      this.siftUp(at, id, primary, secondary);
    } else {
      this.siftDown(at, id, primary, secondary);
    }
  }

  /** Removes `id` if present; returns whether it was. */
  remove(id: number): boolean {
    if (!this.has(id)) return false;
    this.removeAt(this.position[id] as number);
    return true;
  }

  /** Empties the heap. */
  clear(): void {
    for (let i = 0; i < this.count; i++) this.position[this.ids[i] as number] = -1;
    this.count = 0;
  }

  /**
   * Visits ids in ascending key order until `visit` returns true, without modifying the heap; returns the
   * accepted id or -1. Costs O(k log k) for k visited ids. For "the best id that also satisfies a filter".
   */
  findFirst(visit: (id: number) => boolean, scratch: IndexedMinHeap): number {
    if (this.count === 0) return -1;
    scratch.clear();
    scratch.push(0, this.primaries[0] as number, this.secondaries[0] as number);
    while (scratch.size > 0) {
      const at = scratch.pop();
      const id = this.ids[at] as number;
      if (visit(id)) return id;
      for (let child = ARITY * at + 1; child <= ARITY * at + ARITY && child < this.count; child++) {
        scratch.push(child, this.primaries[child] as number, this.secondaries[child] as number);
      }
    }
    return -1;
  }

  private removeAt(at: number): void {
    this.position[this.ids[at] as number] = -1;
    const last = --this.count;
    if (at === last) return;
    const movedId = this.ids[last] as number;
    const movedPrimary = this.primaries[last] as number;
    const movedSecondary = this.secondaries[last] as number;
    const parent = (at - 1) >> 2;
    if (
      at > 0 &&
      (movedPrimary < (this.primaries[parent] as number) ||
        (movedPrimary === this.primaries[parent] && movedSecondary < (this.secondaries[parent] as number)))
    ) {
      this.siftUp(at, movedId, movedPrimary, movedSecondary);
    } else {
      this.siftDown(at, movedId, movedPrimary, movedSecondary);
    }
  }

  /** Places (id, keys) at `start` or above, moving larger parents down. */
  private siftUp(start: number, id: number, primary: number, secondary: number): void {
    const { ids, primaries, secondaries, position } = this;
    let at = start;
    while (at > 0) {
      const parent = (at - 1) >> 2;
      const parentPrimary = primaries[parent] as number;
      if (
        primary > parentPrimary ||
        (primary === parentPrimary && secondary >= (secondaries[parent] as number))
      )
        break;
      this.place(at, ids[parent] as number, parentPrimary, secondaries[parent] as number);
      at = parent;
    }
    ids[at] = id;
    primaries[at] = primary;
    secondaries[at] = secondary;
    position[id] = at;
  }

  /** Places (id, keys) at `start` or below, moving smaller children up. */
  private siftDown(start: number, id: number, primary: number, secondary: number): void {
    const { ids, primaries, secondaries, position } = this;
    const count = this.count;
    let at = start;
    for (;;) {
      const first = ARITY * at + 1;
      if (first >= count) break;
      let child = first;
      let childPrimary = primaries[first] as number;
      let childSecondary = secondaries[first] as number;
      const last = Math.min(first + ARITY, count);
      for (let sibling = first + 1; sibling < last; sibling++) {
        const siblingPrimary = primaries[sibling] as number;
        const siblingSecondary = secondaries[sibling] as number;
        if (
          siblingPrimary < childPrimary ||
          (siblingPrimary === childPrimary && siblingSecondary < childSecondary)
        ) {
          child = sibling;
          childPrimary = siblingPrimary;
          childSecondary = siblingSecondary;
        }
      }
      if (primary < childPrimary || (primary === childPrimary && secondary <= childSecondary)) break;
      this.place(at, ids[child] as number, childPrimary, childSecondary);
      at = child;
    }
    ids[at] = id;
    primaries[at] = primary;
    secondaries[at] = secondary;
    position[id] = at;
  }

  private place(at: number, id: number, primary: number, secondary: number): void {
    this.ids[at] = id;
    this.primaries[at] = primary;
    this.secondaries[at] = secondary;
    this.position[id] = at;
  }

  private growIds(minIds: number): void {
    const position = new Int32Array(Math.max(minIds, this.position.length * 2)).fill(-1);
    position.set(this.position);
    this.position = position;
  }

  private growHeap(): void {
    const capacity = this.ids.length * 2;
    const ids = new Int32Array(capacity);
    ids.set(this.ids);
    this.ids = ids;
    const primaries = new Float64Array(capacity);
    primaries.set(this.primaries);
    this.primaries = primaries;
    const secondaries = new Float64Array(capacity);
    secondaries.set(this.secondaries);
    this.secondaries = secondaries;
  }
}
