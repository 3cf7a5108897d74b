/**
 * A streaming 64-bit hash of a run's event trace (two 32-bit MurmurHash3-style lanes with different
 * seeds, over integer fields a word at a time): the same scenario and seed give the same hash on every
 * machine and process, a different event anywhere gives a different one, and no event is kept.
 */
export class TraceHash {
  private a = 0x811c9dc5;
  private b = 0x5bd1e995;

  /** Mixes one event: its time (rounded to a microsecond, so floating noise below that is ignored) and fields. */
  add(timeMs: number, kind: number, x: number, y: number): void {
    const us = Math.round(timeMs * 1000);
    this.mix(us % 4294967296);
    this.mix(Math.floor(us / 4294967296));
    this.mix(kind);
    this.mix(x);
    this.mix(y);
  }

  /** 16 hex digits. */
  hex(): string {
    return (
      (finalize(this.a) >>> 0).toString(16).padStart(8, '0') +
      (finalize(this.b) >>> 0).toString(16).padStart(8, '0')
    );
  }

  // A word at a time: a byte-wise FNV cost 40 multiplications per event, and the simulator hashes three
  // events per task.
  private mix(value: number): void {
    let k = Math.imul(value | 0, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    let a = this.a ^ k;
    a = (a << 13) | (a >>> 19);
    this.a = (Math.imul(a, 5) + 0xe6546b64) | 0;
    let b = this.b ^ Math.imul(k, 0x85ebca6b);
    b = (b << 17) | (b >>> 15);
    this.b = (Math.imul(b, 5) + 0x52dce729) | 0;
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
