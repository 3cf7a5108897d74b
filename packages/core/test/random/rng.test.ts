import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import { createRng, MAX_SEED, restoreRng } from '../../src/random/rng.js';
import type { Rng } from '../../src/random/rng.js';

const seedArb = fc.maxSafeNat();
const nameArb = fc.string({ minLength: 1, maxLength: 12 }).filter((name) => !name.includes('/'));

function uint32s(rng: Rng, count: number): number[] {
  return Array.from({ length: count }, () => rng.nextUint32());
}

function configErrorOf(run: () => unknown): { field: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isConfigError(error)) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, nothing was thrown');
}

/** Pearson's statistic of observed bucket counts against equal expected counts. */
function chiSquare(counts: Float64Array): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
}

/** Upper 0.1% points of the chi-square distribution, by degrees of freedom (standard tables). */
const CHI_SQUARE_P001: Readonly<Record<number, number>> = {
  1: 10.828,
  2: 13.816,
  6: 22.458,
  9: 27.877,
  10: 29.588,
};

describe('createRng', () => {
  it('is xoshiro128** 1.1: a known state gives the reference outputs', () => {
    // Reference values from the authors' C code, state {1, 2, 3, 4}.
    const rng = restoreRng({ seed: 0, path: '', words: [1, 2, 3, 4] });
    expect(uint32s(rng, 6)).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('pins the streams of seed 42, so a change of algorithm or seeding shows up here', () => {
    const rng = createRng(42);
    expect(rng.state()).toEqual({
      seed: 42,
      path: '',
      words: [704277114, -1870863352, -1357570030, 1785401906],
    });
    expect(uint32s(rng, 4)).toEqual([4195006385, 4208161272, 3685373657, 2353277459]);
    expect([rng.next(), rng.next()]).toEqual([0.03967689482136805, 0.048436909967474406]);
    expect([rng.nextInt(10), rng.nextInt(1000), rng.nextInt(3_000_000_000)]).toEqual([2, 209, 624636712]);
    const arrivals = createRng(42).fork('arrivals');
    expect(arrivals.path).toBe('arrivals');
    expect(uint32s(arrivals, 2)).toEqual([113861710, 97057056]);
    expect(arrivals.fork('x').nextUint32()).toBe(220889695);
  });

  it('gives the same stream for the same seed', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const a = createRng(seed);
        const b = createRng(seed);
        expect([...uint32s(a, 8), a.next(), a.nextInt(97)]).toEqual([
          ...uint32s(b, 8),
          b.next(),
          b.nextInt(97),
        ]);
      }),
    );
  });

  it('gives different streams for different seeds', () => {
    fc.assert(
      fc.property(seedArb, seedArb, (seedA, seedB) => {
        fc.pre(seedA !== seedB);
        expect(uint32s(createRng(seedA), 4)).not.toEqual(uint32s(createRng(seedB), 4));
      }),
    );
    // Neighbouring seeds, and seeds that differ only above bit 32, are the likeliest to collide.
    expect(uint32s(createRng(0), 4)).not.toEqual(uint32s(createRng(1), 4));
    expect(uint32s(createRng(7), 4)).not.toEqual(uint32s(createRng(7 + 2 ** 32), 4));
    expect(uint32s(createRng(MAX_SEED), 4)).not.toEqual(uint32s(createRng(MAX_SEED - 1), 4));
  });

  it('rejects seeds that are not integers in [0, MAX_SEED], naming seed', () => {
    for (const seed of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, MAX_SEED + 1]) {
      const error = configErrorOf(() => createRng(seed));
      expect(error.field).toBe('seed');
      expect(error.message).toMatch(/^seed must /);
      expect(error.message).toContain(`got ${String(seed)}`);
    }
    expect(createRng(MAX_SEED).seed).toBe(MAX_SEED);
  });
});

describe('Rng.fork', () => {
  it('does not depend on how many values the parent drew', () => {
    fc.assert(
      fc.property(seedArb, nameArb, fc.nat({ max: 50 }), (seed, name, draws) => {
        const parent = createRng(seed);
        for (let i = 0; i < draws; i++) parent.next();
        expect(uint32s(parent.fork(name), 8)).toEqual(uint32s(createRng(seed).fork(name), 8));
      }),
    );
  });

  it('gives different streams for different names, and differs from its parent', () => {
    fc.assert(
      fc.property(seedArb, nameArb, nameArb, (seed, nameA, nameB) => {
        fc.pre(nameA !== nameB);
        const root = createRng(seed);
        const a = uint32s(root.fork(nameA), 4);
        expect(a).not.toEqual(uint32s(root.fork(nameB), 4));
        expect(a).not.toEqual(uint32s(createRng(seed), 4));
      }),
    );
    const root = createRng(1);
    expect(uint32s(root.fork('a'), 4)).not.toEqual(uint32s(root.fork('b'), 4));
  });

  it('keeps the seed and extends the path', () => {
    const child = createRng(9).fork('sim').fork('arrivals');
    expect(child.seed).toBe(9);
    expect(child.path).toBe('sim/arrivals');
  });
});

