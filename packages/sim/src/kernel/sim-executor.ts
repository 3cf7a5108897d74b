import {
  createDistribution,
  type Distribution,
  type Rng,
  type SerializedError,
  type VirtualClock,
} from '@flotilla/core';
import type {
  AgentPool,
  AttemptExecutor,
  DelegatedAgentBase,
  DelegatedTask,
  Delegation,
} from '@flotilla/actors';
import { selects, type SimFault } from './faults.js';
import { SimAgentRecord } from './sim-agent.js';
import type { Arrival } from '../workload/workload.js';

/** Service time on a speed-1 agent: a distribution (ms), or a function of the arrival (size-based). */
export type ServiceTime = Distribution | ((arrival: Arrival, rng: Rng) => number);

/** A task in the simulator: the delegation's record plus its arrival. */
export interface SimTask extends DelegatedTask {
  readonly index: number;
  readonly arrival: Arrival;
  /** Submitted after the warm-up: its latency and wait count. */
  readonly counted: boolean;
}

/** A simulated agent. */
export interface SimAgent extends DelegatedAgentBase {
  /** 0-based index within its type (faults name agents `<type>-<index>`). */
  readonly index: number;
  /** Its type's model, held by the agent so an attempt does not look it up by name. */
  readonly spec: SimAgentSpec;
  readonly speed: number;
  readonly capacity: number;
  /** Its process is down (crashed, not yet back). */
  hostDown: boolean;
  readonly createdAtMs: number;
  /** Busy time when the warm-up ended (statistics cover what comes after). */
  busyAtWarmupMs: number;
  /** Its prompt-prefix cache, oldest block first (a Map keeps insertion order: an LRU). */
  readonly prefixCache: Map<number, true> | undefined;
  /** When it stopped (drained by a scale-down, or given up); undefined while it lives. */
  stoppedAtMs: number | undefined;
}

/** What the simulator knows about one agent type. */
export interface SimAgentSpec {
  readonly type: string;
  readonly capacity: number;
  readonly service: ServiceTime;
  readonly speeds: readonly number[] | undefined;
  readonly prefixCacheBlocks: number | undefined;
}

type ErrorFault = Extract<SimFault, { kind: 'errors' | 'rate-limit-429' }>;
type SlowdownFault = Extract<SimFault, { kind: 'slowdown' }>;
type NetworkFault = Extract<SimFault, { kind: 'network' }>;

/**
 * Runs attempts on simulated agents, on the virtual clock: a service time drawn from the type's model,
 * divided by the agent's speed, stretched by brownouts; errors and provider 429s drawn per attempt; one-way
 * network delay, loss and partitions on every message between the delegator and the agent. A 429 answers
 * at once (the provider refuses before doing the work); a transient error surfaces when the work ends.
 */
export class SimExecutor implements AttemptExecutor<SimTask, SimAgent> {
  private delegation!: Delegation<SimTask, SimAgent>;
  private readonly specs: ReadonlyMap<string, SimAgentSpec>;
  private readonly errorFaults: readonly ErrorFault[];
  private readonly slowdowns: readonly SlowdownFault[];
  private readonly network: NetworkFault | undefined;
  private readonly networkDelay: Distribution | undefined;
  private readonly agentCounts = new Map<string, number>();
  private blocksLookedUp = 0;
  private blocksHit = 0;
  /** Every agent that ever existed, in creation order (the report's per-agent figures). */
  readonly created: SimAgent[] = [];
  // Answers travel back as their run id, the clock's argument to one shared callback per kind of answer
  // (no closure per attempt). An answer of an attempt from before its agent crashed needs no test here:
  // the crash ended that attempt in the delegation (`lost`), so its run id is stale and finds nothing.
  private readonly complete = (runId: number): void => this.delegation.completed(runId, undefined);
  /** The fault of each attempt on its way to fail, by run id (only under error faults). */
  private readonly failures = new Map<number, ErrorFault>();
  private readonly fail = (runId: number): void => {
    const fault = this.failures.get(runId) as ErrorFault;
    this.failures.delete(runId);
    this.delegation.failed(runId, errorOf(fault));
  };

