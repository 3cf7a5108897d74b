import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import {
  Connection,
  ConsumerStatus,
  type AsyncMessage,
  type Consumer,
  type Publisher,
} from 'rabbitmq-client';
import { checkInteger, checkName, ConfigError, FlotillaError, systemClock } from '@flotilla/core';
import { AgentHost, HostErrorCode, serializeError } from '../host/agent-host.js';
import type { TaskHandler } from '../host/handler.js';
import type { HostEvent } from '../protocol/messages.js';
import { connectionOptions, redactText, whenReady, type BrokerOptions } from './connection-options.js';
import {
  deadLetterDeclarations,
  exchangeDeclarations,
  MAX_PRIORITY,
  REASON_HEADER,
  resolveTopology,
  workQueueDeclaration,
  type Topology,
  type TopologyOptions,
} from './topology.js';
import {
  CONTENT_TYPE,
  decode,
  decodeTasks,
  encode,
  MessageType,
  unserializableResult,
  versionHeaders,
  type ControlMessage,
  type HelloBody,
} from './wire.js';
import { CancelledRuns } from './cancelled-runs.js';
import { DeliveredMessage, TaskGate } from './task-gate.js';
import { TurnCork } from './turn-cork.js';
import { WorkConsumer, type WorkConsumerTiming } from './work-consumer.js';

/** One agent type an agent process serves. */
export interface ServedAgentType {
  readonly type: string;
  /** Path or file: URL of a module whose default export is the handler. */
  readonly module?: string;
  /** Or an in-process handler. */
  readonly handler?: TaskHandler;
  /** Tasks run at once. Default 1. */
  readonly capacity?: number;
  /**
   * Task messages held beyond capacity (prefetch = capacity + queueLimit). Default 0. A message may carry
   * several tasks (the delegator's `maxTasksPerMessage`); at most `capacity` of them run at once.
   */
  readonly queueLimit?: number;
}

/** Options of {@link startAgentProcess}. */
export interface AgentProcessOptions extends BrokerOptions, TopologyOptions {
  readonly agents?: readonly ServedAgentType[];
  /**
   * Also load the modules delegators ask for (a fleet's `agents[].module`) and serve those types. Default:
   * true when `agents` is empty, false otherwise.
   */
  readonly loadsModules?: boolean;
  /** Capacity of types loaded on request. Default 1. */
  readonly defaultCapacity?: number;
  /** This process's id on the broker. Default: random. */
  readonly hostId?: string;
  /** Largest task message accepted, bytes; larger ones are dead-lettered as poison. Default 16 MiB. */
  readonly maxMessageBytes?: number;
  /** How long `startAgentProcess` waits for the broker, ms. Default 10,000. */
  readonly connectTimeoutMs?: number;
}

/** A running agent process: see {@link startAgentProcess}. */
export interface AgentProcess {
  readonly hostId: string;
  /** Types served now. */
  readonly agentTypes: readonly string[];
  /** Counts since start: tasks finished, and poison messages dead-lettered. */
  readonly stats: { readonly completed: number; readonly failed: number; readonly poison: number };
  /** Graceful stop: takes nothing new, finishes (and acknowledges) what runs, hands back what waits, then disconnects. */
  drain(): Promise<void>;
  /** Settles once the process has drained, whether `drain()` was called here or a delegator asked for it. */
  readonly drained: Promise<void>;
}

/** A task an agent process received, from its arrival to its confirmed answer. */
interface ReceivedRun {
  readonly replyTo: string;
  readonly runId: number;
  readonly taskId: string;
  readonly attempt: number;
  readonly payload: unknown;
  readonly agentType: string;
  readonly message: DeliveredMessage;
  /** The connection it was delivered on (see `connections`). */
  readonly connection: number;
}

