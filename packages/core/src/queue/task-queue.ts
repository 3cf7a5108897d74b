import { IndexedMinHeap } from '../collections/indexed-heap.js';
import { SlotAllocator } from '../collections/slot-allocator.js';
import { checkName, checkNumber } from '../errors/validate.js';
import { PRIORITY_COUNT, priorityLevel, type Priority } from '../task/priority.js';
import { DEFAULT_TENANT } from '../task/task.js';
import { FairShareTags } from './fair-share.js';
import { resolveQueueOptions, type ResolvedQueueOptions, type TaskQueueOptions } from './options.js';

/** Opaque handle of a queued entry, for removal and re-prioritization. Stale handles are ignored. */
export type QueueHandle = number;

/** How an entry is queued. */
export interface EnqueueOptions {
  readonly priority: Priority;
  /** Clock time of enqueueing, ms. */
  readonly nowMs: number;
  /** Clock time at which the entry expires while waiting; default never. */
  readonly expiresAtMs?: number;
  /** Fairness group (with `fairShare`); default `"default"`. */
  readonly tenant?: string;
  /** Service the entry will cost its tenant (with `fairShare`); default 1. */
  readonly cost?: number;
}

/** Result of {@link TaskQueue.push}. */
export type PushResult<T> =
  | { readonly accepted: true; readonly handle: QueueHandle; readonly shed: T | undefined }
  | { readonly accepted: false; readonly reason: 'full' };

const NONE = -1;

/**
 * A bounded priority queue of tasks: strict priority across levels, FIFO within a level, with optional
 * aging or weighted fair share, TTL expiry without scans, and an overflow policy.
 *
 * Costs: push, pop, remove and expiry are O(1) in the default strict mode (one intrusive FIFO list per
 * level) and O(log n) with aging or fair share (an indexed heap). Expiring entries sit in their own heap
 * ordered by expiry time, so expiry touches only what expires. Entries live in flat typed arrays indexed
 * by slot; the queue allocates nothing per entry beyond the caller's item.
 *
 * @example
 * ```ts
 * const queue = new TaskQueue<Task>({ maxDepth: 10_000, onExpired: (t) => settle(t, 'expired') });
 * queue.push(task, { priority: task.priority, nowMs: clock.now(), expiresAtMs: expiresAt(task) });
 * const next = queue.pop(clock.now()); // highest priority, oldest first; expired entries never returned
 * ```
 */
export class TaskQueue<T> {
  private readonly options: ResolvedQueueOptions;
  private readonly onExpired: ((item: T) => void) | undefined;
  private readonly slots = new SlotAllocator();
  private items: Array<T | undefined> = [];
  /** Tenant of each entry, kept only with fair share (a re-prioritized entry stays in its tenant). */
  private tenants: Array<string | undefined> = [];
  private level = new Uint8Array(0);
  private expiry = new Float64Array(0);
  private prev = new Int32Array(0);
  private next = new Int32Array(0);
  private readonly head = new Int32Array(PRIORITY_COUNT).fill(NONE);
  private readonly tail = new Int32Array(PRIORITY_COUNT).fill(NONE);
  private readonly levelCount = new Int32Array(PRIORITY_COUNT);
  private readonly expiryHeap = new IndexedMinHeap();
  /** Aging: one heap over all levels. Fair share: one heap per level. Strict: none (the lists suffice). */
  private readonly orderHeaps: IndexedMinHeap[];
  private readonly fair: FairShareTags | undefined;
  private sequence = 0;
  private count = 0;
  /** What the latest offer shed, until taken. */
  private shed: T | undefined = undefined;

  constructor(options: TaskQueueOptions<T>) {
    this.options = resolveQueueOptions(options);
    this.onExpired = options.onExpired;
    this.fair = options.fairShare === undefined ? undefined : new FairShareTags(options.fairShare.weights);
    const heaps = this.fair !== undefined ? PRIORITY_COUNT : this.options.agingMs !== undefined ? 1 : 0;
    this.orderHeaps = Array.from({ length: heaps }, () => new IndexedMinHeap());
  }

  /** Number of queued entries. */
  get size(): number {
    return this.count;
  }

  /** The configured bound. */
  get maxDepth(): number {
    return this.options.maxDepth;
  }

  /** Number of queued entries of `priority`. */
  depthOf(priority: Priority): number {
    return this.levelCount[priorityLevel(priority)] as number;
  }

  /**
   * True if an entry offered now would be the next one served and nothing else would change: the queue is
   * empty and keeps no per-entry accounting (fair share's tenant tags are charged as entries pass). A
   * caller with a consumer ready may then hand the entry over without queueing it.
   */
  get passesThrough(): boolean {
    return this.count === 0 && this.fair === undefined;
  }

