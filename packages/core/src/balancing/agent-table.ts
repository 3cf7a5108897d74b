import { SlotAllocator } from '../collections/slot-allocator.js';
import { ConfigError } from '../errors/config-error.js';
import { checkInteger, checkLimit, checkName, checkNumber, checkPositive } from '../errors/validate.js';

/** Reasons an agent takes no new work. Any set flag makes it ineligible. */
export const AgentFlag = {
  /** Its type was paused by an operator. */
  Paused: 1,
  /** Finishing its current work, then stopping. */
  Draining: 2,
  /** Ejected by its circuit breaker. */
  Ejected: 4,
  /** Not running: starting, failed, restarting or stopped. */
  Down: 8,
} as const;
/** One of {@link AgentFlag}'s values. */
export type AgentFlag = (typeof AgentFlag)[keyof typeof AgentFlag];

/** An agent as the balancer sees it. */
export interface AgentSpec {
  /** Unique, stable id (consistent hashing places the agent on the ring by it). */
  readonly id: string;
  /** Tasks it executes at once (≥ 1). */
  readonly capacity: number;
  /**
   * Tasks assigned beyond `capacity`, waiting in its local queue: 0 (default) is the pull model, where work
   * waits centrally until a slot frees; `Infinity` is immediate dispatch on arrival.
   */
  readonly queueLimit?: number;
  /** Share for weighted strategies; defaults to `capacity`. */
  readonly weight?: number;
  readonly capabilities?: readonly string[];
}

/** Notified by an {@link AgentTable} as agents come, go and change; strategies keep their indexes with it. */
export interface AgentTableListener {
  agentAdded?(slot: number): void;
  agentRemoved?(slot: number): void;
  /** The agent became eligible for new work (no flags, below its limit), or stopped being so. */
  availabilityChanged?(slot: number, available: boolean): void;
  /** Its load (tasks assigned: executing plus locally queued) changed. */
  loadChanged?(slot: number): void;
  /** A task on it finished after `latencyMs`. */
  latencyObserved?(slot: number, latencyMs: number, nowMs: number): void;
}

/** A capability requirement no agent in the table can meet. */
export const UNSATISFIABLE = -1;
/** Most distinct capabilities one table tracks (one bit each). */
export const MAX_CAPABILITIES = 32;
const NONE = -1;
/**
 * Layout of the hot per-agent record: the only fields a decision and an assign/release on an unflagged
 * agent read. `FULL_AT` is the limit for an agent with no flag set and 0 otherwise, so "available" is just
 * `load < fullAt`. Eight bytes per agent keep a pool of 100,000 agents (800 KB) mostly in L2.
 */
const LOAD = 0;
const FULL_AT = 1; // the limit; 0 while a flag is set; -1 once the agent is removed
const STRIDE = 2;
/** Stands for an unbounded limit (`queueLimit: Infinity`) in the Int32 record; no load reaches it. */
const UNBOUNDED = 0x7fffffff;

/**
 * The live view of one pool of agents that balancing strategies pick from: per-agent capacity, limit,
 * load, flags, weight and capabilities in flat typed arrays indexed by slot, plus a dense list of the
 * agents available right now. Strategies subscribe as listeners and keep their own indexes current, so a
 * pick never scans the pool.
 *
 * @example
 * ```ts
 * const table = new AgentTable();
 * const a = table.add({ id: 'gpt-1', capacity: 4 });
 * const strategy = createStrategy('least-connections', table, rng);
 * const slot = strategy.pick({ requiredMask: 0, affinityKey: undefined, nowMs: 0 });
 * table.assign(slot); // … and table.release(slot) when the task ends
 * ```
 */
