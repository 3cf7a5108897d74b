import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FenwickTree } from '../../src/collections/fenwick-tree.js';
import { HierarchicalBitset } from '../../src/collections/hierarchical-bitset.js';
import { IndexedMinHeap } from '../../src/collections/indexed-heap.js';
import { SlotAllocator } from '../../src/collections/slot-allocator.js';

describe('IndexedMinHeap', () => {
  it('pops in (primary, secondary) order under any mix of push, update and remove', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.constantFrom('push', 'update', 'remove', 'pop'),
            fc.integer({ min: 0, max: 40 }),
            fc.integer({ min: -5, max: 5 }),
          ),
          { maxLength: 300 },
        ),
        (ops) => {
          const heap = new IndexedMinHeap(2);
          const model = new Map<number, [number, number]>();
          let sequence = 0;
          for (const [op, id, key] of ops) {
            if (op === 'push' && !model.has(id)) {
              heap.push(id, key, sequence);
              model.set(id, [key, sequence++]);
            } else if (op === 'update' && model.has(id)) {
              heap.update(id, key, sequence);
              model.set(id, [key, sequence++]);
            } else if (op === 'remove') {
              expect(heap.remove(id)).toBe(model.delete(id));
            } else if (op === 'pop') {
              const best = [...model.entries()].sort((a, b) => a[1][0] - b[1][0] || a[1][1] - b[1][1])[0];
              expect(heap.pop()).toBe(best === undefined ? -1 : best[0]);
              if (best !== undefined) model.delete(best[0]);
            }
            expect(heap.size).toBe(model.size);
          }
        },
      ),
    );
  });

  it('findFirst visits in key order and returns the first id the filter accepts', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: 200 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 7 }),
        (ids, modulus) => {
          const heap = new IndexedMinHeap();
          ids.forEach((id, i) => heap.push(id, (id * 7919) % 101, i));
          const expected = [...ids]
            .map((id, i) => ({ id, key: (id * 7919) % 101, i }))
            .sort((a, b) => a.key - b.key || a.i - b.i)
            .find(({ id }) => id % modulus === 0);
          expect(heap.findFirst((id) => id % modulus === 0, new IndexedMinHeap())).toBe(expected?.id ?? -1);
          expect(heap.size).toBe(ids.length);
        },
      ),
    );
  });
});

describe('HierarchicalBitset', () => {
  it('answers nextAtOrAfter like a sorted set, across growth', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 40_000 })), { maxLength: 200 }),
        fc.array(fc.integer({ min: 0, max: 41_000 }), { maxLength: 50 }),
        (ops, queries) => {
          const set = new HierarchicalBitset(8);
          const model = new Set<number>();
          for (const [add, value] of ops) {
            if (add) {
              set.add(value);
              model.add(value);
            } else {
              set.delete(value);
              model.delete(value);
            }
          }
          const sorted = [...model].sort((a, b) => a - b);
          for (const from of queries) {
            expect(set.nextAtOrAfter(from)).toBe(sorted.find((v) => v >= from) ?? -1);
            expect(set.has(from)).toBe(model.has(from));
          }
        },
      ),
    );
  });
});

describe('FenwickTree', () => {
  it('finds the index whose cumulative weight interval contains u', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 1, maxLength: 100 }),
        fc.double({ min: 0, max: 0.999999, noNaN: true }),
        (weights, fraction) => {
          const tree = new FenwickTree(1);
          weights.forEach((w, i) => tree.set(i, w));
          const total = weights.reduce((a, b) => a + b, 0);
          expect(tree.total).toBe(total);
          if (total === 0) return;
          const u = fraction * total;
          let cumulative = 0;
          const expected = weights.findIndex((w) => (cumulative += w) > u);
          expect(tree.find(u)).toBe(expected);
        },
      ),
    );
  });
});

describe('SlotAllocator', () => {
  it('reuses slots and recognizes stale handles', () => {
    const slots = new SlotAllocator();
    const a = slots.allocate();
    const handle = slots.handleOf(a);
    expect(slots.slotOf(handle)).toBe(a);
    slots.release(a);
    const b = slots.allocate();
    expect(b).toBe(a);
    expect(slots.slotOf(handle)).toBe(-1);
    expect(slots.slotOf(slots.handleOf(b))).toBe(b);
  });

  it('finds no slot for a handle that is not one: negative, fractional, not finite, or never handed out', () => {
    const slots = new SlotAllocator();
    const live = slots.handleOf(slots.allocate());
    slots.release(slots.allocate());
    const reused = slots.handleOf(slots.allocate()); // slot 1, generation 1
    expect(reused).toBe(1 + SlotAllocator.MAX_SLOTS);
    expect(slots.slotOf(reused)).toBe(1);
    for (const handle of [
      -1,
      -SlotAllocator.MAX_SLOTS,
      live + 0.5,
      reused - 0.5,
      NaN,
      Infinity,
      -Infinity,
      2,
      2 ** 53,
    ])
      expect(slots.slotOf(handle)).toBe(-1);
  });
});