  /** Clock time of the earliest expiry among queued entries, or `Infinity`. */
  nextExpiryMs(): number {
    const slot = this.expiryHeap.peek();
    return slot === NONE ? Number.POSITIVE_INFINITY : this.expiryHeap.primaryOf(slot);
  }

  /**
   * Queues `item`. When the queue is full, the overflow policy decides: `reject-new` refuses it;
   * `shed-oldest-lowest` evicts the oldest entry of the lowest priority present and returns it as `shed`
   * (the caller owes it an outcome), unless the newcomer itself is the lowest.
   */
  push(item: T, options: EnqueueOptions): PushResult<T> {
    const handle = this.offer(item, options);
    if (handle === NONE) return { accepted: false, reason: 'full' };
    return { accepted: true, handle, shed: this.takeShed() };
  }

  /**
   * {@link TaskQueue.push} without a result object, for a per-task path: the entry's handle, or -1 if the
   * queue refused it. An entry shed to make room waits in {@link TaskQueue.takeShed} until the next offer.
   */
  offer(item: T, options: EnqueueOptions): QueueHandle {
    this.shed = undefined;
    // Validate everything before touching anything: a refused push changes nothing.
    const level = priorityLevel(options.priority);
    const expiresAtMs = options.expiresAtMs ?? Number.POSITIVE_INFINITY;
    const nowMs = options.nowMs;
    // One comparison admits each valid field (NaN, infinities and wrong types fail it); the checkers run
    // only to name the problem. This is every submission's path.
    if (!(typeof nowMs === 'number' && nowMs - nowMs === 0)) checkNumber('nowMs', nowMs);
    if (Number.isNaN(expiresAtMs)) checkNumber('expiresAtMs', expiresAtMs);
    const tenant = options.tenant === undefined ? DEFAULT_TENANT : options.tenant;
    if (!(typeof tenant === 'string' && tenant.length > 0)) checkName('tenant', tenant);
    const cost = options.cost === undefined ? 1 : options.cost;
    if (!(typeof cost === 'number' && cost >= 0 && cost < Number.POSITIVE_INFINITY))
      checkNumber('cost', cost, { min: 0 });
    let shed: T | undefined;
    // Entries already past their expiry must not count against the bound.
    if (this.count >= this.options.maxDepth) this.expireDue(nowMs);
    if (this.count >= this.options.maxDepth) {
      const victimLevel = this.lowestNonEmptyLevel();
      if (this.options.overflow === 'reject-new' || level > victimLevel) return NONE;
      shed = this.removeSlot(this.head[victimLevel] as number);
    }
    const slot = this.slots.allocate();
    this.ensureCapacity(slot + 1);
    this.items[slot] = item;
    this.level[slot] = level;
    this.expiry[slot] = expiresAtMs;
    this.append(slot, level);
    const sequence = this.sequence++;
    if (this.fair !== undefined) {
      this.tenants[slot] = tenant;
      const start = this.fair.tag(level, tenant, cost);
      (this.orderHeaps[level] as IndexedMinHeap).push(slot, start, sequence);
    } else if (this.options.agingMs !== undefined) {
      // Everyone ages at the same rate, so "level minus waited / agingMs" orders exactly like the fixed key
      // "enqueued + level × agingMs": a key set once at push keeps the heap valid forever.
      (this.orderHeaps[0] as IndexedMinHeap).push(slot, nowMs + level * this.options.agingMs, sequence);
    }
    if (expiresAtMs !== Number.POSITIVE_INFINITY) this.expiryHeap.push(slot, expiresAtMs, sequence);
    this.count++;
    this.shed = shed;
    return this.slots.handleOf(slot);
  }

  /** The entry the latest accepted {@link TaskQueue.offer} shed, once (the caller owes it an outcome). */
  takeShed(): T | undefined {
    const shed = this.shed;
    this.shed = undefined;
    return shed;
  }

  /** Removes and returns the next entry to serve, after expiring everything due at `nowMs`. */
  pop(nowMs: number): T | undefined {
    this.expireDue(nowMs);
    const slot = this.nextSlot();
    return slot === NONE ? undefined : this.removeSlot(slot, true);
  }

  /** The entry {@link TaskQueue.pop} would return, after expiring everything due at `nowMs`. */
  peek(nowMs: number): T | undefined {
    this.expireDue(nowMs);
    const slot = this.nextSlot();
    return slot === NONE ? undefined : this.items[slot];
  }

  /** Removes the entry behind `handle` (cancel); `undefined` if it already left the queue. */
  remove(handle: QueueHandle): T | undefined {
    const slot = this.slots.slotOf(handle);
    return slot === NONE || this.items[slot] === undefined ? undefined : this.removeSlot(slot);
  }

