import { ConfigError, checkInteger, checkName } from '@flotilla/core';

function checkBoolean(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(field, 'be true or false', value);
  return value;
}

/**
 * Names and arguments of everything Flotilla declares on a broker. Declarations are idempotent: every
 * delegator and every agent process declares what it uses, with the same arguments, whenever it
 * (re)connects, so no process depends on another having started first. Two processes that disagree on an
 * argument make the broker refuse the second declaration (PRECONDITION_FAILED) rather than silently
 * running with either: keep `queueType`, `maxQueueLength` and `deliveryLimit` the same fleet-wide.
 */
export interface TopologyOptions {
  /** Prefix of every exchange and queue name. Default `flotilla`. */
  readonly prefix?: string;
  /**
   * `classic` (default): priorities honoured by the broker (`x-max-priority`). `quorum`: replicated and
   * durable, with `x-delivery-limit` as the poison-message bound; RabbitMQ before 4.0 ignores message
   * priority on quorum queues (the delegator's own queue still dispatches by priority).
   */
  readonly queueType?: 'classic' | 'quorum';
  /** Most messages a work queue holds; past it, publishes are refused (`reject-publish`), which the submitter sees as backpressure. Default 100,000. */
  readonly maxQueueLength?: number;
  /** Quorum queues only: deliveries of one message before it is dead-lettered. Default 5. */
  readonly deliveryLimit?: number;
  /**
   * Persistent messages (default true): tasks and results written to disk, so a broker restart loses
   * none. `false` trades that for throughput (about 1.5× here), like a Redis without persistence.
   */
  readonly persistent?: boolean;
}

/** {@link TopologyOptions} with every default applied. */
export interface Topology {
  readonly prefix: string;
  readonly queueType: 'classic' | 'quorum';
  readonly maxQueueLength: number;
  readonly deliveryLimit: number;
  readonly persistent: boolean;
  /** Direct exchange: routing key = agent type → that type's work queue. */
  readonly tasksExchange: string;
  /** Direct exchange: routing key = delegator id → that delegator's results queue. */
  readonly resultsExchange: string;
  /** Topic exchange: `all` (every agent process), `host.<id>` (one), `hello` (agent processes announcing themselves to delegators). */
  readonly controlExchange: string;
  /** Fanout exchange every work queue dead-letters into; feeds the dead-letter queue and every delegator. */
  readonly deadLetterExchange: string;
  /** Where dead letters stay for inspection and redrive, with their reason. */
  readonly deadLetterQueue: string;
}

/** RabbitMQ priorities are 0 (lowest) … max; Flotilla's four map onto 3 (`critical`) … 0 (`low`). */
export const MAX_PRIORITY = 3;

/** Header carrying the wire protocol version on every message Flotilla publishes. */
export const VERSION_HEADER = 'x-flotilla-v';
/** Header Flotilla sets on a message it dead-letters itself, saying why. */
export const REASON_HEADER = 'x-flotilla-reason';

/** Applies defaults and checks the options, naming the field. */
export function resolveTopology(options: TopologyOptions = {}): Topology {
  const prefix = checkName('prefix', options.prefix ?? 'flotilla');
  const queueType = options.queueType ?? 'classic';
  if (queueType !== 'classic' && queueType !== 'quorum')
    throw new ConfigError('queueType', 'be classic or quorum', queueType);
  return {
    prefix,
    queueType,
    maxQueueLength: checkInteger('maxQueueLength', options.maxQueueLength ?? 100_000, 1),
    deliveryLimit: checkInteger('deliveryLimit', options.deliveryLimit ?? 5, 1),
    persistent: checkBoolean('persistent', options.persistent ?? true),
    tasksExchange: `${prefix}.tasks`,
    resultsExchange: `${prefix}.results`,
    controlExchange: `${prefix}.control`,
    deadLetterExchange: `${prefix}.dead-letter`,
    deadLetterQueue: `${prefix}.dead-letter`,
  };
}

/** The work queue of `agentType`. */
export function workQueueName(topology: Topology, agentType: string): string {
  return `${topology.prefix}.tasks.${agentType}`;
}

/** The results queue of delegator `delegatorId`. */
export function resultsQueueName(topology: Topology, delegatorId: string): string {
  return `${topology.prefix}.results.${delegatorId}`;
}

/** Exchanges everyone declares. */
export function exchangeDeclarations(topology: Topology) {
  return [
    { exchange: topology.tasksExchange, type: 'direct' as const, durable: true },
    { exchange: topology.resultsExchange, type: 'direct' as const, durable: true },
    { exchange: topology.controlExchange, type: 'topic' as const, durable: true },
    { exchange: topology.deadLetterExchange, type: 'fanout' as const, durable: true },
  ];
}

/** The dead-letter queue, bound to the dead-letter exchange. */
export function deadLetterDeclarations(topology: Topology) {
  return {
    queues: [{ queue: topology.deadLetterQueue, durable: true }],
    bindings: [{ queue: topology.deadLetterQueue, exchange: topology.deadLetterExchange, routingKey: '' }],
  };
}

/**
 * The work queue of `agentType`: durable, priorities, a length bound that refuses publishes (so a full
 * queue is backpressure, never silent loss), expired and refused messages dead-lettered.
 */
export function workQueueDeclaration(topology: Topology, agentType: string) {
  const common = {
    'x-max-length': topology.maxQueueLength,
    'x-overflow': 'reject-publish' as const,
    'x-dead-letter-exchange': topology.deadLetterExchange,
  };
  const queue = workQueueName(topology, agentType);
  return {
    queue: {
      queue,
      durable: true,
      arguments:
        topology.queueType === 'quorum'
          ? { ...common, 'x-queue-type': 'quorum' as const, 'x-delivery-limit': topology.deliveryLimit }
          : { ...common, 'x-queue-type': 'classic' as const, 'x-max-priority': MAX_PRIORITY },
    },
    binding: { queue, exchange: topology.tasksExchange, routingKey: agentType },
  };
}

/**
 * A delegator's results queue. Durable and not exclusive, so results published while the delegator is
 * reconnecting wait for it instead of being dropped; `x-expires` deletes it once its delegator has been
 * gone for `expiresMs`.
 */
export function resultsQueueDeclaration(topology: Topology, delegatorId: string, expiresMs: number) {
  const queue = resultsQueueName(topology, delegatorId);
  return {
    queue: { queue, durable: true, arguments: { 'x-expires': expiresMs } },
    bindings: [
      { queue, exchange: topology.resultsExchange, routingKey: delegatorId },
      { queue, exchange: topology.controlExchange, routingKey: 'hello' },
      { queue, exchange: topology.deadLetterExchange, routingKey: '' },
    ],
  };
}
