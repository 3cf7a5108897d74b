/**
 * A streaming 64-bit hash of a run's event trace (two 32-bit FNV-1a lanes over integer fields): the same
 * scenario and seed give the same hash on every machine and process, a different event anywhere gives a
 * different one, and no event is kept.
 */
export class TraceHash {
  private a = 0x811c9dc5;
  private b = 0xcbf29ce4;

  /** Mixes one event: its time (rounded to a microsecond, so floating noise below that is ignored) and fields. */
  add(timeMs: number, kind: number, x: number, y: number): void {
    this.mix(Math.round(timeMs * 1000) % 4294967296);
    this.mix(Math.floor((timeMs * 1000) / 4294967296));
    this.mix(kind);
    this.mix(x);
    this.mix(y);
  }

  /** 16 hex digits. */
  hex(): string {
    return (this.a >>> 0).toString(16).padStart(8, '0') + (this.b >>> 0).toString(16).padStart(8, '0');
  }

  private mix(value: number): void {
    const v = value | 0;
    for (let shift = 0; shift < 32; shift += 8) {
      const byte = (v >>> shift) & 0xff;
      this.a = Math.imul(this.a ^ byte, 0x01000193);
      this.b = Math.imul(this.b ^ byte, 0x5bd1e995);
    }
  }
}
