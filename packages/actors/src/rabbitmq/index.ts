export {
  rabbitmq,
  RabbitErrorCode,
  type AnnouncedAgentProcess,
  type RabbitTransport,
  type RabbitTransportOptions,
} from './rabbitmq-transport.js';
export {
  startAgentProcess,
  type AgentProcess,
  type AgentProcessOptions,
  type ServedAgentType,
} from './agent-process.js';
export { redactUrl, type BrokerOptions } from './connection-options.js';
export { resolveTopology, workQueueName, type Topology, type TopologyOptions } from './topology.js';
export { deleteTopology } from './delete-topology.js';
