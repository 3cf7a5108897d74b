import { checkInteger } from '../errors/validate.js';
import { ConfigError } from '../errors/config-error.js';

/**
 * A seeded source of randomness. Every random choice in Flotilla draws from an `Rng` passed in, never
 * from `Math.random`, so one seed reproduces a whole run.
 */
export interface Rng {
  /** The seed of the root generator this one was forked from. */
  readonly seed: number;
  /** The stream's name path below the root, e.g. `"sim/arrivals"`; `""` for the root. */
  readonly path: string;
  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number;
  /** A uniformly distributed number in `[0, 1)` with 53 random bits. */
  next(): number;
  /** A uniformly distributed integer in `[0, bound)`; `bound` must be an integer in `[1, 2^32]`. */
  nextInt(bound: number): number;
  /**
   * An independent stream named `name`. Forks depend on the root seed and the name path only, not on how
   * many values were drawn, so adding draws to one subsystem never shifts another's sequence.
   */
  fork(name: string): Rng;
  /** The generator's state, for {@link restoreRng}. */
  state(): RngState;
}

/** Serializable state of a {@link Rng}. */
export interface RngState {
  readonly seed: number;
  readonly path: string;
  readonly words: readonly [number, number, number, number];
}

/** Largest accepted seed: seeds are integers that survive a round trip through JSON and YAML. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

const TWO_POW_21 = 2097152;
const TWO_POW_26 = 67108864;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/**
 * xoshiro128** 1.1 (Blackman and Vigna, 2018): 128 bits of state, period 2^128 − 1, passes BigCrush, and
 * needs only 32-bit integer operations, which V8 runs without allocating. The state is seeded by
 * SplitMix32 from a 64-bit hash of `(seed, path)`.
 */
class Xoshiro128StarStar implements Rng {
  readonly seed: number;
  readonly path: string;
  /**
   * The four state words. An Int32Array, not four fields: with pointer compression V8 keeps only 31-bit
   * integers unboxed in object fields, so 32-bit state in fields would allocate a heap number per draw.
   */
  private readonly s: Int32Array;

  constructor(seed: number, path: string, words: readonly [number, number, number, number]) {
    this.seed = seed;
    this.path = path;
    this.s = Int32Array.from(words);
  }

  nextUint32(): number {
    const s = this.s;
    const s0 = s[0] as number;
    const s1 = s[1] as number;
    const product = Math.imul(s1, 5);
    const result = Math.imul((product << 7) | (product >>> 25), 9) >>> 0;
    const t = s1 << 9;
    const s2 = (s[2] as number) ^ s0;
    const s3 = (s[3] as number) ^ s1;
    s[0] = s0 ^ s3;
    s[1] = s1 ^ s2;
    s[2] = s2 ^ t;
    s[3] = (s3 << 11) | (s3 >>> 21);
    return result;
  }

  next(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * TWO_POW_26 + low) / TWO_POW_53;
  }

  nextInt(bound: number): number {
    if (!(bound >= 1 && bound <= TWO_POW_32 && Number.isInteger(bound))) {
      throw new ConfigError('bound', `be an integer in [1, ${TWO_POW_32}]`, bound);
    }
    if (bound > TWO_POW_21) return Math.floor(this.next() * bound); // bias ≤ bound / 2^53
    // Lemire's multiply-shift with rejection: unbiased. x · bound < 2^53 is exact, and the costly
    // threshold (a float modulo) is computed only in the rare case the low word is small.
    for (;;) {
      const product = this.nextUint32() * bound;
      const high = Math.floor(product / TWO_POW_32);
      const low = product - high * TWO_POW_32;
      if (low >= bound || low >= (TWO_POW_32 - bound) % bound) return high;
    }
  }

  fork(name: string): Rng {
    // '' would alias the parent stream, and '/' would alias a nested fork ('a/b' = 'a' then 'b').
    if (typeof name !== 'string' || name.length === 0 || name.includes('/')) {
      throw new ConfigError('name', 'be a non-empty string without "/"', name);
    }
    const path = this.path === '' ? name : `${this.path}/${name}`;
    return new Xoshiro128StarStar(this.seed, path, seedWords(this.seed, path));
  }

  state(): RngState {
    const s = this.s;
    return {
      seed: this.seed,
      path: this.path,
      words: [s[0] as number, s[1] as number, s[2] as number, s[3] as number],
    };
  }
}

/**
 * Creates the root generator of a run.
 *
 * @example
 * ```ts
 * const rng = createRng(42);
 * const arrivals = rng.fork('arrivals');
 * arrivals.next(); // same value on every machine, every run
 * ```
 */
export function createRng(seed: number): Rng {
  checkInteger('seed', seed, 0, MAX_SEED);
  return new Xoshiro128StarStar(seed, '', seedWords(seed, ''));
}

/**
 * Rebuilds a generator from {@link Rng.state}; it continues exactly where the original was.
 *
 * @example
 * ```ts
 * const saved = rng.state();
 * const copy = restoreRng(saved); // copy.next() === rng.next()
 * ```
 */
export function restoreRng(state: RngState): Rng {
  checkInteger('state.seed', state.seed, 0, MAX_SEED);
  const words = state.words;
  if (!Array.isArray(words) || words.length !== 4) {
    throw new ConfigError('state.words', 'be four 32-bit integers', words);
  }
  words.forEach((word, i) => checkInteger(`state.words[${i}]`, word, -(2 ** 31), 2 ** 32 - 1));
  const coerced: [number, number, number, number] = [words[0] | 0, words[1] | 0, words[2] | 0, words[3] | 0];
  if (coerced.every((word) => word === 0)) throw new ConfigError('state.words', 'not be all zero', words);
  return new Xoshiro128StarStar(state.seed, state.path, coerced);
}

/** Four SplitMix32 outputs from a 64-bit FNV-1a-style hash of the seed and the stream path. */
function seedWords(seed: number, path: string): [number, number, number, number] {
  let h1 = 0x811c9dc5 ^ (seed % TWO_POW_32);
  let h2 = 0x01000193 ^ Math.floor(seed / TWO_POW_32);
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
  }
  let state = (h1 ^ Math.imul(h2, 0x9e3779b9)) | 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) | 0;
  };
  const words: [number, number, number, number] = [next() ^ h2, next(), next() ^ h1, next()];
  if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1; // the one forbidden state
  return words;
}
