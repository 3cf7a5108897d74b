/** xxHash32's primes: odd, so multiplying by one is a bijection on 32-bit words. */
const PRIME_1 = 0x9e3779b1;
const PRIME_2 = 0x85ebca77;
const PRIME_3 = 0xc2b2ae3d;

/**
 * A streaming 64-bit hash of a run's event trace: the same scenario and seed give the same hash on every
 * machine and process, a different event anywhere gives a different one, and no event is kept.
 *
 * Each event is four 32-bit words, and each word position has a lane of its own, as xxHash32 runs four
 * lanes over 16-byte stripes: lane i takes word i as `v = rotl(v + w·P2, 13)·P1`. Each step is a
 * bijection of the lane for a given word, and of the word for a given lane, so one changed word leaves
 * its lane different to the end. The 128 bits of lane state fold into two 32-bit halves, each mixed on
 * its own (xxHash32's convergence, and MurmurHash3's block step over the lanes).
 *
 * Why four lanes: MurmurHash3 (which this replaced) spent five multiplications per word and chained all
 * four words of an event through one register; three events per simulated task made that a tenth of the
 * task's cost. Here a word costs two multiplications, and the four lanes do not wait on one another.
 */
export class TraceHash {
  // The lanes are int32 from the start and stay int32 (every step ends in `Math.imul`): V8 keeps them as
  // small integers in place, where a lane past 2^31 made every store allocate a heap number.
  private v0 = (PRIME_1 + PRIME_2) | 0;
  private v1 = PRIME_2 | 0;
  private v2 = 0;
  private v3 = -PRIME_1 | 0;

  /**
   * Mixes one event: its time (rounded to a microsecond, so floating noise below that is ignored), its
   * kind (an integer in [0, 2^11)) and two integer fields (their low 32 bits count).
   */
  add(timeMs: number, kind: number, x: number, y: number): void {
    const us = Math.round(timeMs * 1000);
    // The two 32-bit words of a non-negative time below 2^53, by integer conversions rather than a float
    // modulo and floor: `>>> 0` keeps the low 32 bits, and `/ 2^32 | 0` truncates (= floor for us ≥ 0).
    const low = us >= 0 ? us >>> 0 : us % 4294967296;
    const high = us >= 0 ? (us / 4294967296) | 0 : Math.floor(us / 4294967296);
    // The time's high word is below 2^21, so the kind rides above it. Written out, not in a helper: V8
    // counts what a function has inlined against inlining the function itself, and `add` is inlined into
    // the simulator's hooks (else every event pays a call and a heap number for its time).
    let v = (this.v0 + Math.imul(low, PRIME_2)) | 0;
    this.v0 = Math.imul((v << 13) | (v >>> 19), PRIME_1);
    v = (this.v1 + Math.imul(high ^ (kind << 21), PRIME_2)) | 0;
    this.v1 = Math.imul((v << 13) | (v >>> 19), PRIME_1);
    v = (this.v2 + Math.imul(x, PRIME_2)) | 0;
    this.v2 = Math.imul((v << 13) | (v >>> 19), PRIME_1);
    v = (this.v3 + Math.imul(y, PRIME_2)) | 0;
    this.v3 = Math.imul((v << 13) | (v >>> 19), PRIME_1);
  }

  /** 16 hex digits. */
  hex(): string {
    const lanes = [this.v0, this.v1, this.v2, this.v3] as const;
    const first = (rotl(lanes[0], 1) + rotl(lanes[1], 7) + rotl(lanes[2], 12) + rotl(lanes[3], 18)) | 0;
    let second = 0x5bd1e995 | 0;
    for (const lane of lanes) {
      second ^= Math.imul(rotl(Math.imul(lane, 0xcc9e2d51), 15), 0x1b873593);
      second = (Math.imul(rotl(second, 13), 5) + 0xe6546b64) | 0;
    }
    return hex32(avalanche(first)) + hex32(avalanche(second));
  }
}

function rotl(word: number, bits: number): number {
  return (word << bits) | (word >>> (32 - bits));
}

/** xxHash32's final mix: every input bit reaches every output bit. */
function avalanche(hash: number): number {
  let h = hash ^ (hash >>> 15);
  h = Math.imul(h, PRIME_2);
  h ^= h >>> 13;
  h = Math.imul(h, PRIME_3);
  return h ^ (h >>> 16);
}

function hex32(word: number): string {
  return (word >>> 0).toString(16).padStart(8, '0');
}
