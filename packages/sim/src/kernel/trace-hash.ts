/**
 * A streaming 64-bit hash of a run's event trace (two 32-bit MurmurHash3-style lanes with different
 * seeds, over integer fields a word at a time): the same scenario and seed give the same hash on every
 * machine and process, a different event anywhere gives a different one, and no event is kept.
 */
export class TraceHash {
  // The lanes start as int32 (the seeds `| 0`) and stay int32: V8 then keeps them as small integers in
  // place, where a seed above 2^31 made every store of a lane allocate a heap number.
  private a = 0x811c9dc5 | 0;
  private b = 0x5bd1e995 | 0;
  /** The event's four words, reused (no allocation per event). */
  private readonly words = new Int32Array(4);

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
    // Four words: the time's high word is below 2^21, so the kind rides above it (a fifth word of its own
    // cost 2–3% of a simulated task). The lanes in locals, written back once: three events per task make
    // this a hot path, and field stores between the words cost more than the mixing.
    const words = this.words;
    words[0] = low;
    words[1] = high ^ (kind << 21);
    words[2] = x;
    words[3] = y;
    let a = this.a;
    let b = this.b;
    // MurmurHash3's block step, written out rather than in helpers: V8 counts what a function has inlined
    // against inlining the function itself, and with its helpers inlined `add` was too big to be inlined
    // into the simulator's hooks, so each event paid a call and a heap number for its time.
    for (let i = 0; i < 4; i++) {
      let k = Math.imul(words[i] as number, 0xcc9e2d51);
      k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
      a ^= k;
      a = (Math.imul((a << 13) | (a >>> 19), 5) + 0xe6546b64) | 0;
      b ^= Math.imul(k, 0x85ebca6b);
      b = (Math.imul((b << 17) | (b >>> 15), 5) + 0x52dce729) | 0;
    }
    this.a = a;
    this.b = b;
  }

  /** 16 hex digits. */
  hex(): string {
    return (
      (finalize(this.a) >>> 0).toString(16).padStart(8, '0') +
      (finalize(this.b) >>> 0).toString(16).padStart(8, '0')
    );
  }
}

/** MurmurHash3's finalizer: every input bit reaches every output bit. */
function finalize(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
