import { Connection } from 'rabbitmq-client';
import { connectionOptions, type BrokerOptions } from './connection-options.js';
import { resolveTopology, workQueueName, type TopologyOptions } from './topology.js';

/**
 * Deletes the durable queues and exchanges a fleet declared under its prefix: the work queues of
 * `agentTypes`, the dead-letter queue, and the four exchanges. For tearing down a fleet for good (tests,
 * benchmarks, a retired prefix): anything still queued is lost. A delegator's results queue is not in the
 * list; it expires on its own once its delegator is gone.
 *
 * @example
 * ```ts
 * await fleet.close();
 * await agents.drain();
 * await deleteTopology({ url, prefix: 'bench-1' }, ['noop']);
 * ```
 */
export async function deleteTopology(
  options: BrokerOptions & TopologyOptions,
  agentTypes: readonly string[],
): Promise<void> {
  const topology = resolveTopology(options);
  const connection = new Connection(connectionOptions(options).client);
  // Failed attempts are retried by the client; the deletions below reject if it never connects.
  connection.on('error', () => undefined);
  try {
    for (const type of agentTypes) await connection.queueDelete({ queue: workQueueName(topology, type) });
    await connection.queueDelete({ queue: topology.deadLetterQueue });
    for (const exchange of [
      topology.tasksExchange,
      topology.resultsExchange,
      topology.controlExchange,
      topology.deadLetterExchange,
    ])
      await connection.exchangeDelete({ exchange });
  } finally {
    await connection.close();
  }
}
