import { ConfigError } from '../../errors/config-error.js';
import { checkInteger, checkNumber } from '../../errors/validate.js';
import type { Rng } from '../../random/rng.js';
import type { AgentTable } from '../agent-table.js';
import { murmur3 } from '../hash.js';
import { NO_AGENT, type BalancingStrategy, type PickRequest } from '../strategy.js';

/** Options of `consistent-hash`. */
export interface ConsistentHashOptions {
  /** Points per agent on the ring (more: smoother split, bigger ring). Default 100. */
  readonly virtualNodes?: number;
  /**
   * Total ring points at most (Envoy's `maximum_ring_size`): past it, agents get fewer points each, so a
   * huge pool keeps a cache-sized ring. Default 2^20, at most 2^21.
   */
  readonly maxRingSize?: number;
  /**
   * Consistent hashing with bounded loads (Mirrokni, Thorup and Zadimoghaddam, 2018), weighted by capacity:
   * no agent takes a task that would lift its load past ⌈loadFactor · (total load + 1) · its capacity ÷
   * total capacity⌉; the walk moves on clockwise instead. If every eligible agent is at its bound (only
   * possible when capabilities or limits narrow the pool), the least loaded of them takes the task.
   * Typical 1.25. Off by default.
   */
  readonly loadFactor?: number;
}

const BUILD_INDEX_BITS = 2 ** 21; // ring entries are packed as hash · 2^21 + build index for sorting
const MAX_BUCKET_BITS = 20;

/**
 * `consistent-hash`: places each agent at many points of a 32-bit hash ring and routes a task to the first
 * eligible agent clockwise from the hash of its affinity key, so the same key keeps reaching the same
 * agent (prompt-prefix caches, sessions) and adding an agent moves only about 1/n of the keys. Tasks
 * without a key land at a random point.
 *
 * Lookups use a bucket index over the sorted ring (the top bits of the hash give a starting position), so
 * a decision costs O(1) expected instead of a binary search through a ring of millions of points. The ring
 * is rebuilt lazily, on the first pick after agents join or leave.
 */
export class ConsistentHashStrategy implements BalancingStrategy {
  readonly name = 'consistent-hash';
  private readonly virtualNodes: number;
  private readonly maxRingSize: number;
  private readonly loadFactor: number | undefined;
  /** Ring points sorted by hash, interleaved `[hash, slot]` so one cache miss fetches both. */
  private ring = new Uint32Array(0);
  private ringSize = 0;
  private bucketStart = new Uint32Array(1);
  private bucketShift = 32;
  private dirty = true;

  constructor(
    private readonly table: AgentTable,
    private readonly rng: Rng,
    options: ConsistentHashOptions = {},
  ) {
    this.virtualNodes = checkInteger('virtualNodes', options.virtualNodes ?? 100, 1, 10_000);
    this.maxRingSize = checkInteger('maxRingSize', options.maxRingSize ?? 2 ** 20, 1, BUILD_INDEX_BITS);
    this.loadFactor =
      options.loadFactor === undefined ? undefined : checkNumber('loadFactor', options.loadFactor);
    if (this.loadFactor !== undefined && this.loadFactor <= 1) {
      throw new ConfigError('loadFactor', 'be > 1', this.loadFactor);
    }
    table.listen(this);
  }

  agentAdded(): void {
    this.dirty = true;
  }

  agentRemoved(): void {
    this.dirty = true;
  }

