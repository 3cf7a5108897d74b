import { CalendarQueue } from '../collections/calendar-queue.js';
import { SlotAllocator } from '../collections/slot-allocator.js';
import { checkNumber } from '../errors/validate.js';
import type { Clock, TimerHandle } from './clock.js';

/**
 * A clock that moves only when told to. Timers fire in a total order: by deadline, then by the order in
 * which they were set, never by deadline alone, so two runs with the same inputs fire the same timers in
 * the same order (XState's `SimulatedClock` orders by deadline only, which is why we bring our own).
 *
 * Cancelling a timer removes it from the queue at once (O(1), or O(log n) for a far-future one), so a run that sets and clears a timeout
 * per task keeps memory flat.
 *
 * @example
 * ```ts
 * const clock = new VirtualClock();
 * clock.setTimer(10, () => console.log('b'));
 * clock.setTimer(5, () => console.log('a'));
 * clock.advanceBy(10); // prints a, then b; clock.now() === 10
 * ```
 */
export class VirtualClock implements Clock {
  private current: number;
  private sequence = 0;
  // A calendar queue rather than a heap: a simulation keeps thousands of timers pending (an answer per
  // busy agent), and a heap's two sifts per event were the simulator's largest single cost.
  private readonly heap = new CalendarQueue();
  private readonly slots = new SlotAllocator();
  private callbacks: Array<((arg: number) => void) | undefined> = [];
  /** The argument of each pending callback ({@link VirtualClock.callAt}); 0 for plain timers. */
  private args = new Float64Array(64);

  constructor(startMs = 0) {
    this.current = checkNumber('startMs', startMs);
  }

  now(): number {
    return this.current;
  }

  setTimer(delayMs: number, callback: () => void): TimerHandle {
    if (!(delayMs >= 0 && delayMs < Number.POSITIVE_INFINITY)) checkNumber('delayMs', delayMs, { min: 0 });
    return this.setTimerAt(this.current + delayMs, callback);
  }

  /**
   * Calls `callback` at exactly `atMs` (≥ now). A simulation that knows absolute times (a replayed trace)
   * uses this rather than `setTimer(atMs - now())`, whose subtraction and re-addition could round.
   */
  setTimerAt(atMs: number, callback: () => void): TimerHandle {
    return this.slots.handleOf(this.schedule(atMs, callback, 0)) as unknown as TimerHandle;
  }

  /**
   * Calls `callback(arg)` at exactly `atMs` (≥ now), in the same (time, sequence) order as timers. For a
   * per-event path: one callback shared by many events, each told apart by its number (a run id, a slot
   * of the caller's), instead of a closure allocated per event. It returns no handle and cannot be
   * cleared: a handle is a number past 2^31 once slots have been reused, which a call that V8 does not
   * inline returns as a heap number, one per event that the simulator's callers dropped. What may need
   * clearing is a {@link VirtualClock.setTimerAt}.
   */
  callAt(atMs: number, callback: (arg: number) => void, arg: number): void {
    this.schedule(atMs, callback, arg);
  }

  /** Queues `callback(arg)` at `atMs`; returns its slot. */
  private schedule(atMs: number, callback: (arg: number) => void, arg: number): number {
    // One comparison admits every valid time (NaN and the past fail it) before the full check, which
    // only runs to name the problem: this is the simulator's per-event path.
    if (!(atMs >= this.current && atMs < Number.POSITIVE_INFINITY))
      checkNumber('atMs', atMs, { min: this.current });
    const slot = this.slots.allocate();
    if (slot < 0) throw new RangeError(`VirtualClock: more than ${SlotAllocator.MAX_SLOTS} pending timers`);
    this.callbacks[slot] = callback;
    if (slot >= this.args.length) {
      const args = new Float64Array(this.args.length * 2);
      args.set(this.args);
      this.args = args;
    }
    this.args[slot] = arg;
    this.heap.push(slot, atMs, this.sequence++);
    return slot;
  }

  clearTimer(handle: TimerHandle): void {
    const slot = this.slots.slotOf(handle as unknown as number);
    if (slot < 0 || !this.heap.remove(slot)) return;
    this.free(slot);
  }

  /** Number of timers set and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.heap.size;
  }

  /** Deadline of the next timer, or `undefined` if none is pending. */
  nextDeadline(): number | undefined {
    const slot = this.heap.peek();
    return slot < 0 ? undefined : this.heap.primaryOf(slot);
  }

  /** Moves time to the next deadline and fires that one timer; false if none is pending. */
  runNext(): boolean {
    // Popped first, then its time read (a popped id keeps its time until it is pushed again): one search
    // for the head per event, not a peek's and then a pop's.
    const slot = this.heap.pop();
    if (slot < 0) return false;
    this.current = Math.max(this.current, this.heap.primaryOf(slot));
    const callback = this.callbacks[slot] as (arg: number) => void;
    const arg = this.args[slot] as number;
    this.free(slot);
    callback(arg);
    return true;
  }

  /**
   * Fires, in order, every timer due at or before `timeMs` (including timers those callbacks set within the
   * window), then leaves the clock at `timeMs`. Returns the number of timers fired.
   */
  advanceTo(timeMs: number): number {
    checkNumber('timeMs', timeMs, { min: this.current });
    let fired = 0;
    for (;;) {
      const slot = this.heap.peek();
      if (slot < 0 || this.heap.primaryOf(slot) > timeMs) break;
      this.runNext();
      fired++;
    }
    // A callback may itself have advanced the clock further; time never moves backwards.
    this.current = Math.max(this.current, timeMs);
    return fired;
  }

  /** {@link VirtualClock.advanceTo} `now() + deltaMs`. */
  advanceBy(deltaMs: number): number {
    checkNumber('deltaMs', deltaMs, { min: 0 });
    return this.advanceTo(this.current + deltaMs);
  }

  /** Fires timers until none is pending or `maxTimers` have fired; returns the number fired. */
  runAll(maxTimers = 1_000_000): number {
    let fired = 0;
    while (fired < maxTimers && this.runNext()) fired++;
    return fired;
  }

  private free(slot: number): void {
    this.callbacks[slot] = undefined;
    this.slots.release(slot);
  }
}
