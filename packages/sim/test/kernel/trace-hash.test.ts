import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { TraceHash } from '../../src/kernel/trace-hash.js';

type Event = readonly [timeMs: number, kind: number, x: number, y: number];

function hashOf(events: readonly Event[]): string {
  const hash = new TraceHash();
  for (const [timeMs, kind, x, y] of events) hash.add(timeMs, kind, x, y);
  return hash.hex();
}

/** Events as the simulator adds them: times in ms (to the µs), kinds 0–7, slots and task indices. */
const eventArb = fc.tuple(
  fc.integer({ min: 0, max: 2 ** 45 }).map((us) => us / 1000),
  fc.integer({ min: 0, max: 7 }),
  fc.integer({ min: -1, max: 2 ** 24 }),
  fc.integer({ min: 0, max: 2 ** 31 - 1 }),
);
const traceArb = fc.array(eventArb, { minLength: 1, maxLength: 40 });

describe('TraceHash', () => {
  it('is 16 hex digits, the same for the same events in every instance', () => {
    const events: Event[] = [
      [0, 0, 2, 0],
      [12.5, 4, 7, 0],
      [1012.25, 1, 0, 7],
    ];
    expect(hashOf(events)).toMatch(/^[0-9a-f]{16}$/);
    expect(hashOf(events)).toBe(hashOf(events));
    expect(hashOf([])).not.toBe(hashOf([[0, 0, 0, 0]]));
  });

  test.prop([traceArb, fc.nat(), fc.integer({ min: 0, max: 3 })])(
    'a change to one field of one event changes the hash',
    (events, at, field) => {
      const index = at % events.length;
      const changed = events.map((event) => [...event] as [number, number, number, number]);
      const event = changed[index] as [number, number, number, number];
      // One microsecond later, another kind, another field value: each must show.
      if (field === 0) event[0] = (Math.round(event[0] * 1000) + 1) / 1000;
      else if (field === 1) event[1] = (event[1] + 1) % 8;
      else event[field] = (event[field] as number) + 1;
      expect(hashOf(changed)).not.toBe(hashOf(events));
    },
  );

  test.prop([traceArb, fc.nat(), fc.nat()])('the order of events counts', (events, i, j) => {
    const a = i % events.length;
    const b = j % events.length;
    const swapped: Event[] = [...events];
    const first = swapped[a] as Event;
    swapped[a] = swapped[b] as Event;
    swapped[b] = first;
    const same = JSON.stringify(swapped) === JSON.stringify(events);
    expect(hashOf(swapped) === hashOf(events)).toBe(same);
  });

  it('keeps a difference early in a long trace to the end, in whichever of the four words it was', () => {
    const events: Event[] = Array.from({ length: 20_000 }, (_, i) => [i * 0.731, i % 8, (i * 7) % 1000, i]);
    const base = hashOf(events);
    for (let field = 0; field < 4; field++) {
      const changed = events.map((event) => [...event] as [number, number, number, number]);
      const event = changed[3] as [number, number, number, number];
      event[field] = field === 0 ? event[0] + 0.001 : (event[field] as number) + 1;
      expect(hashOf(changed)).not.toBe(base);
    }
  });

  it('ignores differences below a microsecond and tells times past 2^32 µs apart', () => {
    expect(hashOf([[10.0001, 1, 2, 3]])).toBe(hashOf([[10.0004, 1, 2, 3]]));
    // The same low 32 bits of microseconds, a different high word.
    const low = 1234.567;
    const high = low + 2 ** 32 / 1000;
    expect(hashOf([[high, 1, 2, 3]])).not.toBe(hashOf([[low, 1, 2, 3]]));
    // The kind shares the high word with the time: neither may mask the other.
    expect(hashOf([[high, 0, 2, 3]])).not.toBe(hashOf([[low, 1, 2, 3]]));
  });
});
