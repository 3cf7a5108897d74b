import { randomUUID } from 'node:crypto';
import {
  Connection,
  type AsyncMessage,
  type Consumer,
  type Publisher,
  type ReturnedMessage,
} from 'rabbitmq-client';
import { checkInteger, checkName, ConfigError, FlotillaError, type SerializedError } from '@flotilla/core';
import { HostErrorCode } from '../host/agent-host.js';
import type { HostCommand, HostEvent } from '../protocol/messages.js';
import type { Transport, TransportHandlers } from '../transport/transport.js';
import { connectionOptions, redactText, whenReady, type BrokerOptions } from './connection-options.js';
import {
  exchangeDeclarations,
  deadLetterDeclarations,
  MAX_PRIORITY,
  REASON_HEADER,
  resolveTopology,
  resultsQueueDeclaration,
  workQueueDeclaration,
  type TopologyOptions,
} from './topology.js';
import {
  CONTENT_TYPE,
  decode,
  encode,
  MessageType,
  versionHeaders,
  runIdsOf,
  type ControlMessage,
  type HelloBody,
  type TaskBundle,
} from './wire.js';
import { TaskBundler } from './task-bundler.js';
import { TurnCork } from './turn-cork.js';

/** Error codes of the RabbitMQ transport. */
export const RabbitErrorCode = {
  /** The broker could not be reached, or a publish failed after every retry. */
  BrokerUnavailable: 'FLOTILLA_BROKER_UNAVAILABLE',
  /** The payload cannot be structured-cloned, so it cannot travel. */
  PayloadNotCloneable: 'FLOTILLA_PAYLOAD_NOT_CLONEABLE',
  /** The encoded task is over `maxMessageBytes`. */
  MessageTooLarge: 'FLOTILLA_MESSAGE_TOO_LARGE',
  /** The broker or an agent dead-lettered the task (poison, delivery limit); the reason is in the message. */
  DeadLettered: 'FLOTILLA_BROKER_DEAD_LETTERED',
} as const;

/** Options of {@link rabbitmq}. */
export interface RabbitTransportOptions extends BrokerOptions, TopologyOptions {
  /** This delegator's id on the broker (its results queue is `<prefix>.results.<id>`). Default: random. */
  readonly id?: string;
  /** How long the results queue outlives a delegator that went away, ms. Default 60,000. */
  readonly resultsQueueExpiresMs?: number;
  /** Largest task message, bytes. Default 16 MiB. Agent processes should use the same limit. */
  readonly maxMessageBytes?: number;
  /** Attempts of one publish, across reconnects, before the attempt fails. Default 20. */
  readonly publishAttempts?: number;
  /** How long `start` waits for the broker, ms. Default 10,000. */
  readonly connectTimeoutMs?: number;
  /**
   * Most tasks of one type and priority dispatched in the same turn that travel in one message. Default
   * 4. The broker's cost is per message, so more raises short tasks' throughput; but the broker balances
   * messages, and an agent process prefetches `capacity + queueLimit` messages, so it may then hold up to
   * that many times this many tasks while another process idles. Raise it for many short tasks; keep
   * it at 1 for long ones spread over several agent processes. Tasks with a TTL always travel alone.
   */
  readonly maxTasksPerMessage?: number;
}

/** An agent process as it last announced itself to this delegator. */
export interface AnnouncedAgentProcess {
  readonly hostId: string;
  readonly agentTypes: readonly string[];
}

/**
 * The RabbitMQ transport, with the controls only agent processes have. The fleet's own `pause`/`resume`
 * already reach every agent process; these reach the processes themselves, which the fleet's `drain` and
 * `scale` (about the delegator's agents) do not.
 */