/**
 * Serves agent types from the broker: one consumer per type on its work queue, with a prefetch of capacity
 * plus queue limit (in messages) and at most `capacity` handlers at once (in tasks); results go back to each task's delegator,
 * batched per turn of the event loop, and a task message is acknowledged only once the results of all its tasks
 * are confirmed by the broker. A message that cannot be read (unparseable, another protocol version, over the size limit) is
 * dead-lettered with its reason, and the consumer goes on. Reconnects and resubscribes on its own.
 *
 * @example
 * ```ts
 * const agents = await startAgentProcess({
 *   url: 'amqp://127.0.0.1:5672',
 *   agents: [{ type: 'summarize', module: './agents/summarize.js', capacity: 8 }],
 * });
 * process.on('SIGTERM', () => void agents.drain());
 * ```
 */
export async function startAgentProcess(options: AgentProcessOptions): Promise<AgentProcess> {
  const agentProcess = new AgentProcessImpl(options);
  try {
    await agentProcess.start();
  } catch (error) {
    agentProcess.abandon(); // leave no connection behind
    throw error;
  }
  return agentProcess;
}

class AgentProcessImpl implements AgentProcess {
  readonly hostId: string;
  readonly stats = { completed: 0, failed: 0, poison: 0 };
  private readonly topology: Topology;
  private readonly url: string;
  private readonly connection: Connection;
  private readonly host: AgentHost;
  private readonly consumers = new Map<string, WorkConsumer>();
  private readonly served: ServedAgentType[];
  private readonly loadsModules: boolean;
  private readonly defaultCapacity: number;
  private readonly maxMessageBytes: number;
  private readonly connectTimeoutMs: number;
  private readonly publisher: Publisher;
  private control: Consumer | undefined;
  /** Runs in this process, by a local id: two delegators may both have a run 7. */
  private readonly pending = new Map<number, ReceivedRun>();
  private nextLocalId = 1;
  private readonly cancelled = new CancelledRuns(10_000);
  /** Events per delegator waiting for this turn's batch, with the runs each batch acknowledges. */
  private outbox = new Map<string, { events: HostEvent[]; runs: ReceivedRun[] }>();
  private flushScheduled = false;
  private draining = false;
  /** Types paused by a delegator: their consumer is closed until `resume`. */
  private readonly paused = new Set<string>();
  private readonly consumerSettings = new Map<string, { capacity: number; queueLimit: number }>();
  /** Per type: the tasks running and waiting in this process. */
  private readonly gates = new Map<string, TaskGate<ReceivedRun>>();
  /** Per type: the last pause, resume or resize, so that each starts after the one before has finished. */
  private readonly typeChanges = new Map<string, Promise<void>>();
  readonly drained: Promise<void>;
  private markDrained!: () => void;
  /** Counts connection losses and reconnects: a message delivered on an earlier one cannot be acknowledged. */
  private connections = 0;
  /** Sends a turn's result publishes, and the acks their confirms release, in one socket write. */
  private readonly cork: TurnCork;
  private readonly consumerTiming: WorkConsumerTiming;

  constructor(options: AgentProcessOptions) {
    const { url, client } = connectionOptions(options);
    this.url = url;
    this.topology = resolveTopology(options);
    this.hostId = checkName('hostId', options.hostId ?? randomUUID());
    this.served = (options.agents ?? []).map(checkServed);
    this.loadsModules = options.loadsModules ?? this.served.length === 0;
    this.defaultCapacity = checkInteger('defaultCapacity', options.defaultCapacity ?? 1, 1);
    this.maxMessageBytes = checkInteger('maxMessageBytes', options.maxMessageBytes ?? 16 * 1024 * 1024, 1);
    this.connectTimeoutMs = checkInteger('connectTimeoutMs', options.connectTimeoutMs ?? 10_000, 1);
    this.connection = new Connection({ ...client, connectionName: `flotilla agent ${this.hostId}` });
    // The client reconnects with backoff. Either event means the channels, and so every delivery not yet
    // acknowledged, are gone: the broker redelivers those messages, so their tasks must not start here.
    this.connection.on('error', () => this.forgetDeliveries());
    this.connection.on('connection', () => this.forgetDeliveries());
    this.cork = new TurnCork(this.connection, (release) => setImmediate(release));
    this.consumerTiming = {
      clock: systemClock,
      // A turn's acks leave with its other writes, in the same socket write.
      atTurnEnd: (flush) => this.cork.atRelease(flush),
      retryLowMs: client.retryLow ?? 250,
      retryHighMs: client.retryHigh ?? 5_000,
    };
    const deadLetters = deadLetterDeclarations(this.topology);
    // Lazy: its channel opens (and declares) at the first publish, and again after every reconnect.
    this.publisher = this.connection.createPublisher({
      confirm: true,
      maxAttempts: 20,
      exchanges: exchangeDeclarations(this.topology),
      queues: deadLetters.queues,
      queueBindings: deadLetters.bindings,
    });
    this.host = new AgentHost(
      (event) => this.onHostEvent(event),
      (specifier) => import(specifier),
    );
    this.drained = new Promise((resolve) => (this.markDrained = resolve));
  }

