/**
 * A Fenwick (binary indexed) tree of non-negative weights: O(log n) update, prefix sum, and "which index
 * does cumulative weight u fall in". Weighted random picks with it without scanning the pool.
 *
 * @example
 * ```ts
 * const tree = new FenwickTree(3);
 * tree.set(0, 1); tree.set(2, 3);
 * tree.total; // 4
 * tree.find(2.5); // 2
 * ```
 */
export class FenwickTree {
  private tree: Float64Array;
  private values: Float64Array;
  private sum = 0;
  private updates = 0;

  constructor(size = 16) {
    this.tree = new Float64Array(Math.max(1, size) + 1);
    this.values = new Float64Array(Math.max(1, size));
  }

  /** Sum of all weights. */
  get total(): number {
    return this.sum;
  }

  get(index: number): number {
    return index < this.values.length ? (this.values[index] as number) : 0;
  }

  /** Sets the weight at `index` (≥ 0). */
  set(index: number, weight: number): void {
    if (index >= this.values.length) this.grow(index + 1);
    const delta = weight - (this.values[index] as number);
    if (delta === 0) return;
    this.values[index] = weight;
    this.sum += delta;
    for (let i = index + 1; i < this.tree.length; i += i & -i)
      this.tree[i] = (this.tree[i] as number) + delta;
    // Repeated ± updates accumulate floating-point drift; rebuilding from the exact values resets it.
    if (++this.updates >= 1 << 20) this.rebuild();
  }

  /** The smallest index whose cumulative weight exceeds `u` (0 ≤ u < total), clamped to the last non-zero. */
  find(u: number): number {
    let position = 0;
    let remaining = u;
    let step = 1 << (31 - Math.clz32(this.tree.length - 1));
    for (; step > 0; step >>= 1) {
      const next = position + step;
      if (next < this.tree.length && (this.tree[next] as number) <= remaining) {
        position = next;
        remaining -= this.tree[next] as number;
      }
    }
    // position is the count of indexes whose cumulative sum ≤ u; rounding can push it past a zero tail.
    let index = Math.min(position, this.values.length - 1);
    while (index > 0 && this.values[index] === 0) index--;
    return index;
  }

  private grow(size: number): void {
    const values = new Float64Array(Math.max(size, this.values.length * 2));
    values.set(this.values);
    this.values = values;
    this.tree = new Float64Array(values.length + 1);
    this.rebuild();
  }

  private rebuild(): void {
    this.tree.fill(0);
    this.sum = 0;
    for (let i = 0; i < this.values.length; i++) {
      const weight = this.values[i] as number;
      this.sum += weight;
      this.tree[i + 1] = (this.tree[i + 1] as number) + weight;
      const parent = i + 1 + ((i + 1) & -(i + 1));
      if (parent < this.tree.length)
        this.tree[parent] = (this.tree[parent] as number) + (this.tree[i + 1] as number);
    }
    this.updates = 0;
  }
}