export interface RabbitTransport extends Transport {
  /**
   * Agent processes that announced themselves since this delegator connected and have not drained. One
   * that crashed stays listed: the broker tells nobody.
   */
  agentProcesses(): readonly AnnouncedAgentProcess[];
  /**
   * Asks agent process `hostId` to drain, as SIGTERM would: it takes nothing new, finishes what runs,
   * hands back what waits and disconnects (`flotilla agent` then exits). Settles once the broker has
   * the request.
   */
  drainAgentProcess(hostId: string): Promise<void>;
  /**
   * Sets how many tasks of `agentType` the agent processes (all, or `hostId`) run at once, and so their
   * prefetch (capacity plus queue limit). Tasks that have not started go back to the queue meanwhile.
   * Settles once the broker has the request.
   */
  setAgentCapacity(
    agentType: string,
    capacity: number,
    options?: { readonly hostId?: string },
  ): Promise<void>;
}

/** The run command with what the broker needs to know of its task (see `Transport.wantsTaskMetadata`). */
type RunCommand = Extract<HostCommand, { kind: 'run' }>;

/**
 * The RabbitMQ transport: the delegator side of a fleet whose agents are agent processes on any number of
 * machines (`flotilla agent`). The broker balances: each agent type is one durable work queue with
 * priorities, a length bound and a dead-letter exchange, and agent processes compete for it with a
 * prefetch of their capacity plus queue limit. The delegator keeps every other policy (its own priority
 * queue, TTLs, timeouts, retries, dead letters, breakers, rate limits), so `hostCount` is 1: one virtual
 * host, the broker, behind which agent processes come and go.
 *
 * Delivery is at least once: tasks and results are persistent and confirmed, unacknowledged tasks are
 * redelivered after an agent process or a connection dies, and a result for a run that already ended is
 * ignored, so a redelivered task never produces two completed results.
 *
 * @example
 * ```ts
 * const fleet = createFleet({
 *   transport: rabbitmq({ url: 'amqp://guest:guest@127.0.0.1:5672' }),
 *   agents: [{ type: 'summarize', capacity: 100 }], // served by `flotilla agent --type summarize …`
 * });
 * await fleet.ready(); // once an agent process serves every type
 * ```
 */
export function rabbitmq(options: RabbitTransportOptions = {}): RabbitTransport {
  return new RabbitTransportImpl(options);
}

class RabbitTransportImpl implements RabbitTransport {
  readonly name = 'rabbitmq';
  readonly hostCount = 1;
  readonly wantsTaskMetadata = true;
  private readonly topology;
  private readonly id: string;
  private readonly url: string;
  private readonly connection: Connection;
  private readonly maxMessageBytes: number;
  private readonly publishAttempts: number;
  private readonly connectTimeoutMs: number;
  private readonly resultsQueueExpiresMs: number;
  private handlers: TransportHandlers | undefined;
  private publisher: Publisher | undefined;
  private consumer: Consumer | undefined;
  private closed = false;
  /** Types whose `load` has no answer yet → the module asked for. */
  private readonly pendingLoads = new Map<string, string>();
  /** Every load asked for, re-sent to agent processes that load modules when they announce themselves. */
  private readonly loads = new Map<string, string>();
  private readonly declared = new Set<string>();
  private readonly bundler: TaskBundler;
  private readonly announced = new Map<string, AnnouncedAgentProcess>();
  /** Sends a turn's task publishes, and the acks of the result messages it read, in one socket write. */
  private readonly cork: TurnCork;

  constructor(options: RabbitTransportOptions) {
    const { url, client } = connectionOptions(options);
    this.url = url;
    this.topology = resolveTopology(options);
    this.id = options.id ?? randomUUID();
    this.maxMessageBytes = checkInteger('maxMessageBytes', options.maxMessageBytes ?? 16 * 1024 * 1024, 1);
    this.publishAttempts = checkInteger('publishAttempts', options.publishAttempts ?? 20, 1, 1000);
    this.connectTimeoutMs = checkInteger('connectTimeoutMs', options.connectTimeoutMs ?? 10_000, 1);
    this.resultsQueueExpiresMs = checkInteger(
      'resultsQueueExpiresMs',
      options.resultsQueueExpiresMs ?? 60_000,
      1_000,
    );
    this.bundler = new TaskBundler(
      checkInteger('maxTasksPerMessage', options.maxTasksPerMessage ?? 4, 1, 10_000),
      this.maxMessageBytes,
      {
        publish: (agentType, priority, bundle, body, expiresInMs) =>
          this.publishTasks(agentType, priority, bundle, body, expiresInMs),
        refuse: (runId, reason, detail) =>
          this.runFailed(
            runId,
            reason === 'too-large' ? RabbitErrorCode.MessageTooLarge : RabbitErrorCode.PayloadNotCloneable,
            detail,
          ),
      },
      (flush) => setImmediate(flush),
    );
    this.connection = new Connection({
      ...client,
      connectionName: client.connectionName ?? `flotilla delegator ${this.id}`,
    });
    // Connection errors are retried by the client; printing them would leak nothing but noise.
    this.connection.on('error', () => undefined);
    this.cork = new TurnCork(this.connection, (release) => setImmediate(release));
  }

