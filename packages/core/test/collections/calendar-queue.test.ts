import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CalendarQueue } from '../../src/collections/calendar-queue.js';
import { IndexedMinHeap } from '../../src/collections/indexed-heap.js';

// Time offsets from the last popped time: ties, sub-millisecond gaps, the window's edge (4,096 days of
// 1 ms) and far beyond it, so entries cross between the buckets and the far heap.
const offset = fc.oneof(
  fc.constant(0),
  fc.double({ min: 0, max: 2, noNaN: true }),
  fc.integer({ min: 0, max: 10_000 }),
  fc.double({ min: 4_000, max: 1e7, noNaN: true }),
);

describe('CalendarQueue', () => {
  it('pops in exactly the (time, sequence) order of a heap under any mix of push, pop, peek and remove', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('push', 'push', 'pop', 'peek', 'remove'), fc.nat(60), offset), {
          maxLength: 400,
        }),
        (ops) => {
          const calendar = new CalendarQueue(4);
          const heap = new IndexedMinHeap(4);
          let sequence = 0;
          let nowMs = 0;
          for (const [op, id, delta] of ops) {
            if (op === 'push' && !heap.has(id)) {
              calendar.push(id, nowMs + delta, sequence);
              heap.push(id, nowMs + delta, sequence++);
            } else if (op === 'pop') {
              const expected = heap.peek();
              if (expected >= 0) nowMs = heap.primaryOf(expected);
              expect(calendar.pop()).toBe(heap.pop());
            } else if (op === 'peek') {
              expect(calendar.peek()).toBe(heap.peek());
            } else if (op === 'remove') {
              expect(calendar.remove(id)).toBe(heap.remove(id));
            }
            expect(calendar.size).toBe(heap.size);
          }
          for (let id = heap.pop(); id >= 0; id = heap.pop()) expect(calendar.pop()).toBe(id);
          expect(calendar.pop()).toBe(-1);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the order while its days widen (sparse events) and narrow (many events a day)', () => {
    const calendar = new CalendarQueue();
    const heap = new IndexedMinHeap();
    let sequence = 0;
    let nowMs = 0;
    let state = 7;
    const next = (): number => {
      state = (state * 48271) % 2147483647;
      return state / 2147483647;
    };
    // Three phases: 1,000 pending events a few ms apart, then 2 pending hours apart, then 2,000 within 1 ms.
    for (const [pending, spreadMs] of [
      [1_000, 5_000],
      [2, 3.6e6],
      [2_000, 1],
    ] as const) {
      for (let id = 0; id < pending; id++) {
        if (heap.has(id)) continue;
        const atMs = nowMs + next() * spreadMs;
        calendar.push(id, atMs, sequence);
        heap.push(id, atMs, sequence++);
      }
      for (let i = 0; i < 5_000; i++) {
        if (heap.size > 0) nowMs = heap.primaryOf(heap.peek());
        const id = heap.pop();
        expect(calendar.pop()).toBe(id);
        if (id < pending) {
          const atMs = nowMs + (i % 3 === 0 ? 0 : next() * spreadMs);
          calendar.push(id, atMs, sequence);
          heap.push(id, atMs, sequence++);
        }
      }
      while (heap.size > pending) expect(calendar.pop()).toBe(heap.pop());
    }
    for (let id = heap.pop(); id >= 0; id = heap.pop()) expect(calendar.pop()).toBe(id);
  });
});
