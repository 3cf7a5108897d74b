import { AgentHost } from '../host/agent-host.js';
import type { TaskHandler } from '../host/handler.js';
import type { HostCommand, HostEvent } from '../protocol/messages.js';
import { BatchingSender } from './batching-sender.js';
import { postEvents } from './clone-safe.js';
import type { Transport, TransportHandlers } from './transport.js';

/** Options of {@link inMemoryTransport}. */
export interface InMemoryTransportOptions {
  /** Number of in-process hosts. Default 1. */
  readonly hosts?: number;
  /**
   * Structured-clone payloads and results as a thread boundary would (default true), so code that works
   * in-process also works on worker threads. Turn off only for handlers that share objects on purpose.
   */
  readonly clone?: boolean;
  /** Loads agent modules; default dynamic `import()`. */
  readonly loadModule?: (specifier: string) => Promise<unknown>;
}

/**
 * Hosts agents in the calling thread. Messages still travel in batches, asynchronously, and (by default)
 * cloned, so the delegator sees the same semantics as with worker threads. In-process `handler` agents
 * need it: functions cannot cross threads.
 *
 * @example
 * ```ts
 * const transport = inMemoryTransport();
 * transport.register('echo', async (payload) => payload);
 * ```
 */
export function inMemoryTransport(options: InMemoryTransportOptions = {}): Transport & {
  register(agentType: string, handler: TaskHandler): void;
} {
  const hostCount = Math.max(1, options.hosts ?? 1);
  const clone = options.clone ?? true;
  const loadModule = options.loadModule ?? ((specifier: string) => import(specifier));
  const registered = new Map<string, TaskHandler>();
  let handlers: TransportHandlers | undefined;
  let closed = false;
  const hosts: AgentHost[] = [];
  // Primitives are immutable, so only objects need a copy; cloning a number costs as much as a no-op task.
  const copy = <T>(value: T): T =>
    clone && typeof value === 'object' && value !== null ? structuredClone(value) : value;
  const copyEvent = (event: HostEvent): HostEvent =>
    event.kind === 'done' ? { ...event, value: copy(event.value) } : event;

  const toDelegator = new BatchingSender<HostEvent>((host, batch) => {
    if (!closed) for (const event of batch.messages) handlers?.onEvent(host, event);
  });
  const makeHost = (index: number): AgentHost => {
    const host = new AgentHost(
      (event) =>
        postEvents((messages) => messages.forEach((m) => toDelegator.send(index, copyEvent(m))), [event]),
      loadModule,
    );
    for (const [type, handler] of registered) host.register(type, handler);
    return host;
  };
  const toHosts = new BatchingSender<HostCommand>((host, batch) => {
    if (closed) return;
    for (const command of batch.messages)
      hosts[host]?.handle(command.kind === 'run' ? { ...command, payload: copy(command.payload) } : command);
  });

  return {
    name: 'in-memory',
    hostCount,
    register(agentType, handler) {
      registered.set(agentType, handler);
      for (const host of hosts) host.register(agentType, handler);
    },
    async start(h) {
      handlers = h;
      for (let i = 0; i < hostCount; i++) hosts[i] = makeHost(i);
    },
    send(host, command) {
      if (!closed) toHosts.send(host, command);
    },
    async restartHost(host) {
      hosts[host]?.abortAll();
      toHosts.discard(host);
      hosts[host] = makeHost(host);
    },
    async close() {
      closed = true;
      for (const host of hosts) host.abortAll();
    },
  };
}
