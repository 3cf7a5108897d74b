/**
 * A set of small integers with O(log₃₂ n) "next member at or after i": each level keeps one bit per
 * non-empty 32-bit word of the level below, so a search climbs at most four levels for a million members
 * instead of scanning words. Round-robin uses it to find the next available agent after its cursor.
 *
 * @example
 * ```ts
 * const set = new HierarchicalBitset(100);
 * set.add(7); set.add(70);
 * set.nextAtOrAfter(8); // 70
 * ```
 */
export class HierarchicalBitset {
  /** levels[0] holds the members; levels[k + 1] has bit w set iff word w of levels[k] is non-zero. */
  private levels: Uint32Array[] = [];
  private capacity = 0;

  constructor(initialCapacity = 32) {
    this.resize(Math.max(32, initialCapacity));
  }

  has(value: number): boolean {
    return (
      value < this.capacity &&
      (((this.levels[0] as Uint32Array)[value >>> 5] as number) & (1 << (value & 31))) !== 0
    );
  }

  add(value: number): void {
    if (value >= this.capacity) this.resize(Math.max(value + 1, this.capacity * 2));
    let index = value;
    for (const level of this.levels) {
      const word = index >>> 5;
      const before = level[word] as number;
      level[word] = before | (1 << (index & 31));
      if (before !== 0) return; // upper levels already know this word is non-empty
      index = word;
    }
  }

  delete(value: number): void {
    if (value >= this.capacity) return;
    let index = value;
    for (const level of this.levels) {
      const word = index >>> 5;
      const after = (level[word] as number) & ~(1 << (index & 31));
      level[word] = after;
      if (after !== 0) return;
      index = word;
    }
  }

  /** Smallest member ≥ `from`, or -1. */
  nextAtOrAfter(from: number): number {
    if (from >= this.capacity) return -1;
    let index = Math.max(0, from);
    let depth = 0;
    // Climb until some level has a set bit at or after the position in the current word.
    for (;;) {
      const level = this.levels[depth] as Uint32Array;
      const word = index >>> 5;
      if (word >= level.length) return -1;
      const bits = ((level[word] as number) >>> (index & 31)) << (index & 31);
      if (bits !== 0) {
        index = (word << 5) | lowestBit(bits);
        break;
      }
      if (depth + 1 === this.levels.length) return -1;
      index = word + 1;
      depth++;
    }
    // Descend, taking the lowest set bit of the word each summary bit points at.
    while (depth > 0) {
      depth--;
      index = (index << 5) | lowestBit((this.levels[depth] as Uint32Array)[index] as number);
    }
    return index;
  }

  private resize(capacity: number): void {
    const old = this.levels;
    this.levels = [];
    let size = capacity;
    do {
      const words = Math.ceil(size / 32);
      const level = new Uint32Array(words);
      const previous = old[this.levels.length];
      if (previous !== undefined) level.set(previous.subarray(0, Math.min(previous.length, words)));
      this.levels.push(level);
      size = words;
    } while (size > 1);
    // A new top level over an existing one must be rebuilt from the level below.
    for (let depth = old.length; depth < this.levels.length; depth++) {
      const below = this.levels[depth - 1];
      const level = this.levels[depth] as Uint32Array;
      if (below === undefined) continue;
      below.forEach((word, i) => {
        if (word !== 0) level[i >>> 5] = (level[i >>> 5] as number) | (1 << (i & 31));
      });
    }
    this.capacity = (this.levels[0] as Uint32Array).length * 32;
  }
}

function lowestBit(word: number): number {
  return 31 - Math.clz32(word & -word);
}
