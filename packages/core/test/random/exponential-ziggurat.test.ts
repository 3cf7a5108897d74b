import { describe, expect, it } from 'vitest';
import { standardExponential } from '../../src/random/distributions/exponential-ziggurat.js';
import { createRng, type Rng } from '../../src/random/rng.js';

/**
 * The ziggurat is exact or it is wrong in a layer, a wedge or the tail: these checks look where a mistake
 * would hide from distributions.test.ts's 4,000-draw KS test. Each is built to fail with probability below
 * about 1e-9 when the sampler is right (fixed seeds: a failure replays as it is).
 */
const DRAWS = 1 << 21;
/** Where the tail starts (Marsaglia and Tsang's 256-layer constant). */
const TAIL_START = 7.69711747013105;
/** Standard normal quantile of 1 − 1e-9. */
const Z = 6.0;

function drawAll(seed: number): Float64Array {
  const rng = createRng(seed).fork('ziggurat');
  const values = new Float64Array(DRAWS);
  for (let i = 0; i < DRAWS; i++) values[i] = standardExponential(rng);
  return values;
}

/** The χ² quantile for `df` degrees of freedom at the normal quantile `z` (Wilson–Hilferty). */
function chiSquareQuantile(df: number, z: number): number {
  const k = 2 / (9 * df);
  return df * (1 - k + z * Math.sqrt(k)) ** 3;
}

/** An Rng that hands out the given 32-bit words, and `uniform` for every 53-bit draw (wedge and tail). */
function scripted(words: readonly number[], uniform: () => number = () => 0.5): Rng {
  const queue = [...words];
  const unused = (): never => expect.fail('the sampler uses nextUint32 and next only');
  return {
    seed: 0,
    path: 'scripted',
    nextUint32: () => queue.shift() ?? expect.fail('the sampler drew more words than scripted'),
    next: uniform,
    nextInt: unused,
    fork: unused,
    state: unused,
  };
}

describe('standardExponential (ziggurat)', () => {
  it.each([1, 2, 3])(
    'seed %i: 2^21 draws fill 1,024 equiprobable bins of 1 − e^(−x) as χ² allows',
    (seed) => {
      const bins = 1024;
      const counts = new Float64Array(bins);
      for (const value of drawAll(seed)) {
        const u = -Math.expm1(-value);
        counts[Math.min(bins - 1, Math.floor(u * bins))]! += 1;
      }
      const expected = DRAWS / bins;
      let chiSquare = 0;
      for (const count of counts) chiSquare += (count - expected) ** 2 / expected;
      const limit = chiSquareQuantile(bins - 1, Z);
      if (!(chiSquare <= limit))
        expect.fail(`seed ${seed}: χ² ${chiSquare} exceeds ${limit} (${bins - 1} df)`);
    },
  );

  it.each([4, 5])('seed %i: the tail beyond 7.697 has its mass e^(−7.697) and, past it, mean 1', (seed) => {
    let inTail = 0;
    let excess = 0;
    for (const value of drawAll(seed)) {
      if (value > TAIL_START) {
        inTail++;
        excess += value - TAIL_START;
      }
    }
    const p = Math.exp(-TAIL_START);
    const expected = DRAWS * p;
    expect(Math.abs(inTail - expected)).toBeLessThanOrEqual(Z * Math.sqrt(expected * (1 - p)));
    // Memorylessness: beyond any point the excess is again exponential with mean 1 (σ = 1).
    expect(Math.abs(excess / inTail - 1)).toBeLessThanOrEqual(Z / Math.sqrt(inTail));
  });

  it('takes a point under the curve as it is: one word, no uniform drawn', () => {
    // Layer 255 (the widest but the base), position 0: x = 0, inside for sure.
    expect(standardExponential(scripted([0xff], () => expect.fail('drew a uniform')))).toBe(0);
  });

  it('sends layer 0 past its rectangle to the tail: R plus an exponential draw', () => {
    // Layer 0 with the largest position lies beyond R; the tail adds −ln(1 − 0.5) = ln 2.
    expect(standardExponential(scripted([0xffffff00]))).toBeCloseTo(TAIL_START + Math.LN2, 12);
  });

  it('tests a wedge point against the curve and draws again when it lies above', () => {
    // The top layer (1) always goes to the wedge test; with the largest position its point lies near the
    // layer's right edge, where y = 0.5 of the way up the wedge is above e^(−x): rejected, so a second word
    // (layer 255, position 0) decides.
    expect(standardExponential(scripted([0xffffff01, 0xff]))).toBe(0);
  });

  it('stays finite and non-negative over many seeds', () => {
    for (let seed = 0; seed < 64; seed++) {
      const rng = createRng(seed);
      for (let i = 0; i < 10_000; i++) {
        const value = standardExponential(rng);
        if (!(value >= 0 && value < 45)) expect.fail(`seed ${seed}, draw ${i}: ${value}`);
      }
    }
  });
});