  async start(handlers: TransportHandlers): Promise<void> {
    this.handlers = handlers;
    try {
      await this.connection.onConnect(this.connectTimeoutMs, true);
    } catch (error) {
      this.closed = true; // close() has nothing to wait for: a connection that never opened never closes
      this.connection.close().catch(() => undefined);
      throw this.brokerError('cannot connect to the broker', error);
    }
    const exchanges = exchangeDeclarations(this.topology);
    const deadLetters = deadLetterDeclarations(this.topology);
    for (const exchange of exchanges) await this.connection.exchangeDeclare(exchange);
    for (const queue of deadLetters.queues) await this.connection.queueDeclare(queue);
    for (const binding of deadLetters.bindings) await this.connection.queueBind(binding);
    this.publisher = this.connection.createPublisher({
      confirm: true,
      maxAttempts: this.publishAttempts,
      exchanges,
    });
    this.publisher.on('basic.return', (returned) => this.onReturned(returned));
    const results = resultsQueueDeclaration(this.topology, this.id, this.resultsQueueExpiresMs);
    const consumer = this.connection.createConsumer(
      {
        queue: results.queue.queue,
        queueOptions: results.queue,
        queueBindings: results.bindings,
        exchanges,
        qos: { prefetchCount: 1_000 },
      },
      (message) => {
        this.cork.hold(); // the client acknowledges once this returns
        try {
          this.onMessage(message);
        } catch (error) {
          // Acknowledge anyway: requeueing would replay the message forever. A listener that throws
          // surfaces as it would on worker threads, as an uncaught exception.
          queueMicrotask(() => {
            throw error;
          });
        }
      },
    );
    this.consumer = consumer;
    await whenReady(consumer, 'cannot consume the results queue', this.url);
    consumer.on('error', () => undefined); // from now on, retried by the client
    // Processes that started before this delegator announced themselves to nobody yet.
    this.publishControl('all', { kind: 'announce' });
  }

  send(_host: number, command: HostCommand): void {
    if (this.closed) return;
    switch (command.kind) {
      case 'run':
        this.publishRun(command);
        return;
      case 'run-batch':
        for (let i = 0; i < command.runIds.length; i++) {
          this.publishRun({
            kind: 'run',
            runId: command.runIds[i] as number,
            taskId: command.taskIds[i] as string,
            agentType: command.agentType,
            payload: command.payloads[i],
            attempt: command.attempts[i] as number,
          });
        }
        return;
      case 'cancel':
        this.publishControl('all', {
          kind: 'cancel',
          replyTo: this.id,
          runId: command.runId,
          reason: command.reason,
        });
        return;
      case 'load':
        void this.load(command.agentType, command.module);
        return;
    }
  }

  /** Pauses or resumes the type on every agent process: tasks wait in the broker meanwhile. */
  control(message: { readonly kind: 'pause' | 'resume'; readonly agentType: string }): void {
    if (!this.closed) this.publishControl('all', { kind: message.kind, agentType: message.agentType });
  }

  agentProcesses(): readonly AnnouncedAgentProcess[] {
    return [...this.announced.values()];
  }

  drainAgentProcess(hostId: string): Promise<void> {
    return this.sendControl(`host.${this.announcedHost(hostId)}`, { kind: 'drain' });
  }