  /**
   * Moves an entry to another priority, at the back of that level (a re-queue). Returns the new handle, or
   * `undefined` if the entry already left. Its expiry is kept.
   */
  reprioritize(handle: QueueHandle, priority: Priority, nowMs: number): QueueHandle | undefined {
    priorityLevel(priority);
    checkNumber('nowMs', nowMs);
    const slot = this.slots.slotOf(handle);
    if (slot === NONE || this.items[slot] === undefined) return undefined;
    const expiresAtMs = this.expiry[slot] as number;
    const tenant = this.tenants[slot];
    const item = this.removeSlot(slot);
    const result = this.push(item, {
      priority,
      nowMs,
      expiresAtMs,
      ...(tenant === undefined ? {} : { tenant }),
    });
    // The slot just freed guarantees room, so the push cannot be refused.
    return result.accepted ? result.handle : undefined;
  }

  /** Removes every entry whose expiry is at or before `nowMs`, reporting each to `onExpired`. */
  expireDue(nowMs: number): number {
    // NaN compares false with every expiry and would expire them all. The comparison admits every finite
    // number; the checker only names the problem (twice per dispatch: peek and pop).
    if (!(typeof nowMs === 'number' && nowMs - nowMs === 0)) checkNumber('nowMs', nowMs);
    let expired = 0;
    for (;;) {
      const slot = this.expiryHeap.peek();
      if (slot === NONE || this.expiryHeap.primaryOf(slot) > nowMs) return expired;
      const item = this.removeSlot(slot);
      expired++;
      this.onExpired?.(item);
    }
  }

  /** Removes and returns every entry, most urgent first (for shutdown, where each still needs an outcome). */
  drainAll(): T[] {
    const drained: T[] = [];
    for (let slot = this.nextSlot(); slot !== NONE; slot = this.nextSlot())
      drained.push(this.removeSlot(slot));
    return drained;
  }

  private nextSlot(): number {
    if (this.fair !== undefined) {
      for (let level = 0; level < PRIORITY_COUNT; level++) {
        const slot = (this.orderHeaps[level] as IndexedMinHeap).peek();
        if (slot !== NONE) return slot;
      }
      return NONE;
    }
    if (this.options.agingMs !== undefined) return (this.orderHeaps[0] as IndexedMinHeap).peek();
    for (let level = 0; level < PRIORITY_COUNT; level++) {
      if (this.head[level] !== NONE) return this.head[level] as number;
    }
    return NONE;
  }

  private lowestNonEmptyLevel(): number {
    for (let level = PRIORITY_COUNT - 1; level >= 0; level--) if (this.head[level] !== NONE) return level;
    return NONE;
  }

  private removeSlot(slot: number, served = false): T {
    const item = this.items[slot] as T;
    const level = this.level[slot] as number;
    this.unlink(slot, level);
    if (this.fair !== undefined) {
      const heap = this.orderHeaps[level] as IndexedMinHeap;
      if (served) this.fair.served(level, heap.primaryOf(slot));
      heap.remove(slot);
    } else if (this.options.agingMs !== undefined) {
      (this.orderHeaps[0] as IndexedMinHeap).remove(slot);
    }
    this.expiryHeap.remove(slot);
    this.items[slot] = undefined;
    if (this.fair !== undefined) this.tenants[slot] = undefined;
    this.slots.release(slot);
    this.count--;
    return item;
  }

  private append(slot: number, level: number): void {
    const last = this.tail[level] as number;
    this.prev[slot] = last;
    this.next[slot] = NONE;
    if (last === NONE) this.head[level] = slot;
    else this.next[last] = slot;
    this.tail[level] = slot;
    this.levelCount[level] = (this.levelCount[level] as number) + 1;
  }

  private unlink(slot: number, level: number): void {
    const before = this.prev[slot] as number;
    const after = this.next[slot] as number;
    if (before === NONE) this.head[level] = after;
    else this.next[before] = after;
    if (after === NONE) this.tail[level] = before;
    else this.prev[after] = before;
    this.levelCount[level] = (this.levelCount[level] as number) - 1;
  }

  private ensureCapacity(slots: number): void {
    if (slots <= this.level.length) return;
    const capacity = Math.min(Math.max(slots, this.level.length * 2, 64), this.options.maxDepth + 1);
    this.level = grow(this.level, new Uint8Array(capacity));
    this.expiry = grow(this.expiry, new Float64Array(capacity));
    this.prev = grow(this.prev, new Int32Array(capacity));
    this.next = grow(this.next, new Int32Array(capacity));
  }
}

function grow<A extends Uint8Array | Int32Array | Float64Array>(old: A, fresh: A): A {
  fresh.set(old);
  return fresh;
}