  get agentTypes(): readonly string[] {
    return [...this.consumers.keys()];
  }

  async start(): Promise<void> {
    try {
      await this.connection.onConnect(this.connectTimeoutMs, true);
    } catch (error) {
      this.connection.close().catch(() => undefined);
      throw new FlotillaError(
        'FLOTILLA_BROKER_UNAVAILABLE',
        redactText(`cannot connect to the broker: ${describe(error)}`, this.url),
      );
    }
    const exchanges = exchangeDeclarations(this.topology);
    for (const agent of this.served) {
      const handler = agent.handler ?? (await loadHandler(agent.module as string));
      this.host.register(agent.type, handler);
      await this.consume(agent.type, agent.capacity ?? 1, agent.queueLimit ?? 0);
    }
    const controlQueue = `${this.topology.prefix}.control.${this.hostId}`;
    this.control = this.connection.createConsumer(
      {
        queue: controlQueue,
        queueOptions: { queue: controlQueue, exclusive: true, autoDelete: true },
        queueBindings: [
          { queue: controlQueue, exchange: this.topology.controlExchange, routingKey: 'all' },
          { queue: controlQueue, exchange: this.topology.controlExchange, routingKey: `host.${this.hostId}` },
        ],
        exchanges,
        noAck: true,
      },
      (message) => this.onControl(message),
    );
    const control = this.control;
    await whenReady(control, 'cannot consume the control queue', this.url);
    control.on('error', () => undefined); // from now on, retried by the client
    // Announce on every (re)connection: a delegator waiting for these types counts them as loaded.
    control.on('ready', () => void this.hello());
    void this.hello();
  }

  async drain(): Promise<void> {
    if (this.draining) return this.drained;
    this.draining = true;
    try {
      // Closing a consumer waits for the messages it handed over; those not started go back to the queue.
      const closed = [...this.consumers.values()].map((c) => c.close()); // closing twice is harmless
      for (const gate of this.gates.values()) gate.close();
      await Promise.all(closed);
      await this.control?.close();
      this.flush();
      await this.hello(true);
      await this.publisher.close();
      await this.connection.close();
    } finally {
      // Also after a failed close: whoever waits (the CLI, to exit) must not wait forever.
      this.markDrained();
    }
  }

  /** After a failed start: closes everything without waiting (a connection that never opened never closes). */
  abandon(): void {
    this.draining = true;
    this.markDrained();
    for (const consumer of this.consumers.values()) consumer.close().catch(() => undefined);
    this.control?.close().catch(() => undefined);
    this.publisher.close().catch(() => undefined);
    this.connection.close().catch(() => undefined);
  }

  private async consume(agentType: string, capacity: number, queueLimit: number): Promise<void> {
    this.consumerSettings.set(agentType, { capacity, queueLimit });
    const gate = this.gates.get(agentType);
    if (gate === undefined)
      this.gates.set(agentType, new TaskGate(capacity, (run) => this.startRun(run), MAX_PRIORITY));
    else gate.reopen();
    const declaration = workQueueDeclaration(this.topology, agentType);
    // Every prefetched message is handed over at once; the type's gate bounds the tasks running.
    const consumer = new WorkConsumer(
      this.connection,
      {
        queue: declaration.queue.queue,
        queueOptions: declaration.queue,
        queueBindings: [declaration.binding],
        exchanges: exchangeDeclarations(this.topology),
        prefetchCount: capacity + queueLimit,
      },
      (message) => this.onTask(agentType, message),
      this.consumerTiming,
    );
    this.consumers.set(agentType, consumer);
    try {
      await whenReady(consumer, `cannot consume the ${agentType} work queue`, this.url);
    } catch (error) {
      this.consumers.delete(agentType);
      await consumer.close().catch(() => undefined);
      throw error;
    }
    consumer.on('error', () => undefined); // from now on, retried by the client
  }