  setAgentCapacity(
    agentType: string,
    capacity: number,
    options: { readonly hostId?: string } = {},
  ): Promise<void> {
    checkName('agentType', agentType);
    checkInteger('capacity', capacity, 1, 65_535);
    const to = options.hostId === undefined ? 'all' : `host.${this.announcedHost(options.hostId)}`;
    return this.sendControl(to, { kind: 'capacity', agentType, capacity });
  }

  /** Agent processes are not the delegator's to restart: the broker redelivers what a dead one held. */
  async restartHost(): Promise<void> {}

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.bundler.discard();
    await this.consumer?.close().catch(() => undefined);
    await this.publisher?.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }

  private async load(agentType: string, module: string): Promise<void> {
    this.pendingLoads.set(agentType, module);
    this.loads.set(agentType, module);
    try {
      await this.declareWorkQueue(agentType);
    } catch (error) {
      this.answerLoad({
        kind: 'load-failed',
        agentType,
        error: this.brokerError(`cannot declare the ${agentType} work queue`, error).toJSON(),
      });
      return;
    }
    // Agent processes serving the type answer; one that starts later answers with its hello.
    this.publishControl('all', { kind: 'load', agentType, module, replyTo: this.id });
  }

  private async declareWorkQueue(agentType: string): Promise<void> {
    if (this.declared.has(agentType)) return;
    const declaration = workQueueDeclaration(this.topology, agentType);
    await this.connection.queueDeclare(declaration.queue);
    await this.connection.queueBind(declaration.binding);
    this.declared.add(agentType);
  }

  private publishRun(command: RunCommand & { priority?: number; expiresInMs?: number }): void {
    const expiresInMs = command.expiresInMs;
    if (expiresInMs !== undefined && expiresInMs <= 0) return this.ended(command.runId, 'expired', 'ttl');
    this.bundler.add({
      runId: command.runId,
      taskId: command.taskId,
      agentType: command.agentType,
      payload: command.payload,
      attempt: command.attempt,
      priority: MAX_PRIORITY - (command.priority ?? 2),
      expiresInMs,
    });
  }

  private publishTasks(
    agentType: string,
    priority: number,
    bundle: TaskBundle,
    body: Buffer,
    expiresInMs: number | undefined,
  ): void {
    if (this.closed) return;
    if (this.publisher === undefined) {
      // Sent before start() connected: fail each run here rather than throw inside the bundler's flush.
      for (const runId of bundle.runIds)
        this.runFailed(runId, RabbitErrorCode.BrokerUnavailable, 'the transport is not started');
      return;
    }
    this.cork.hold();
    this.publisher
      .send(
        {
          exchange: this.topology.tasksExchange,
          routingKey: agentType,
          mandatory: true,
          durable: this.topology.persistent,
          contentType: CONTENT_TYPE,
          type: MessageType.Task,
          correlationId: String(bundle.runIds[0]),
          replyTo: this.id,
          priority,
          headers: versionHeaders,
          ...(expiresInMs === undefined ? {} : { expiration: String(Math.ceil(expiresInMs)) }),
        },
        body,
      )
      .catch((error: unknown) => {
        const full = (error as { code?: unknown }).code === 'NACK'; // x-max-length with reject-publish
        const detail = full ? `the ${agentType} work queue is full` : this.redact(describe(error));
        for (const runId of bundle.runIds) {
          if (full) this.ended(runId, 'rejected', detail);
          else this.runFailed(runId, RabbitErrorCode.BrokerUnavailable, detail);
        }
      });
  }

  private announcedHost(hostId: string): string {
    if (!this.announced.has(hostId))
      throw new ConfigError(
        'hostId',
        'name an agent process that announced itself to this delegator',
        hostId,
      );
    return hostId;
  }

  /** A control message the caller waits for: it fails if the broker does not confirm it. */
  private async sendControl(routingKey: string, message: ControlMessage): Promise<void> {
    if (this.closed || this.publisher === undefined)
      throw new FlotillaError(RabbitErrorCode.BrokerUnavailable, 'the transport is not started, or closed');
    try {
      await this.publishControlTo(this.publisher, routingKey, message);
    } catch (error) {
      throw this.brokerError(`cannot send ${message.kind} to the agent processes`, error);
    }
  }

  /** A control message nobody waits for. */
  private publishControl(routingKey: string, message: ControlMessage): void {
    if (this.publisher === undefined) return;
    // A lost cancel only leaves the attempt's slot held until its late answer.
    this.publishControlTo(this.publisher, routingKey, message).catch(() => undefined);
  }

  private publishControlTo(publisher: Publisher, routingKey: string, message: ControlMessage) {
    return publisher.send(
      {
        exchange: this.topology.controlExchange,
        routingKey,
        contentType: CONTENT_TYPE,
        type: MessageType.Control,
        headers: versionHeaders,
      },
      encode(message),
    );
  }

  private onMessage(message: AsyncMessage): void {
    if (this.closed) return;
    if (message.type === MessageType.Task) return this.onDeadLetter(message);
    const decoded = decode(message, Number.MAX_SAFE_INTEGER);
    if (!decoded.ok) return; // not ours to read; nothing in a results queue is worth crashing for
    if (message.type === MessageType.Events) {
      for (const event of decoded.value as HostEvent[]) {
        if (event.kind === 'loaded' || event.kind === 'load-failed') this.answerLoad(event);
        else this.handlers?.onEvent(0, event);
      }
    } else if (message.type === MessageType.Hello) {
      const hello = decoded.value as HelloBody;
      if (typeof hello.hostId !== 'string' || !Array.isArray(hello.agentTypes)) return;
      if (hello.leaving === true) this.announced.delete(hello.hostId);
      else this.announced.set(hello.hostId, { hostId: hello.hostId, agentTypes: hello.agentTypes });
      for (const agentType of hello.agentTypes)
        if (this.pendingLoads.has(agentType)) this.answerLoad({ kind: 'loaded', agentType });
      if (hello.loadsModules) {
        for (const [agentType, module] of this.loads)
          this.publishControl(`host.${hello.hostId}`, { kind: 'load', agentType, module, replyTo: this.id });
      }
    }
  }

  /** A task of ours came back through the dead-letter exchange: expired, refused by an agent, or over-delivered. */
  private onDeadLetter(message: AsyncMessage): void {
    if (message.replyTo !== this.id) return;
    const headers = message.headers ?? {};
    const own = headers[REASON_HEADER];
    const reason = typeof own === 'string' ? own : String(headers['x-first-death-reason'] ?? 'unknown');
    for (const runId of runIdsOf(message, Number.MAX_SAFE_INTEGER)) {
      if (reason === 'expired') this.ended(runId, 'expired', 'ttl');
      else this.runFailed(runId, RabbitErrorCode.DeadLettered, `dead-lettered by the broker: ${reason}`);
    }
  }

  private onReturned(returned: ReturnedMessage): void {
    for (const runId of runIdsOf(returned, Number.MAX_SAFE_INTEGER))
      this.runFailed(
        runId,
        HostErrorCode.UnknownType,
        `no work queue for agent type "${returned.routingKey}"`,
      );
  }

  private answerLoad(event: Extract<HostEvent, { kind: 'loaded' | 'load-failed' }>): void {
    if (!this.pendingLoads.delete(event.agentType)) return; // answered already (one answer per load)
    this.handlers?.onEvent(0, event);
  }

  private runFailed(runId: number, code: string, message: string): void {
    const error: SerializedError = { name: 'FlotillaError', code, message };
    queueMicrotask(() => {
      if (!this.closed) this.handlers?.onEvent(0, { kind: 'failed', runId, error });
    });
  }

  private ended(runId: number, outcome: 'expired' | 'rejected', message: string): void {
    queueMicrotask(() => {
      if (!this.closed) this.handlers?.onEvent(0, { kind: 'ended', runId, outcome, message });
    });
  }

  private redact(text: string): string {
    return redactText(text, this.url);
  }

  private brokerError(what: string, error: unknown): FlotillaError {
    return new FlotillaError(RabbitErrorCode.BrokerUnavailable, this.redact(`${what}: ${describe(error)}`));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
