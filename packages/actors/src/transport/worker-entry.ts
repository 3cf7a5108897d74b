import { parentPort } from 'node:worker_threads';
import { AgentHost } from '../host/agent-host.js';
import { packEvents, type OpenDoneBatch } from '../protocol/columnar.js';
import { isBatch, PROTOCOL_VERSION, type HostEvent, type WireCommand } from '../protocol/messages.js';
import { BatchingSender } from './batching-sender.js';
import { postEvents } from './clone-safe.js';

// The worker side of the worker_threads transport: one AgentHost per thread, fed by batches.
const port = parentPort;
if (port === null) throw new Error('worker-entry must run in a worker thread');

const outbox = new BatchingSender<HostEvent>(
  (_destination, batch) =>
    postEvents((messages) => port.postMessage({ v: PROTOCOL_VERSION, messages }), batch.messages),
  packEvents,
);
/** The done-batch results are appended to while it is the last event queued (see `BatchingSender.tail`). */
let openDone: OpenDoneBatch | undefined;
const host = new AgentHost(
  (event) => outbox.send(0, event),
  (specifier) => import(specifier),
  (runId, value) => {
    if (openDone !== undefined && outbox.tail(0) === openDone) {
      openDone.runIds.push(runId);
      openDone.values.push(value);
      return;
    }
    openDone = { kind: 'done-batch', runIds: [runId], values: [value] };
    outbox.send(0, openDone);
  },
);

port.on('message', (batch: unknown) => {
  if (!isBatch<WireCommand>(batch)) {
    // A delegator of another protocol version: refuse loudly rather than misread it.
    throw new Error(`worker received a batch of an unknown protocol version (expected v${PROTOCOL_VERSION})`);
  }
  for (const command of batch.messages) host.handle(command);
});