describe('restoreRng', () => {
  it('continues exactly where the saved generator was, also after a JSON round trip', () => {
    fc.assert(
      fc.property(seedArb, fc.array(nameArb, { maxLength: 2 }), fc.nat({ max: 100 }), (seed, path, draws) => {
        let rng = createRng(seed);
        for (const name of path) rng = rng.fork(name);
        for (let i = 0; i < draws; i++) rng.nextUint32();
        const restored = restoreRng(JSON.parse(JSON.stringify(rng.state())));
        expect(restored.seed).toBe(rng.seed);
        expect(restored.path).toBe(rng.path);
        expect(uint32s(restored, 8)).toEqual(uint32s(rng, 8));
        expect(uint32s(restored.fork('child'), 4)).toEqual(uint32s(rng.fork('child'), 4));
      }),
    );
  });

  it('rejects the all-zero state, which would emit zeros forever', () => {
    expect(configErrorOf(() => restoreRng({ seed: 1, path: '', words: [0, 0, 0, 0] })).field).toBe(
      'state.words',
    );
  });

  it('rejects words that are not 32-bit integers instead of coercing them to zero', () => {
    for (const bad of [2 ** 32, Number.NaN, 1.5]) {
      const error = configErrorOf(() => restoreRng({ seed: 1, path: '', words: [bad, 0, 0, 0] }));
      expect(error.field).toBe('state.words[0]');
    }
  });
});

describe('Rng.fork names', () => {
  it('refuses names that would alias another stream: empty (the parent) or with "/" (a nested fork)', () => {
    const root = createRng(5);
    expect(configErrorOf(() => root.fork('')).message).toBe(
      'name must be a non-empty string without "/", got ""',
    );
    expect(configErrorOf(() => root.fork('a/b')).field).toBe('name');
  });
});

describe('Rng.next', () => {
  it('is in [0, 1)', () => {
    fc.assert(
      fc.property(seedArb, (seed) => {
        const rng = createRng(seed);
        for (let i = 0; i < 1000; i++) {
          const u = rng.next();
          if (!(u >= 0 && u < 1)) expect.fail(`next() returned ${u}`);
        }
      }),
    );
  });

  it('is roughly uniform (chi-square over 10 bins, fixed seed, p = 0.001)', () => {
    const rng = createRng(20261105);
    const counts = new Float64Array(10);
    for (let i = 0; i < 100_000; i++) counts[Math.floor(rng.next() * 10)]! += 1;
    expect(chiSquare(counts)).toBeLessThan(CHI_SQUARE_P001[9]!);
  });
});

describe('Rng.nextInt', () => {
  const boundArb = fc.oneof(
    fc.integer({ min: 1, max: 64 }),
    fc.integer({ min: 1, max: 2 ** 31 - 1 }),
    // Bounds above 2^31 and up to 2^32, including the float path above 2^21.
    fc.tuple(fc.nat({ max: 0xffff }), fc.nat({ max: 0xffff })).map(([high, low]) => high * 0x10000 + low + 1),
  );

  it('is an integer in [0, bound)', () => {
    fc.assert(
      fc.property(seedArb, boundArb, (seed, bound) => {
        const rng = createRng(seed);
        for (let i = 0; i < 200; i++) {
          const value = rng.nextInt(bound);
          if (!(Number.isInteger(value) && value >= 0 && value < bound)) {
            expect.fail(`nextInt(${bound}) returned ${value}`);
          }
        }
      }),
    );
    expect(createRng(3).nextInt(1)).toBe(0);
  });

  it('is roughly uniform (chi-square, fixed seed, p = 0.001)', () => {
    const rng = createRng(7);
    for (const bound of [2, 3, 7, 10, 11]) {
      const counts = new Float64Array(bound);
      for (let i = 0; i < 20_000 * bound; i++) counts[rng.nextInt(bound)]! += 1;
      expect(chiSquare(counts), `bound ${bound}`).toBeLessThan(CHI_SQUARE_P001[bound - 1]!);
    }
    // A bound past 2^21 takes the floating-point path: bin its values into tenths.
    const bound = 3_000_000_000;
    const counts = new Float64Array(10);
    for (let i = 0; i < 100_000; i++) counts[Math.floor((rng.nextInt(bound) * 10) / bound)]! += 1;
    expect(chiSquare(counts)).toBeLessThan(CHI_SQUARE_P001[9]!);
  });

  it('rejects a bound that is not an integer in [1, 2^32], naming bound', () => {
    const rng = createRng(1);
    for (const bound of [0, -3, 1.5, Number.NaN, 2 ** 32 + 1]) {
      expect(configErrorOf(() => rng.nextInt(bound)).field).toBe('bound');
    }
  });
});
