export { PROTOCOL_VERSION, isBatch, type HostCommand, type HostEvent, type Batch } from './messages.js';
export { packCommands, packEvents, unpackDone } from './columnar.js';