  private async onTask(agentType: string, message: AsyncMessage): Promise<ConsumerStatus> {
    const decoded = decodeTasks(message, this.maxMessageBytes);
    if (!decoded.ok) {
      await this.deadLetter(message, `${decoded.reason}: ${decoded.detail}`);
      return ConsumerStatus.ACK; // moved to the dead-letter queue, with its reason
    }
    const replyTo = message.replyTo ?? '';
    const { runIds, taskIds, attempts, payloads } = decoded.value;
    return new Promise<ConsumerStatus>((finish) => {
      const delivered = new DeliveredMessage(runIds.length, finish);
      const runs: ReceivedRun[] = [];
      for (let i = 0; i < runIds.length; i++) {
        runs.push({
          replyTo,
          runId: runIds[i] as number,
          taskId: taskIds[i] as string,
          attempt: attempts[i] as number,
          payload: payloads[i],
          agentType,
          message: delivered,
          connection: this.connections,
        });
      }
      (this.gates.get(agentType) as TaskGate<ReceivedRun>).offer(runs, message.priority ?? 0);
    });
  }

  /**
   * The connection dropped or came back: every message delivered before is on a closed channel. Its tasks
   * that have not started are dropped (the broker redelivers the message), and the message ends at once
   * (its acknowledgement is moot: nothing is sent on a closed channel), so that `close()` need not wait.
   */
  private forgetDeliveries(): void {
    const before = this.connections++;
    for (const gate of this.gates.values())
      for (const run of gate.withdraw((waiting) => waiting.connection <= before)) run.message.handBack();
    // Those running finish and answer their delegators; their message need not wait for them.
    for (const run of this.pending.values()) if (run.connection <= before) run.message.handBack();
  }

  /** The gate gave `run` a slot. */
  private startRun(run: ReceivedRun): void {
    if (this.cancelled.has(run.replyTo, run.runId)) {
      // Cancelled (or timed out) before it arrived: answer so the delegator frees the slot, but do not run it.
      this.answerNotStarted(run);
      queueMicrotask(() => this.gates.get(run.agentType)?.done());
      return;
    }
    const localId = this.nextLocalId++;
    this.pending.set(localId, run);
    this.host.handle({
      kind: 'run',
      runId: localId,
      taskId: run.taskId,
      agentType: run.agentType,
      payload: run.payload,
      attempt: run.attempt,
    });
  }

  /** A cancelled task that never started: its answer lets the delegator free the slot it holds. */
  private answerNotStarted(run: ReceivedRun): void {
    this.stats.failed++;
    this.queueEvent(run, {
      kind: 'failed',
      runId: run.runId,
      error: abortedError('cancelled before it started'),
    });
  }

  private onHostEvent(event: HostEvent): void {
    if (event.kind !== 'done' && event.kind !== 'failed' && event.kind !== 'progress') return;
    const run = this.pending.get(event.runId);
    if (run === undefined) return;
    if (event.kind === 'progress') {
      this.queueEvent(undefined, { ...event, runId: run.runId }, run.replyTo);
      return;
    }
    this.pending.delete(event.runId);
    this.gates.get(run.agentType)?.done();
    if (event.kind === 'done') this.stats.completed++;
    else this.stats.failed++;
    this.queueEvent(run, { ...event, runId: run.runId });
  }