export class AgentTable {
  private readonly slots = new SlotAllocator();
  private readonly slotById = new Map<string, number>();
  private readonly capabilityBits = new Map<string, number>();
  private readonly listeners: AgentTableListener[] = [];
  /** The listeners that observe latency: most strategies do not, and a completion then calls none. */
  private readonly latencyListeners: AgentTableListener[] = [];
  private ids: Array<string | undefined> = [];
  /** `[load, fullAt]` per agent, interleaved (see LOAD, FULL_AT). */
  private hot = new Int32Array(0);
  // Read on flag changes, by capability checks and by strategies that weigh capacity; not by assign/release.
  private limits = new Int32Array(0);
  private capacities = new Int32Array(0);
  private flags = new Uint8Array(0);
  private masks = new Uint32Array(0);
  private positions = new Int32Array(0);
  private weights = new Float64Array(0);
  private availableSlots = new Int32Array(0);
  private availableTotal = 0;
  private agentCount = 0;
  private readyAgents = 0;
  private readyLoadTotal = 0;
  private readyCapacityTotal = 0;

  /** Registers a strategy (or any observer) for the notifications it has methods for when it listens. */
  listen(listener: AgentTableListener): void {
    this.listeners.push(listener);
    if (listener.latencyObserved !== undefined) this.latencyListeners.push(listener);
  }

  /** Number of agents in the table. */
  get size(): number {
    return this.agentCount;
  }

  /** Exclusive upper bound of slots in use; arrays indexed by slot need this length. */
  get slotBound(): number {
    return this.slots.highWater;
  }

  /** Number of agents eligible for new work now. */
  get availableCount(): number {
    return this.availableTotal;
  }

  /** The `index`-th available agent (0 ≤ index < availableCount), in no particular order. */
  availableAt(index: number): number {
    return this.availableSlots[index] as number;
  }

  /** Number of agents with no flags set (they may still be full). */
  get readyCount(): number {
    return this.readyAgents;
  }

  /** Sum of the loads of agents with no flags set. */
  get readyLoad(): number {
    return this.readyLoadTotal;
  }

  /** Sum of the capacities of agents with no flags set. */
  get readyCapacity(): number {
    return this.readyCapacityTotal;
  }

  /** Adds an agent; returns its slot. Throws a ConfigError naming the field if the spec is invalid. */
  add(spec: AgentSpec): number {
    const id = checkName('agent.id', spec.id);
    if (this.slotById.has(id)) throw new ConfigError('agent.id', 'be unique in its pool', id);
    const capacity = checkInteger('agent.capacity', spec.capacity, 1, UNBOUNDED - 1);
    const queueLimit = spec.queueLimit === undefined ? 0 : checkLimit('agent.queueLimit', spec.queueLimit, 0);
    const weight = spec.weight === undefined ? capacity : checkPositive('agent.weight', spec.weight);
    const mask = this.internCapabilities(spec.capabilities ?? []);
    const slot = this.slots.allocate();
    if (slot < 0)
      throw new ConfigError('agents', `number at most ${SlotAllocator.MAX_SLOTS}`, this.agentCount + 1);
    this.ensureCapacity(slot + 1);
    this.ids[slot] = id;
    this.slotById.set(id, slot);
    const limit = Math.min(capacity + queueLimit, UNBOUNDED);
    this.hot[slot * STRIDE + LOAD] = 0;
    this.hot[slot * STRIDE + FULL_AT] = limit;
    this.limits[slot] = limit;
    this.capacities[slot] = capacity;
    this.flags[slot] = 0;
    this.masks[slot] = mask;
    this.positions[slot] = NONE;
    this.weights[slot] = weight;
    this.agentCount++;
    this.readyAgents++;
    this.readyCapacityTotal += capacity;
    for (const listener of this.listeners) listener.agentAdded?.(slot);
    this.syncAvailability(slot);
    return slot;
  }

  /** Removes an agent (its load should be 0; the caller owns any tasks still assigned to it). */
  remove(slot: number): void {
    const id = this.ids[slot];
    if (id === undefined) return;
    // Flagging it Down first takes it out of the available list and the ready totals.
    this.setFlag(slot, AgentFlag.Down, true);
    this.hot[slot * STRIDE + FULL_AT] = -1; // assign/release on a removed agent now throw
    for (const listener of this.listeners) listener.agentRemoved?.(slot);
    this.slotById.delete(id);
    this.ids[slot] = undefined;
    this.agentCount--;
    this.slots.release(slot);
  }

