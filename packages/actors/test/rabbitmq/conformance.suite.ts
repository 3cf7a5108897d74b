import { afterAll, describe } from 'vitest';
import { rabbitmq } from '../../src/rabbitmq/rabbitmq-transport.js';
import { startAgentProcess, type AgentProcess } from '../../src/rabbitmq/agent-process.js';
import type { Transport } from '../../src/transport/transport.js';
import { transportConformance } from '../transport/conformance.js';
import { BROKER_URL, deleteTopology, uniquePrefix } from './broker.js';

const prefixes: string[] = [];

/**
 * The delegator side on the real broker, with one agent process (in this test process, over its own
 * connection) that loads the modules the suite asks for, as `flotilla agent` does without `--module`.
 */
function brokerTransport(): Transport {
  const prefix = uniquePrefix();
  prefixes.push(prefix);
  const delegator = rabbitmq({ url: BROKER_URL, prefix });
  let agents: AgentProcess | undefined;
  return {
    name: delegator.name,
    hostCount: delegator.hostCount,
    ...(delegator.wantsTaskMetadata === undefined ? {} : { wantsTaskMetadata: delegator.wantsTaskMetadata }),
    async start(handlers) {
      await delegator.start(handlers);
      agents = await startAgentProcess({ url: BROKER_URL, prefix, loadsModules: true, defaultCapacity: 64 });
    },
    send: (host, command) => delegator.send(host, command),
    restartHost: (host) => delegator.restartHost(host),
    async close() {
      await delegator.close();
      await agents?.drain();
    },
  };
}

export function conformanceOnBroker(): void {
  describe('RabbitMQ transport', () => {
    afterAll(async () => {
      for (const prefix of prefixes) await deleteTopology(prefix, ['echo', 'nc', 'fail', 'wait', 'ghost']);
    });
    transportConformance('rabbitmq', brokerTransport, { hostsCanDie: false });
  });
}
