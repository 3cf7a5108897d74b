import { IndexedMinHeap } from './indexed-heap.js';

/** Buckets in the calendar (a power of two: a bucket is a day number masked). */
const BUCKETS = 4096;
const MASK = BUCKETS - 1;
/** `where` of an id that is not queued, or that waits in the far-future heap. */
const NOWHERE = -1;
const FAR = -2;

/**
 * A min-priority queue over small integer ids ordered by `(time, sequence)`, for a discrete-event clock:
 * Brown's calendar queue. Time is cut into days of `dayMs`; the next {@link BUCKETS} days each have a
 * bucket, a doubly linked list sorted by (time, sequence); anything further out waits in an
 * {@link IndexedMinHeap} and moves into its bucket when its day comes within the window.
 *
 * Why not the heap alone: a simulator's pending events (about one answer per busy agent) make a heap of
 * thousands, and each event pays a sift of log₄ n levels twice. Here a push appends to (or walks back a
 * few entries of) one short list, and a pop takes a list's head; the cursor passes each day once, so its
 * scan is paid per simulated day, not per event. The order is exactly the heap's: ties in time go by
 * sequence, whatever the day width, so a change of width changes speed, never results.
 *
 * The day width adapts: when pops scan many empty buckets per event the days double, and when pushes
 * walk long lists they halve (the queue is rebuilt, O(n), at most once per 1,024 pops).
 *
 * @example
 * ```ts
 * const queue = new CalendarQueue();
 * queue.push(7, 10, 0);
 * queue.push(3, 5, 1);
 * queue.pop(); // 3
 * ```
 */
export class CalendarQueue {
  private dayMs: number;
  /** 1 / dayMs: days are counted by one multiplication (exact: the width is 1 ms times a power of two). */
  private perMs: number;
  /** The far heap's first day (Infinity if empty): the cursor's scan admits from it only when it is due. */
  private farDay = Number.POSITIVE_INFINITY;
  /** The cursor's day: every queued time is in this day or later. */
  private day = 0;
  private head = new Int32Array(BUCKETS).fill(NOWHERE);
  private tail = new Int32Array(BUCKETS).fill(NOWHERE);
  private times: Float64Array;
  private sequences: Float64Array;
  private next: Int32Array;
  private prev: Int32Array;
  /** The bucket of each id, {@link FAR} in the far heap, or {@link NOWHERE}. */
  private where: Int32Array;
  private inBuckets = 0;
  private readonly far = new IndexedMinHeap(64);
  /** Time of the last pop: every later push is at or after it. */
  private poppedMs = 0;
  // Adaptation counters over the current period of pops.
  private pops = 0;
  private scanned = 0;
  private walked = 0;

  constructor(initialCapacity = 64) {
    // Days start at 1 ms and adapt; a power of two keeps day numbers exact integers for times below
    // 2^53 × 2^-10 ms (day widths stay between 2^-10 and 2^40 ms).
    this.dayMs = 1;
    this.perMs = 1;
    const capacity = Math.max(1, initialCapacity);
    this.times = new Float64Array(capacity);
    this.sequences = new Float64Array(capacity);
    this.next = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.where = new Int32Array(capacity).fill(NOWHERE);
  }

  /** Number of queued ids. */
  get size(): number {
    return this.inBuckets + this.far.size;
  }

  /** True if `id` is queued. */
  has(id: number): boolean {
    return id >= 0 && id < this.where.length && (this.where[id] as number) !== NOWHERE;
  }

  /** Time of `id`: while `has(id)`, and after it was popped until it is pushed again. */
  primaryOf(id: number): number {
    return this.times[id] as number;
  }

  /** Adds `id`, which must not be queued, at `time` (≥ the last popped time) with tie-breaker `sequence`. */
  push(id: number, time: number, sequence: number): void {
    if (id >= this.where.length) this.grow(id + 1);
    this.times[id] = time;
    this.sequences[id] = sequence;
    const day = Math.floor(time * this.perMs);
    // Earlier than the cursor only after a peek jumped it ahead to the far heap (then a timer was set
    // before that); rare, so it costs a rebuild rather than a test on every pop.
    if (day < this.day) this.rewind(day);
    if (day - this.day >= BUCKETS) {
      this.where[id] = FAR;
      this.far.push(id, time, sequence);
      if (day < this.farDay) this.farDay = day;
    } else {
      this.link(id, day & MASK, time, sequence);
    }
  }

  /** The id with the smallest (time, sequence), or -1 if empty; moves the cursor to its day. */
  peek(): number {
    if (this.inBuckets === 0) {
      const first = this.far.peek();
      if (first < 0) return -1;
      // Nothing within the window: jump straight to the far heap's first day instead of scanning to it.
      this.day = this.farDay;
      this.admitFar();
    }
    const head = this.head;
    let bucket = this.day & MASK;
    while ((head[bucket] as number) === NOWHERE) {
      this.day++;
      this.scanned++;
      bucket = this.day & MASK;
      if (this.farDay - this.day < BUCKETS) this.admitFar();
    }
    return head[bucket] as number;
  }