  /** True if `slot` holds an agent. */
  has(slot: number): boolean {
    return slot >= 0 && slot < this.ids.length && this.ids[slot] !== undefined;
  }

  /** Slot of the agent `id`, or -1. */
  slotOf(id: string): number {
    return this.slotById.get(id) ?? NONE;
  }

  idOf(slot: number): string {
    return this.ids[slot] as string;
  }

  capacityOf(slot: number): number {
    return this.capacities[slot] as number;
  }

  /** capacity + queueLimit: the most tasks it may hold (`Infinity` for immediate dispatch). */
  limitOf(slot: number): number {
    const limit = this.limits[slot] as number;
    return limit === UNBOUNDED ? Number.POSITIVE_INFINITY : limit;
  }

  weightOf(slot: number): number {
    return this.weights[slot] as number;
  }

  /** Tasks assigned to it: executing plus waiting in its local queue. */
  loadOf(slot: number): number {
    return this.hot[slot * STRIDE + LOAD] as number;
  }

  flagsOf(slot: number): number {
    return this.flags[slot] as number;
  }

  /** True when it has no flags and is below its limit. */
  isAvailable(slot: number): boolean {
    const at = slot * STRIDE;
    return (this.hot[at + LOAD] as number) < (this.hot[at + FULL_AT] as number);
  }

  /** True when its capabilities include every bit of `requiredMask`. */
  satisfies(slot: number, requiredMask: number): boolean {
    return ((this.masks[slot] as number) & requiredMask) >>> 0 === requiredMask;
  }

  /** Sets or clears a flag. */
  setFlag(slot: number, flag: AgentFlag, on: boolean): void {
    this.checkSlot(slot);
    const before = this.flags[slot] as number;
    const after = on ? before | flag : before & ~flag;
    if (before === after) return;
    this.flags[slot] = after;
    const load = this.hot[slot * STRIDE + LOAD] as number;
    const capacity = this.capacities[slot] as number;
    if (before === 0) {
      this.readyAgents--;
      this.readyLoadTotal -= load;
      this.readyCapacityTotal -= capacity;
    } else if (after === 0) {
      this.readyAgents++;
      this.readyLoadTotal += load;
      this.readyCapacityTotal += capacity;
    }
    this.hot[slot * STRIDE + FULL_AT] = after === 0 ? (this.limits[slot] as number) : 0;
    this.syncAvailability(slot);
  }

  /** One more task assigned to the agent. */
  assign(slot: number): void {
    this.changeLoad(slot, 1);
  }

  /** One task left the agent (finished, failed, cancelled or moved). */
  release(slot: number): void {
    this.changeLoad(slot, -1);
  }

  /**
   * True if a listener observes latency (`latencyObserved`): without one, {@link AgentTable.recordLatency}
   * has nothing to tell, and a caller on a per-task path can skip the call.
   */
  get observesLatency(): boolean {
    return this.latencyListeners.length > 0;
  }

  /** Reports a finished task's latency to latency-aware strategies. */
  recordLatency(slot: number, latencyMs: number, nowMs: number): void {
    // Once per finished task: one test admits valid input, and naming what is wrong is out of line (what a
    // function holds counts against V8 inlining it into the completion path).
    if (!(this.has(slot) && latencyMs >= 0 && latencyMs < Number.POSITIVE_INFINITY && nowMs - nowMs === 0))
      this.checkLatencyInput(slot, latencyMs, nowMs);
    const listeners = this.latencyListeners;
    for (let i = 0; i < listeners.length; i++)
      (listeners[i] as AgentTableListener).latencyObserved?.(slot, latencyMs, nowMs);
  }

  /** Throws for the first of `recordLatency`'s inputs that is wrong, naming it. */
  private checkLatencyInput(slot: number, latencyMs: number, nowMs: number): void {
    this.checkSlot(slot);
    checkNumber('latencyMs', latencyMs, { min: 0 });
    checkNumber('nowMs', nowMs);
  }

