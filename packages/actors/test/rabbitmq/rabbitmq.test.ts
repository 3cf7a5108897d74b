import { describe } from 'vitest';
import { brokerAvailable } from './broker.js';
import { conformanceOnBroker } from './conformance.suite.js';
import { faultsOnBroker } from './faults.suite.js';
import { fleetOnBroker } from './fleet.suite.js';
import { turnCorkOnBroker } from './turn-cork.suite.js';
import { workConsumerOnBroker } from './work-consumer.suite.js';

// One file, so these run one after another: the fault suite restarts the broker, which would break any
// other broker test running beside it in another worker.
const available = await brokerAvailable();

describe.skipIf(!available)('RabbitMQ (real broker)', () => {
  turnCorkOnBroker();
  workConsumerOnBroker();
  conformanceOnBroker();
  fleetOnBroker();
  faultsOnBroker();
});