  constructor(
    private readonly clock: VirtualClock,
    specs: readonly SimAgentSpec[],
    faults: readonly SimFault[],
    private readonly serviceRng: Rng,
    private readonly faultRng: Rng,
    private readonly defer: (callback: () => void) => void,
  ) {
    this.specs = new Map(specs.map((spec) => [spec.type, spec]));
    this.errorFaults = faults.filter(
      (f): f is ErrorFault => f.kind === 'errors' || f.kind === 'rate-limit-429',
    );
    this.slowdowns = faults.filter((f): f is SlowdownFault => f.kind === 'slowdown');
    this.network = faults.find((f): f is NetworkFault => f.kind === 'network');
    this.networkDelay =
      this.network?.delay === undefined ? undefined : createDistribution(this.network.delay);
  }

  attach(delegation: Delegation<SimTask, SimAgent>): void {
    this.delegation = delegation;
  }

  createAgent(base: DelegatedAgentBase, pool: AgentPool<SimTask, SimAgent>): SimAgent {
    const spec = this.specs.get(pool.spec.type) as SimAgentSpec;
    const index = this.agentCounts.get(spec.type) ?? 0;
    this.agentCounts.set(spec.type, index + 1);
    const agent = new SimAgentRecord(base, index, spec, this.clock.now());
    this.created.push(agent);
    return agent;
  }

  /** The agent `agentId` stopped at `atMs` (for its utilization over its life). */
  stopped(agentId: string, atMs: number): void {
    const agent = this.created.find((a) => a.id === agentId && a.stoppedAtMs === undefined);
    if (agent !== undefined) agent.stoppedAtMs = atMs;
  }

  isLoaded(agent: SimAgent): boolean {
    return !agent.hostDown;
  }

  /** A new simulated agent is a new host, up from the start (`hostDown` begins false): it starts ready. */
  startsLoaded(): boolean {
    return true;
  }

  run(record: SimTask, agent: SimAgent, runId: number): void {
    // Each fault's work sits behind a test of whether the run has that fault at all. Why not inside the
    // helpers: V8 inlines a bounded amount of bytecode into each optimized function, and the fault helpers
    // (never executed without faults, but called) used that budget up before the service draw and the
    // clock's push, which then stayed calls.
    const nowMs = this.clock.now();
    const network = this.network;
    const toAgentMs = network === undefined ? 0 : this.transit(network, agent, nowMs);
    if (toAgentMs < 0) return; // the run message is lost: only the attempt's timeout ends it
    const spec = agent.spec;
    const startMs = nowMs + toAgentMs;
    const error = this.errorFaults.length === 0 ? undefined : this.drawError(agent, startMs);
    let workMs = 0;
    if (error === undefined || error.kind === 'errors') {
      const service = spec.service;
      const arrival =
        agent.prefixCache === undefined ? record.arrival : this.throughCache(agent, spec, record.arrival);
      const demandMs =
        typeof service === 'function' ? service(arrival, this.serviceRng) : service.sample(this.serviceRng);
      // A normal distribution can draw below zero; time cannot run backwards.
      workMs = Math.max(0, demandMs) / agent.speed;
      if (this.slowdowns.length > 0) workMs *= this.slowdownAt(agent, startMs);
    }
    const doneMs = startMs + workMs;
    const backMs = network === undefined ? 0 : this.transit(network, agent, doneMs);
    if (backMs < 0) return;
    if (error === undefined) {
      this.clock.callAt(doneMs + backMs, this.complete, runId);
      return;
    }
    this.failures.set(runId, error);
    this.clock.callAt(doneMs + backMs, this.fail, runId);
  }

