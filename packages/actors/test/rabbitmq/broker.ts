import { Connection } from 'rabbitmq-client';
import { deleteTopology as deleteFleetTopology } from '../../src/rabbitmq/delete-topology.js';

/** The broker the RabbitMQ tests run against (override with FLOTILLA_TEST_BROKER_URL). */
export const BROKER_URL = process.env.FLOTILLA_TEST_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const HOW_TO_START =
  'start one with `rabbitmq-server -detached && rabbitmqctl await_startup` ' +
  '(Debian: `apt-get install -y rabbitmq-server` first), or point FLOTILLA_TEST_BROKER_URL at one';

/**
 * Whether a broker answers. Under CI=true a missing broker is a failure (`.ci/run` starts one); on a
 * laptop without one the RabbitMQ tests skip, saying so loudly.
 */
export async function brokerAvailable(): Promise<boolean> {
  const connection = new Connection({ url: BROKER_URL, retryLow: 100, retryHigh: 200 });
  connection.on('error', () => undefined);
  try {
    await connection.onConnect(3_000, true);
    await connection.close();
    return true;
  } catch {
    if (process.env.CI === 'true')
      throw new Error(`CI=true but no RabbitMQ broker at ${BROKER_URL}: ${HOW_TO_START}`);
    console.warn(
      `\n!!! SKIPPING the RabbitMQ tests: no broker at ${BROKER_URL}. To run them, ${HOW_TO_START}.\n`,
    );
    return false;
  }
}

let counter = 0;
/** A prefix no other test (or earlier run) uses, so tests never see each other's queues. */
export function uniquePrefix(): string {
  return `flotilla-test-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

/** Deletes every queue and exchange a test made under `prefix`. */
export async function deleteTopology(prefix: string, agentTypes: readonly string[]): Promise<void> {
  await deleteFleetTopology({ url: BROKER_URL, prefix }, agentTypes);
}