  private onControl(message: AsyncMessage): void {
    const decoded = decode(message, this.maxMessageBytes);
    if (!decoded.ok || message.type !== MessageType.Control) return;
    const control = decoded.value as ControlMessage;
    if (control.kind === 'cancel') {
      this.cancelled.add(control.replyTo, control.runId);
      for (const [localId, run] of this.pending)
        if (run.replyTo === control.replyTo && run.runId === control.runId)
          this.host.handle({ kind: 'cancel', runId: localId, reason: control.reason });
      // Waiting behind its siblings: answer now, so the delegator frees its slot without waiting for one here.
      for (const gate of this.gates.values()) {
        const waiting = gate.withdraw(
          (run) => run.replyTo === control.replyTo && run.runId === control.runId,
        );
        for (const run of waiting) this.answerNotStarted(run);
      }
    } else if (control.kind === 'load') {
      void this.loadOnRequest(control);
    } else if (control.kind === 'announce') {
      void this.hello();
    } else if (control.kind === 'drain') {
      this.drain().catch(() => undefined); // `drained` settles either way
    } else if (control.kind === 'capacity') {
      this.changeType(control.agentType, () => this.resize(control.agentType, control.capacity));
    } else {
      this.changeType(control.agentType, () => this.setPaused(control.agentType, control.kind === 'pause'));
    }
  }

  /**
   * Runs `change` once the type's previous pause, resume or resize has finished: each closes or opens
   * the type's consumer, and two interleaved would leave the wrong one open.
   */
  private changeType(agentType: string, change: () => Promise<void>): void {
    const previous = this.typeChanges.get(agentType) ?? Promise.resolve();
    const next = previous.then(change).catch(() => undefined);
    this.typeChanges.set(agentType, next);
  }

  /**
   * A delegator set the type's capacity. The consumer is opened again with the new prefetch (capacity
   * plus queue limit), as a resume would: what has not started goes back to the queue meanwhile.
   */
  private async resize(agentType: string, capacity: number): Promise<void> {
    const settings = this.consumerSettings.get(agentType);
    if (settings === undefined || this.draining) return;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 65_535) return; // not from a delegator of ours
    if (capacity === settings.capacity) return;
    this.consumerSettings.set(agentType, { ...settings, capacity });
    this.gates.get(agentType)?.resize(capacity);
    if (this.paused.has(agentType)) return; // resume opens it with the new settings
    await this.setPaused(agentType, true);
    await this.setPaused(agentType, false);
  }

  /**
   * Pausing closes the type's consumer: what runs finishes and is acknowledged, what was prefetched goes
   * back to the queue for whoever is still consuming. Resuming opens it again with the same settings.
   */
  private async setPaused(agentType: string, paused: boolean): Promise<void> {
    const consumer = this.consumers.get(agentType);
    if (consumer === undefined || this.draining) return;
    const settings = this.consumerSettings.get(agentType);
    if (paused && !this.paused.has(agentType)) {
      this.paused.add(agentType);
      const closed = consumer.close();
      this.gates.get(agentType)?.close();
      await closed.catch(() => undefined);
    } else if (!paused && this.paused.delete(agentType) && settings !== undefined) {
      await this.consume(agentType, settings.capacity, settings.queueLimit).catch(() => undefined);
    }
  }

  private async loadOnRequest(control: Extract<ControlMessage, { kind: 'load' }>): Promise<void> {
    const { agentType, module, replyTo } = control;
    const answer = (event: HostEvent): void => this.queueEvent(undefined, event, replyTo);
    if (this.consumers.has(agentType)) return answer({ kind: 'loaded', agentType });
    if (!this.loadsModules || this.draining || module === '') return; // not ours: another process may serve it
    try {
      this.host.register(agentType, await loadHandler(module));
      if (!this.consumers.has(agentType)) await this.consume(agentType, this.defaultCapacity, 0);
      answer({ kind: 'loaded', agentType });
    } catch (error) {
      const serialized = serializeError(error, HostErrorCode.LoadFailed);
      answer({
        kind: 'load-failed',
        agentType,
        error: {
          ...serialized,
          code: HostErrorCode.LoadFailed,
          message: `cannot load ${module}: ${serialized.message}`,
        },
      });
    }
  }

  private hello(leaving = false): Promise<void> {
    const hello: HelloBody = {
      hostId: this.hostId,
      agentTypes: leaving ? [] : this.agentTypes,
      loadsModules: this.loadsModules,
      ...(leaving ? { leaving } : {}),
    };
    return this.publisher
      .send(
        {
          exchange: this.topology.controlExchange,
          routingKey: 'hello',
          contentType: CONTENT_TYPE,
          type: MessageType.Hello,
          headers: versionHeaders,
        },
        encode(hello),
      )
      .then(
        () => undefined,
        () => undefined,
      );
  }

  /** Adds an event to this turn's batch for its delegator; `run` is acknowledged once the batch is confirmed. */
  private queueEvent(run: ReceivedRun | undefined, event: HostEvent, replyTo = run?.replyTo ?? ''): void {
    let batch = this.outbox.get(replyTo);
    if (batch === undefined) this.outbox.set(replyTo, (batch = { events: [], runs: [] }));
    batch.events.push(event);
    if (run !== undefined) batch.runs.push(run);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // A whole turn of the event loop, not a microtask: the client hands each delivery over in its own
      // promise chain, so a microtask batch holds one or two results; a turn holds everything that
      // arrived in one socket read (about 1.7× the throughput with transient messages).
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const outbox = this.outbox;
    this.outbox = new Map();
    if (outbox.size > 0) this.cork.hold();
    for (const [replyTo, { events, runs }] of outbox) {
      this.publisher
        .send(
          {
            exchange: this.topology.resultsExchange,
            routingKey: replyTo,
            durable: this.topology.persistent,
            contentType: CONTENT_TYPE,
            type: MessageType.Events,
            headers: versionHeaders,
          },
          encodeEvents(events),
        )
        .then(
          () => {
            this.cork.hold(); // the acks these answers release, written a few microtasks from now
            runs.forEach((run) => run.message.answered(true));
          },
          // Not confirmed: hand the tasks back; a redelivery's duplicate result is ignored by its delegator.
          () => runs.forEach((run) => run.message.answered(false)),
        );
    }
  }

  /** Publishes `message` to the dead-letter exchange with `reason`, keeping its properties for inspection. */
  private async deadLetter(message: AsyncMessage, reason: string): Promise<void> {
    this.stats.poison++;
    await this.publisher.send(
      {
        exchange: this.topology.deadLetterExchange,
        routingKey: message.routingKey,
        durable: true,
        ...(message.contentType === undefined ? {} : { contentType: message.contentType }),
        ...(message.correlationId === undefined ? {} : { correlationId: message.correlationId }),
        ...(message.replyTo === undefined ? {} : { replyTo: message.replyTo }),
        type: MessageType.Task,
        headers: { ...message.headers, [REASON_HEADER]: reason, 'x-flotilla-host': this.hostId },
      },
      Buffer.isBuffer(message.body) ? message.body : Buffer.from(String(message.body)),
    );
  }
}

