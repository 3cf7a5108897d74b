import { checkPositive } from '../errors/validate.js';
import { PRIORITY_COUNT } from '../task/priority.js';

/**
 * Start-time fair queueing (Goyal, Vin and Cheng, 1996) across tenants, one virtual clock per priority
 * level. Each entry gets a start tag when it is enqueued, `max(levelVirtualTime, tenant's last finish)`,
 * and the tenant's finish tag advances by `cost / weight`. Serving entries in start-tag order gives each
 * backlogged tenant a share of service proportional to its weight, and a tag fixed at enqueue time is what
 * lets a plain heap do it in O(log n).
 */
export class FairShareTags {
  private readonly weights: ReadonlyMap<string, number>;
  private readonly virtualTime = new Float64Array(PRIORITY_COUNT);
  private finishTags = new Map<string, Float64Array>();
  private pruneAt = 1024;

  constructor(weights: Readonly<Record<string, number>> = {}) {
    const map = new Map<string, number>();
    for (const [tenant, weight] of Object.entries(weights)) {
      map.set(tenant, checkPositive(`fairShare.weights.${tenant}`, weight));
    }
    this.weights = map;
  }

  /** Weight of `tenant` (1 unless configured). */
  weightOf(tenant: string): number {
    return this.weights.get(tenant) ?? 1;
  }

  /** Assigns the start tag of a new entry and charges its tenant. */
  tag(level: number, tenant: string, cost: number): number {
    let finish = this.finishTags.get(tenant);
    if (finish === undefined) {
      if (this.finishTags.size >= this.pruneAt) this.prune();
      finish = new Float64Array(PRIORITY_COUNT);
      this.finishTags.set(tenant, finish);
    }
    const start = Math.max(this.virtualTime[level] as number, finish[level] as number);
    // A zero-cost entry still takes a turn, so give it a tiny positive charge.
    finish[level] = start + Math.max(cost, 1e-9) / this.weightOf(tenant);
    return start;
  }

  /** Advances the level's virtual time to the start tag of the entry just served. */
  served(level: number, startTag: number): void {
    if (startTag > (this.virtualTime[level] as number)) this.virtualTime[level] = startTag;
  }

  /** Number of tenants with state (bounded by pruning). */
  get trackedTenants(): number {
    return this.finishTags.size;
  }

  /** Drops tenants whose tags are all in the past: for them, absent and present mean the same. */
  private prune(): void {
    for (const [tenant, finish] of this.finishTags) {
      let idle = true;
      for (let level = 0; level < PRIORITY_COUNT; level++) {
        if ((finish[level] as number) > (this.virtualTime[level] as number)) idle = false;
      }
      if (idle) this.finishTags.delete(tenant);
    }
    this.pruneAt = Math.max(1024, this.finishTags.size * 2);
  }
}
