/**
 * A streaming 64-bit fingerprint of a run's event trace: the same scenario and seed give the same hash on
 * every machine and process, a different event anywhere gives a different one, and no event is kept.
 *
 * An event is four 32-bit words (its time in microseconds, low and high, the high word also carrying the
 * event's kind, and two integer fields), each folded into two 32-bit lanes by a multiply-rotate step
 * with different constants and rotations, and the lanes are finalized as MurmurHash3 finalizes. It is a
 * fingerprint against accidental change, not a cryptographic hash: nothing here resists an adversary.
 *
 * Why so lean: the simulator adds three events per task, and the MurmurHash3 block step it used before
 * (a scramble of each word, then two lane steps, over five words) was 5% of a simulated task's time.
 *
 * @example
 * ```ts
 * const hash = new TraceHash();
 * hash.add(12.5, 0, 2, 17); // at 12.5 ms, kind 0, fields 2 and 17
 * hash.hex(); // 16 hex digits
 * ```
 */
export class TraceHash {
  // The lanes start as int32 (`| 0`) and stay int32: V8 keeps them as small integers in place, where a
  // value above 2^31 made every store of a lane allocate a heap number.
  private a = 0x811c9dc5 | 0;
  private b = 0x5bd1e995 | 0;

  /**
   * Mixes one event: its time (rounded to a microsecond, so floating noise below that is ignored), its
   * kind (an integer in [0, 2^11)) and two integer fields (their low 32 bits count).
   */
  add(timeMs: number, kind: number, x: number, y: number): void {
    const us = Math.round(timeMs * 1000);
    // The two 32-bit words of a non-negative time below 2^53, by integer conversions rather than a float
    // modulo and floor: `>>> 0` keeps the low 32 bits, and `/ 2^32 | 0` truncates (= floor for us ≥ 0).
    // The high word is below 2^21, so the kind fits above it without overlapping.
    const low = us >= 0 ? us >>> 0 : us % 4294967296;
    const high = us >= 0 ? (us / 4294967296) | 0 : Math.floor(us / 4294967296);
    const timeAndKind = high ^ (kind << 21);
    let a = this.a;
    let b = this.b;
    a = laneA(a, low);
    b = laneB(b, low);
    a = laneA(a, timeAndKind);
    b = laneB(b, timeAndKind);
    a = laneA(a, x);
    b = laneB(b, x);
    this.a = laneA(a, y);
    this.b = laneB(b, y);
  }

  /** 16 hex digits. */
  hex(): string {
    return (
      (finalize(this.a) >>> 0).toString(16).padStart(8, '0') +
      (finalize(this.b) >>> 0).toString(16).padStart(8, '0')
    );
  }
}

// Each step is a bijection of the lane for a given word, and of the word for a given lane: two traces
// that differ in one word differ in both lanes from there on. The rotation brings the product's
// well-mixed high bits down before the next word arrives; the multipliers are odd (2^32·φ⁻¹ and
// MurmurHash3's fmix constant).
function laneA(lane: number, word: number): number {
  const a = Math.imul(lane ^ word, 0x9e3779b1);
  return (a << 15) | (a >>> 17);
}

function laneB(lane: number, word: number): number {
  const b = Math.imul((lane + word) | 0, 0x85ebca6b);
  return (b << 13) | (b >>> 19);
}

/** MurmurHash3's finalizer: every input bit reaches every output bit. */
function finalize(hash: number): number {
  let h = hash ^ (hash >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}