  pick(request: PickRequest): number {
    if (this.dirty) this.rebuild();
    const size = this.ringSize;
    if (size === 0 || this.table.availableCount === 0) return NO_AGENT;
    const point = request.affinityKey === undefined ? this.rng.nextUint32() : murmur3(request.affinityKey);
    const table = this.table;
    const mask = request.requiredMask;
    const bounded = this.loadFactor !== undefined && table.readyCapacity > 0;
    // Each agent's share of ⌈c · (total load + 1)⌉, in proportion to its capacity.
    const boundPerCapacity = bounded
      ? ((this.loadFactor as number) * (table.readyLoad + 1)) / table.readyCapacity
      : 0;
    let fallback = NO_AGENT;
    let at = this.firstAtOrAfter(point);
    for (let step = 0; step < size; step++, at = at + 1 === size ? 0 : at + 1) {
      const slot = this.ring[2 * at + 1] as number;
      if (!table.isAvailable(slot) || !table.satisfies(slot, mask)) continue;
      if (!bounded || table.loadOf(slot) < Math.ceil(boundPerCapacity * table.capacityOf(slot))) return slot;
      if (fallback === NO_AGENT || relativeLoad(table, slot) < relativeLoad(table, fallback)) fallback = slot;
    }
    // Every eligible agent is at its bound (possible only when capabilities or limits narrow the pool):
    // place the task on the least loaded of them rather than refuse work an agent could take.
    return fallback;
  }

  /** The agent the key maps to ignoring eligibility and load (for tests and cache-hit accounting). */
  ownerOf(affinityKey: string): number {
    if (this.dirty) this.rebuild();
    if (this.ringSize === 0) return NO_AGENT;
    return this.ring[2 * this.firstAtOrAfter(murmur3(affinityKey)) + 1] as number;
  }

  private firstAtOrAfter(point: number): number {
    const ring = this.ring;
    const size = this.ringSize;
    let at = this.bucketStart[point >>> this.bucketShift] as number;
    while (at < size && (ring[2 * at] as number) < point) at++;
    return at === size ? 0 : at;
  }

  private rebuild(): void {
    this.dirty = false;
    const agents: number[] = [];
    for (let slot = 0; slot < this.table.slotBound; slot++) if (this.table.has(slot)) agents.push(slot);
    const perAgent = Math.max(
      1,
      Math.min(this.virtualNodes, Math.floor(this.maxRingSize / Math.max(1, agents.length))),
    );
    const size = agents.length * perAgent;
    const packed = new Float64Array(size);
    agents.forEach((slot, agentIndex) => {
      const id = this.table.idOf(slot);
      for (let v = 0; v < perAgent; v++) {
        const buildIndex = agentIndex * perAgent + v;
        packed[buildIndex] = murmur3(`${id}#${v}`) * BUILD_INDEX_BITS + buildIndex;
      }
    });
    packed.sort();
    this.ring = new Uint32Array(2 * size);
    this.ringSize = size;
    for (let i = 0; i < size; i++) {
      const value = packed[i] as number;
      const buildIndex = value % BUILD_INDEX_BITS;
      this.ring[2 * i] = (value - buildIndex) / BUILD_INDEX_BITS;
      this.ring[2 * i + 1] = agents[Math.floor(buildIndex / perAgent)] as number;
    }
    this.buildBuckets(size);
  }

  /**
   * bucketStart[b] = index of the first ring point whose top bits are ≥ b. About four points per bucket:
   * the scan from a bucket's start stays within one or two cache lines of the interleaved ring, and the
   * index is a quarter of the ring's size, so both stay closer to the CPU on a pool of 100,000 agents.
   */
  private buildBuckets(size: number): void {
    // At least one bit: JavaScript masks shift counts to 5 bits, so `>>> 32` would not shift at all.
    const bits = Math.min(MAX_BUCKET_BITS, Math.max(1, Math.ceil(Math.log2(Math.max(1, size))) - 2));
    this.bucketShift = 32 - bits;
    const buckets = 2 ** bits;
    this.bucketStart = new Uint32Array(buckets);
    let at = 0;
    for (let b = 0; b < buckets; b++) {
      const lowest = b * 2 ** this.bucketShift;
      while (at < size && (this.ring[2 * at] as number) < lowest) at++;
      this.bucketStart[b] = at;
    }
  }
}

function relativeLoad(table: AgentTable, slot: number): number {
  return table.loadOf(slot) / table.capacityOf(slot);
}
