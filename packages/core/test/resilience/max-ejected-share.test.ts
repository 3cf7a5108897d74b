import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canEject, maxEjectedCount } from '../../src/resilience/max-ejected-share.js';

const percentArb = fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0, max: 100, noNaN: true }));

describe('canEject', () => {
  it('never lets the ejected share exceed the cap, and ejects up to the cap one by one', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), percentArb, (totalCount, percent) => {
        let ejected = 0;
        while (ejected < totalCount && canEject(ejected, totalCount, percent)) {
          ejected++;
          expect(ejected * 100).toBeLessThanOrEqual(totalCount * percent + 1e-9);
        }
        // Stopped at the cap: floor(total · percent / 100) agents, no fewer.
        expect(ejected).toBe(Math.floor((totalCount * percent) / 100));
        expect(ejected).toBe(maxEjectedCount(totalCount, percent));
      }),
    );
  });

  it('rounds the cap down, to zero for a small pool', () => {
    expect(canEject(0, 10, 30)).toBe(true);
    expect(canEject(2, 10, 30)).toBe(true);
    expect(canEject(3, 10, 30)).toBe(false);
    expect(canEject(0, 3, 10)).toBe(false);
    expect(canEject(0, 3, 34)).toBe(true);
    expect(canEject(0, 0, 100)).toBe(false);
    expect(canEject(4, 5, 100)).toBe(true);
    expect(canEject(0, 7, 0)).toBe(false);
  });

  it.each([
    [-1, 10, 50, 'ejectedCount'],
    [11, 10, 50, 'ejectedCount'],
    [0.5, 10, 50, 'ejectedCount'],
    [0, -1, 50, 'totalCount'],
    [0, 10, 101, 'maxEjectionPercent'],
    [0, 10, Number.NaN, 'maxEjectionPercent'],
  ])('refuses canEject(%s, %s, %s), naming %s', (ejected, total, percent, field) => {
    expect(() => canEject(ejected, total, percent)).toThrow(expect.objectContaining({ field }));
  });
});
