import {
  checkInteger,
  checkLimit,
  checkName,
  checkNumber,
  checkPositive,
  ConfigError,
  type Clock,
  type RateLimiterOptions,
} from '@flotilla/core';
import type { DelegationOptions, PoolSpec } from '../delegation/delegation-options.js';
import type { TaskHandler } from '../host/handler.js';
import type { Transport } from '../transport/transport.js';

/** One kind of agent in a fleet. */
export interface AgentTypeOptions {
  readonly type: string;
  /**
   * Path (resolved against the current directory) or file: URL of a module whose default export is the
   * handler; runs in worker threads. With a broker transport and neither `module` nor `handler`, agent
   * processes serve the type, and `replicas × capacity` bounds how many of its tasks are out at the broker.
   */
  readonly module?: string;
  /** An in-process handler instead of a module; runs in the calling thread. */
  readonly handler?: TaskHandler;
  /** Agents of this type. Default 1. */
  readonly replicas?: number;
  /** Tasks one agent runs at once. Default 1. */
  readonly capacity?: number;
  /** Tasks assigned to an agent beyond its capacity (its local queue). 0 (default): pull from the central queue. */
  readonly queueLimit?: number;
  readonly capabilities?: readonly string[];
  /** Requests and cost (e.g. LLM tokens) per interval for the whole type. */
  readonly rateLimit?: RateLimiterOptions;
  /** Weight for weighted strategies; default the capacity. */
  readonly weight?: number;
}

/** Options of `createFleet`: the delegation's policies plus where agents run. */
export interface FleetOptions extends DelegationOptions {
  readonly agents: readonly AgentTypeOptions[];
  /** Worker threads for module agents. Default: the number of cores. */
  readonly threads?: number;
  /** Replaces the worker_threads transport for module agents (e.g. RabbitMQ). */
  readonly transport?: Transport;
  /** Default: the system clock. The simulator passes a virtual one. */
  readonly clock?: Clock;
}

/** Validated per-type options. */
export interface ResolvedAgentType extends PoolSpec {
  readonly module: string | undefined;
  readonly handler: TaskHandler | undefined;
}

/** Most agents per type: a limit on everything. */
export const MAX_REPLICAS = 100_000;

/**
 * Validates one agent type, naming `agents[i].field` in errors. With a `transport` (`remote`), a type may
 * name neither module nor handler: the transport's agent processes serve it (e.g. `flotilla agent`).
 */
export function resolveAgentType(
  options: AgentTypeOptions,
  index: number,
  remote = false,
): ResolvedAgentType {
  const at = (field: string): string => `agents[${index}].${field}`;
  if (typeof options !== 'object' || options === null)
    throw new ConfigError(`agents[${index}]`, 'be an object', options);
  const type = checkName(at('type'), options.type);
  if (options.module !== undefined && options.handler !== undefined) {
    throw new ConfigError(at('module'), 'be set, or else handler, but not both', options.module);
  }
  if (options.module === undefined && options.handler === undefined && !remote) {
    throw new ConfigError(
      at('module'),
      'be set, or else handler (or give the fleet a transport whose agent processes serve the type)',
      options.module,
    );
  }
  if (options.module !== undefined) checkName(at('module'), options.module);
  if (options.handler !== undefined && typeof options.handler !== 'function') {
    throw new ConfigError(at('handler'), 'be a function', options.handler);
  }
  return {
    type,
    module: options.module,
    handler: options.handler,
    replicas:
      options.replicas === undefined ? 1 : checkInteger(at('replicas'), options.replicas, 0, MAX_REPLICAS),
    capacity: options.capacity === undefined ? 1 : checkInteger(at('capacity'), options.capacity, 1),
    queueLimit: options.queueLimit === undefined ? 0 : checkLimit(at('queueLimit'), options.queueLimit, 0),
    capabilities: options.capabilities ?? [],
    rateLimit: options.rateLimit,
    weight: options.weight === undefined ? undefined : checkPositive(at('weight'), options.weight),
  };
}

/** Validates the fleet-wide numbers, naming the field. */
export function checkFleetOptions(options: FleetOptions): void {
  if (!Array.isArray(options.agents) || options.agents.length === 0) {
    throw new ConfigError('agents', 'be a non-empty array of agent types', options.agents);
  }
  const seen = new Set<string>();
  options.agents.forEach((agent, i) => {
    if (seen.has(agent.type)) throw new ConfigError(`agents[${i}].type`, 'be unique', agent.type);
    seen.add(agent.type);
  });
  if (options.threads !== undefined) checkInteger('threads', options.threads, 1, 256);
  if (options.seed !== undefined) checkInteger('seed', options.seed, 0, Number.MAX_SAFE_INTEGER);
  if (options.breaker !== undefined) {
    checkPositive('breaker.openDurationMs', options.breaker.openDurationMs);
    if (options.breaker.maxEjectionPercent !== undefined) {
      checkNumber('breaker.maxEjectionPercent', options.breaker.maxEjectionPercent, { min: 0, max: 100 });
    }
  }
}
