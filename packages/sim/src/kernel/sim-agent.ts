import type { DelegatedAgentBase, PooledTask } from '@flotilla/actors';
import type { SimAgent, SimAgentSpec } from './sim-executor.js';

/**
 * A simulated agent's record. A class rather than a literal for one reason: its machine (`actor`) is read
 * through the roster's base record, which creates it only when something first needs it; copying the
 * field, as a literal would, created every agent's machine up front. All records share one hidden class,
 * which keeps the per-task path monomorphic.
 */
export class SimAgentRecord implements SimAgent {
  readonly id: string;
  readonly type: string;
  readonly slot: number;
  draining: boolean;
  running: number;
  readonly local: PooledTask[];
  completed: number;
  busyMs: number;
  readonly speed: number;
  readonly capacity: number;
  hostDown = false;
  /** A double from the start (`-0`, the same 0 in every sum), for the reason `SimTaskRecord.runId` is. */
  busyAtWarmupMs = -0;
  readonly prefixCache: Map<number, true> | undefined;
  stoppedAtMs: number | undefined = undefined;

  constructor(
    private readonly base: DelegatedAgentBase,
    readonly index: number,
    readonly spec: SimAgentSpec,
    readonly createdAtMs: number,
  ) {
    this.id = base.id;
    this.type = base.type;
    this.slot = base.slot;
    this.draining = base.draining;
    this.running = base.running;
    this.local = base.local;
    this.completed = base.completed;
    this.busyMs = base.busyMs;
    this.speed = spec.speeds?.[index] ?? 1;
    this.capacity = spec.capacity;
    this.prefixCache = spec.prefixCacheBlocks === undefined ? undefined : new Map();
  }

  get actor(): DelegatedAgentBase['actor'] {
    return this.base.actor;
  }
}
