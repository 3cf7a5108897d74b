/**
 * A binary min-heap over small integer ids, ordered by `(primary, secondary)`, with O(log n) push, pop,
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
  private heap: Int32Array;
  private position: Int32Array;
  private primary: Float64Array;
  private secondary: Float64Array;
  private count = 0;

  constructor(initialCapacity = 16) {
    const capacity = Math.max(1, initialCapacity);
    this.heap = new Int32Array(capacity);
    this.position = new Int32Array(capacity).fill(-1);
    this.primary = new Float64Array(capacity);
    this.secondary = new Float64Array(capacity);
  }

  /** Number of ids in the heap. */
  get size(): number {
    return this.count;
  }

  /** True if `id` is in the heap. */
  has(id: number): boolean {
    return id < this.position.length && (this.position[id] as number) >= 0;
  }

  /** The id with the smallest key, or -1 if empty. */
  peek(): number {
    return this.count === 0 ? -1 : (this.heap[0] as number);
  }

  /** Primary key of `id` (meaningful only while `has(id)`). */
  primaryOf(id: number): number {
    return this.primary[id] as number;
  }

  /** Secondary key of `id` (meaningful only while `has(id)`). */
  secondaryOf(id: number): number {
    return this.secondary[id] as number;
  }

  /** Adds `id`, which must not be in the heap. */
  push(id: number, primary: number, secondary: number): void {
    if (id >= this.position.length) this.grow(id + 1);
    this.primary[id] = primary;
    this.secondary[id] = secondary;
    const at = this.count++;
    if (at >= this.heap.length) this.growHeap();
    this.heap[at] = id;
    this.position[id] = at;
    this.siftUp(at);
  }

  /** Removes and returns the id with the smallest key, or -1 if empty. */
  pop(): number {
    if (this.count === 0) return -1;
    const top = this.heap[0] as number;
    this.removeAt(0);
    return top;
  }

  /** Changes the key of `id` (which must be in the heap) and restores heap order. */
  update(id: number, primary: number, secondary: number): void {
    const at = this.position[id] as number;
    const oldPrimary = this.primary[id] as number;
    const oldSecondary = this.secondary[id] as number;
    this.primary[id] = primary;
    this.secondary[id] = secondary;
    if (primary < oldPrimary || (primary === oldPrimary && secondary < oldSecondary)) this.siftUp(at);
    else this.siftDown(at);
  }

  /** Removes `id` if present; returns whether it was. */
  remove(id: number): boolean {
    if (!this.has(id)) return false;
    this.removeAt(this.position[id] as number);
    return true;
  }

  /** Empties the heap. */
  clear(): void {
    for (let i = 0; i < this.count; i++) this.position[this.heap[i] as number] = -1;
    this.count = 0;
  }

  /**
   * Visits ids in ascending key order until `visit` returns true, without modifying the heap; returns the
   * accepted id or -1. Costs O(k log k) for k visited ids. For "the best id that also satisfies a filter".
   */
  findFirst(visit: (id: number) => boolean, scratch: IndexedMinHeap): number {
    if (this.count === 0) return -1;
    scratch.clear();
    scratch.push(
      0,
      this.primary[this.heap[0] as number] as number,
      this.secondary[this.heap[0] as number] as number,
    );
    while (scratch.size > 0) {
      const at = scratch.pop();
      const id = this.heap[at] as number;
      if (visit(id)) return id;
      for (let child = 2 * at + 1; child <= 2 * at + 2 && child < this.count; child++) {
        const childId = this.heap[child] as number;
        scratch.push(child, this.primary[childId] as number, this.secondary[childId] as number);
      }
    }
    return -1;
  }

  private removeAt(at: number): void {
    const id = this.heap[at] as number;
    this.position[id] = -1;
    const last = --this.count;
    if (at === last) return;
    const moved = this.heap[last] as number;
    this.heap[at] = moved;
    this.position[moved] = at;
    this.siftDown(at);
    if (this.heap[at] === moved) this.siftUp(at);
  }

  private less(a: number, b: number): boolean {
    const pa = this.primary[a] as number;
    const pb = this.primary[b] as number;
    return pa < pb || (pa === pb && (this.secondary[a] as number) < (this.secondary[b] as number));
  }

  private siftUp(start: number): void {
    const heap = this.heap;
    const id = heap[start] as number;
    let at = start;
    while (at > 0) {
      const parentAt = (at - 1) >> 1;
      const parent = heap[parentAt] as number;
      if (!this.less(id, parent)) break;
      heap[at] = parent;
      this.position[parent] = at;
      at = parentAt;
    }
    heap[at] = id;
    this.position[id] = at;
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const count = this.count;
    const id = heap[start] as number;
    let at = start;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= count) break;
      const right = left + 1;
      let child = left;
      if (right < count && this.less(heap[right] as number, heap[left] as number)) child = right;
      const childId = heap[child] as number;
      if (!this.less(childId, id)) break;
      heap[at] = childId;
      this.position[childId] = at;
      at = child;
    }
    heap[at] = id;
    this.position[id] = at;
  }

  private grow(minIds: number): void {
    const capacity = Math.max(minIds, this.position.length * 2);
    const position = new Int32Array(capacity).fill(-1);
    position.set(this.position);
    this.position = position;
    const primary = new Float64Array(capacity);
    primary.set(this.primary);
    this.primary = primary;
    const secondary = new Float64Array(capacity);
    secondary.set(this.secondary);
    this.secondary = secondary;
  }

  private growHeap(): void {
    const heap = new Int32Array(this.heap.length * 2);
    heap.set(this.heap);
    this.heap = heap;
  }
}
