import type { DistributionSpec } from '@flotilla/core';

/** One agent, named `<type>-<index>`. */
export interface AgentRef {
  readonly id: string;
  readonly type: string;
  readonly index: number;
}

/** The agents a fault hits: all of the type, the first `count` (indices 0…count−1), or a list. */
export type AgentSelection =
  | { readonly kind: 'all' }
  | { readonly kind: 'first'; readonly count: number }
  | { readonly kind: 'list'; readonly agents: readonly AgentRef[] };

/** Agents of one type. */
export interface FaultTarget {
  readonly type: string;
  readonly agents: AgentSelection;
}

/** A time window of a fault, ms since the start; `toMs` is `Infinity` for "until the end". */
export interface FaultWindow {
  readonly fromMs: number;
  readonly toMs: number;
}

/** A fault, times in simulated milliseconds (a scenario's `faults` resolve to these). */
export type SimFault =
  | {
      readonly kind: 'crash';
      readonly target: FaultTarget;
      /** Once at `atMs`, or for each agent at exponential intervals of mean `meanIntervalMs` of uptime. */
      readonly when:
        | { readonly kind: 'at'; readonly atMs: number }
        | { readonly kind: 'rate'; readonly meanIntervalMs: number };
      /** `Infinity` for `never`. Default 5,000 ms. */
      readonly restartDelayMs: number;
    }
  | ({
      readonly kind: 'errors';
      readonly target: FaultTarget;
      readonly probability: number;
      /** Default `TRANSIENT`. */
      readonly code: string;
    } & FaultWindow)
  | ({ readonly kind: 'slowdown'; readonly target: FaultTarget; readonly factor: number } & FaultWindow)
  | ({
      readonly kind: 'rate-limit-429';
      readonly target: FaultTarget;
      readonly probability: number;
      /** Default `RATE_LIMITED`. */
      readonly code: string;
    } & FaultWindow)
  | {
      readonly kind: 'network';
      /** One-way delay of each message, ms; `undefined` for none. */
      readonly delay: DistributionSpec | undefined;
      /** Extra uniform delay in `[0, jitterMs)`. Default 0. */
      readonly jitterMs: number;
      /** Default 0. */
      readonly lossRate: number;
      readonly partitions: readonly NetworkPartition[];
    };

/** Agents cut off from the delegator during a window. */
export interface NetworkPartition extends FaultWindow {
  /** All agents, the first `count` of each type, or a list. */
  readonly agents: AgentSelection;
}

/** True if `selection` picks agent `index` (0-based within its type). */
export function selects(selection: AgentSelection, index: number): boolean {
  switch (selection.kind) {
    case 'all':
      return true;
    case 'first':
      return index < selection.count;
    case 'list':
      return selection.agents.some((agent) => agent.index === index);
  }
}