  /** Removes and returns the id with the smallest (time, sequence), or -1 if empty. */
  pop(): number {
    const id = this.peek();
    if (id < 0) return -1;
    this.unlink(id);
    this.poppedMs = this.times[id] as number;
    if (++this.pops === 1024) this.adapt();
    return id;
  }

  /** Removes `id` if queued; returns whether it was. */
  remove(id: number): boolean {
    if (!this.has(id)) return false;
    if (this.where[id] === FAR) {
      this.far.remove(id);
      this.where[id] = NOWHERE;
      this.farDay = this.firstFarDay();
    } else {
      this.unlink(id);
    }
    return true;
  }

  /** Moves the far heap's entries whose day came within the window into their buckets. */
  private admitFar(): void {
    const far = this.far;
    for (;;) {
      const id = far.peek();
      if (id < 0) break;
      const time = this.times[id] as number;
      const day = Math.floor(time * this.perMs);
      if (day - this.day >= BUCKETS) break;
      far.pop();
      this.link(id, day & MASK, time, this.sequences[id] as number);
    }
    this.farDay = this.firstFarDay();
  }

  private firstFarDay(): number {
    const id = this.far.peek();
    return id < 0 ? Number.POSITIVE_INFINITY : Math.floor((this.times[id] as number) * this.perMs);
  }

  /** Inserts `id` into `bucket`'s list, walking back from the tail past larger (time, sequence) keys. */
  private link(id: number, bucket: number, time: number, sequence: number): void {
    const { times, sequences, next, prev } = this;
    let after = this.tail[bucket] as number;
    while (after !== NOWHERE) {
      const afterTime = times[after] as number;
      if (afterTime < time || (afterTime === time && (sequences[after] as number) < sequence)) break;
      after = prev[after] as number;
      this.walked++;
    }
    prev[id] = after;
    if (after === NOWHERE) {
      next[id] = this.head[bucket] as number;
      this.head[bucket] = id;
    } else {
      next[id] = next[after] as number;
      next[after] = id;
    }
    const before = next[id] as number;
    if (before === NOWHERE) this.tail[bucket] = id;
    else prev[before] = id;
    this.where[id] = bucket;
    this.inBuckets++;
  }

  private unlink(id: number): void {
    const bucket = this.where[id] as number;
    const before = this.prev[id] as number;
    const after = this.next[id] as number;
    if (before === NOWHERE) this.head[bucket] = after;
    else this.next[before] = after;
    if (after === NOWHERE) this.tail[bucket] = before;
    else this.prev[after] = before;
    this.where[id] = NOWHERE;
    this.inBuckets--;
  }

  /**
   * Resizes the days after a period of 1,024 pops: wider if the cursor scanned more than 8 empty buckets
   * per pop, narrower if pushes walked more than 8 entries per pop (many events share a day).
   */
  private adapt(): void {
    const scanned = this.scanned;
    const walked = this.walked;
    this.pops = 0;
    this.scanned = 0;
    this.walked = 0;
    if (scanned > 8 * 1024 && this.dayMs < 2 ** 40) this.rebuild(this.dayMs * 2);
    else if (walked > 8 * 1024 && this.dayMs > 2 ** -10) this.rebuild(this.dayMs / 2);
  }

  private rebuild(dayMs: number): void {
    this.dayMs = dayMs;
    this.perMs = 1 / dayMs;
    this.rewind(Math.floor(this.poppedMs * this.perMs));
  }

  /** Moves everything to the far heap, puts the cursor on `day` (≤ every queued day), and refills. */
  private rewind(day: number): void {
    const { head, next, far, times, sequences } = this;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      for (let id = head[bucket] as number; id !== NOWHERE; id = next[id] as number) {
        this.where[id] = FAR;
        far.push(id, times[id] as number, sequences[id] as number);
      }
    }
    head.fill(NOWHERE);
    this.tail.fill(NOWHERE);
    this.inBuckets = 0;
    this.day = day;
    this.admitFar();
  }

  private grow(minIds: number): void {
    const capacity = Math.max(minIds, this.where.length * 2);
    const times = new Float64Array(capacity);
    times.set(this.times);
    this.times = times;
    const sequences = new Float64Array(capacity);
    sequences.set(this.sequences);
    this.sequences = sequences;
    const next = new Int32Array(capacity);
    next.set(this.next);
    this.next = next;
    const prev = new Int32Array(capacity);
    prev.set(this.prev);
    this.prev = prev;
    const where = new Int32Array(capacity).fill(NOWHERE);
    where.set(this.where);
    this.where = where;
  }
}