  /**
   * The bit mask of capability names, for `PickRequest.requiredMask`: 0 for none, {@link UNSATISFIABLE} if
   * some name is held by no agent of this table.
   */
  requirementMask(names: readonly string[]): number {
    // Asked once per submission, almost always with no names: an indexed loop, since a for-of over the
    // array allocated an iterator per task.
    let mask = 0;
    for (let i = 0; i < names.length; i++) {
      const bit = this.capabilityBits.get(names[i] as string);
      if (bit === undefined) return UNSATISFIABLE;
      mask |= bit;
    }
    return mask >>> 0;
  }

  private changeLoad(slot: number, delta: number): void {
    const hot = this.hot;
    const at = slot * STRIDE;
    const before = hot[at + LOAD] as number;
    const after = before + delta;
    const fullAt = hot[at + FULL_AT] as number;
    // One comparison covers a removed agent (-1), a slot out of range (undefined) and a release below 0.
    if (!(fullAt >= 0) || after < 0) {
      throw new RangeError(`agent slot ${slot}: ${fullAt >= 0 ? 'release without load' : 'no such agent'}`);
    }
    hot[at + LOAD] = after;
    if (fullAt > 0) this.readyLoadTotal += delta; // fullAt > 0 exactly when no flag is set
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]?.loadChanged?.(slot);
    // Availability flips only when the load crosses fullAt; the list is touched only then.
    if (before < fullAt !== after < fullAt) this.syncAvailability(slot);
  }

  /** Brings the available list in line with `load < fullAt` and tells the listeners if it changed. */
  private syncAvailability(slot: number): void {
    const at = slot * STRIDE;
    const available = (this.hot[at + LOAD] as number) < (this.hot[at + FULL_AT] as number);
    const position = this.positions[slot] as number;
    if (available === (position !== NONE)) return;
    if (available) {
      this.availableSlots[this.availableTotal] = slot;
      this.positions[slot] = this.availableTotal++;
    } else {
      const last = this.availableSlots[--this.availableTotal] as number;
      this.availableSlots[position] = last;
      this.positions[last] = position;
      this.positions[slot] = NONE;
    }
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) listeners[i]?.availabilityChanged?.(slot, available);
  }

  private checkSlot(slot: number): void {
    if (!this.has(slot)) throw new RangeError(`agent slot ${slot}: no such agent`);
  }

  /** The mask of `names`, registering new names only if all of them fit (so a refused spec changes nothing). */
  private internCapabilities(names: readonly string[]): number {
    const fresh = new Set<string>();
    names.forEach((name, i) => {
      checkName(`agent.capabilities[${i}]`, name);
      if (!this.capabilityBits.has(name)) fresh.add(name);
    });
    if (this.capabilityBits.size + fresh.size > MAX_CAPABILITIES) {
      throw new ConfigError(
        'agent.capabilities',
        `hold at most ${MAX_CAPABILITIES} distinct names per pool`,
        names,
      );
    }
    for (const name of fresh) this.capabilityBits.set(name, (1 << this.capabilityBits.size) >>> 0);
    let mask = 0;
    for (const name of names) mask |= this.capabilityBits.get(name) as number;
    return mask >>> 0;
  }

  private ensureCapacity(slots: number): void {
    if (slots <= this.weights.length) return;
    const n = Math.max(slots, this.weights.length * 2, 16);
    const grow = <A extends Int32Array | Uint32Array | Uint8Array | Float64Array>(old: A, fresh: A): A => {
      fresh.set(old);
      return fresh;
    };
    const hot = grow(this.hot, new Int32Array(n * STRIDE));
    for (let slot = this.weights.length; slot < n; slot++) hot[slot * STRIDE + FULL_AT] = -1; // no agent yet
    this.hot = hot;
    this.limits = grow(this.limits, new Int32Array(n));
    this.capacities = grow(this.capacities, new Int32Array(n));
    this.flags = grow(this.flags, new Uint8Array(n));
    this.masks = grow(this.masks, new Uint32Array(n));
    this.positions = grow(this.positions, new Int32Array(n));
    this.weights = grow(this.weights, new Float64Array(n));
    this.availableSlots = grow(this.availableSlots, new Int32Array(n));
  }
}