  abort(agent: SimAgent, runId: number, _reason: 'timeout' | 'cancelled'): void {
    // The handler honours its abort signal at once; the slot frees when the agent's answer would arrive.
    const nowMs = this.clock.now();
    const delayMs = this.network === undefined ? 0 : this.transit(this.network, agent, nowMs);
    if (delayMs < 0) return; // the cancel is lost: the slot frees only if the attempt's own answer arrives
    const release = (): void => this.delegation.released(runId);
    if (delayMs === 0) this.defer(release);
    else this.clock.setTimerAt(nowMs + delayMs * 2, release);
  }

  /** The prefix cache's hit rate over the run, if any agent type has a cache. */
  prefixCache(): { hitRate: number; blocksLookedUp: number } | undefined {
    if (![...this.specs.values()].some((spec) => spec.prefixCacheBlocks !== undefined)) return undefined;
    const lookedUp = this.blocksLookedUp;
    return { hitRate: lookedUp === 0 ? 0 : this.blocksHit / lookedUp, blocksLookedUp: lookedUp };
  }

  /**
   * Looks the arrival's prefix blocks up in the agent's cache and caches them: the arrival as the service
   * model should see it, its input tokens cut by the share of blocks found (those skip prefill).
   */
  private throughCache(agent: SimAgent, spec: SimAgentSpec, arrival: Arrival): Arrival {
    const cache = agent.prefixCache;
    const blocks = arrival.prefixBlocks;
    if (cache === undefined || blocks === undefined || blocks.length === 0) return arrival;
    let hits = 0;
    for (const block of blocks) {
      if (cache.delete(block)) hits++;
      cache.set(block, true);
    }
    const limit = spec.prefixCacheBlocks as number;
    for (const oldest of cache.keys()) {
      if (cache.size <= limit) break;
      cache.delete(oldest);
    }
    this.blocksLookedUp += blocks.length;
    this.blocksHit += hits;
    if (hits === 0 || arrival.inputTokens === undefined) return arrival;
    return { ...arrival, inputTokens: arrival.inputTokens * (1 - hits / blocks.length) };
  }

  /** One-way delay of a message to or from `agent` sent at `atMs` under `network`, or −1 if it is lost. */
  private transit(network: NetworkFault, agent: SimAgent, atMs: number): number {
    for (const partition of network.partitions) {
      if (atMs >= partition.fromMs && atMs < partition.toMs && selects(partition.agents, agent.index))
        return -1;
    }
    if (network.lossRate > 0 && this.faultRng.next() < network.lossRate) return -1;
    let delayMs = this.networkDelay === undefined ? 0 : Math.max(0, this.networkDelay.sample(this.faultRng));
    if (network.jitterMs > 0) delayMs += this.faultRng.next() * network.jitterMs;
    return delayMs;
  }

  private drawError(agent: SimAgent, atMs: number): ErrorFault | undefined {
    // Indexed loops: these run on every attempt, mostly over no faults, and a for-of allocated an iterator.
    const faults = this.errorFaults;
    for (let i = 0; i < faults.length; i++) {
      const fault = faults[i] as ErrorFault;
      if (fault.target.type !== agent.type || atMs < fault.fromMs || atMs >= fault.toMs) continue;
      if (!selects(fault.target.agents, agent.index)) continue;
      if (this.faultRng.next() < fault.probability) return fault;
    }
    return undefined;
  }

  private slowdownAt(agent: SimAgent, atMs: number): number {
    let factor = 1;
    const faults = this.slowdowns;
    for (let i = 0; i < faults.length; i++) {
      const fault = faults[i] as SlowdownFault;
      if (fault.target.type !== agent.type || atMs < fault.fromMs || atMs >= fault.toMs) continue;
      if (selects(fault.target.agents, agent.index)) factor *= fault.factor;
    }
    return factor;
  }
}

function errorOf(fault: ErrorFault): SerializedError {
  return {
    name: 'Error',
    code: fault.code,
    message:
      fault.kind === 'rate-limit-429' ? '429 Too Many Requests (simulated)' : 'simulated transient error',
  };
}