function encodeEvents(events: HostEvent[]): Buffer {
  try {
    return encode(events);
  } catch {
    // One result that cannot be cloned must not sink the batch it travels in.
    return encode(
      events.map((event) => {
        try {
          encode(event);
          return event;
        } catch (error) {
          return event.kind === 'done' ? unserializableResult(event.runId, error) : event;
        }
      }),
    );
  }
}

function abortedError(message: string) {
  return { name: 'FlotillaError', code: 'FLOTILLA_ABORTED', message };
}

async function loadHandler(specifier: string): Promise<TaskHandler> {
  const url = /^[a-z]+:/i.test(specifier) ? specifier : pathToFileURL(resolve(specifier)).href;
  const module = (await import(url)) as { default?: unknown };
  if (typeof module.default !== 'function')
    throw new FlotillaError(HostErrorCode.LoadFailed, `${specifier} has no default-exported function`);
  return module.default as TaskHandler;
}

function checkServed(agent: ServedAgentType, index: number): ServedAgentType {
  const at = (field: string) => `agents[${index}].${field}`;
  checkName(at('type'), agent.type);
  if ((agent.module === undefined) === (agent.handler === undefined))
    throw new ConfigError(at('module'), 'be set, or else handler, but not both', agent.module);
  if (agent.capacity !== undefined) checkInteger(at('capacity'), agent.capacity, 1, 65_535);
  if (agent.queueLimit !== undefined) checkInteger(at('queueLimit'), agent.queueLimit, 0, 65_535);
  return agent;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
