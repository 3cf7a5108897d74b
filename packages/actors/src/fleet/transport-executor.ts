import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { priorityLevel, type SerializedError } from '@flotilla/core';
import type { AgentPool } from '../delegation/agent-pool.js';
import type { AttemptExecutor, DelegatedAgentBase } from '../delegation/delegated.js';
import type { Delegation } from '../delegation/delegation.js';
import type { HostEvent } from '../protocol/messages.js';
import { inMemoryTransport } from '../transport/in-memory.js';

type InMemoryTransport = ReturnType<typeof inMemoryTransport>;
import { sendRun, type Transport, type TransportHandlers } from '../transport/transport.js';
import { workerThreadsTransport } from '../transport/worker-threads.js';
import type { FleetOptions, ResolvedAgentType } from './options.js';
import type { FleetTask } from './task-handle.js';

/** @internal Everything the fleet tracks about one submitted task: its handle is its record. */
export type TaskRecord = FleetTask;

/** @internal A runtime agent: a delegated agent on a host, reached through a transport. */
export interface AgentRecord extends DelegatedAgentBase {
  readonly host: number;
  /** The transport that reaches its host (kept here so the per-task path needs no lookup). */
  readonly transport: Transport;
}

/** What the executor tells the fleet about hosts. */
export interface HostListener {
  /** Agent code of `agentType` failed to load on a host. */
  loadFailed(agentType: string, error: SerializedError): void;
  /** Agents finished loading: check whether the fleet is ready. */
  loadedSome(): void;
  /** True once the fleet closed: a dead host is not restarted. */
  closed(): boolean;
}

/**
 * Runs attempts on real agents: module agents in worker threads (or another transport, e.g. RabbitMQ),
 * handler agents in-process. Spreads agents over hosts, loads agent modules on each host (again after a
 * host restarts), and turns transport events into the delegation's `completed`, `failed`, `released`
 * and lost-host calls.
 */
export class TransportExecutor implements AttemptExecutor<TaskRecord, AgentRecord> {
  readonly workerTransport: Transport | undefined;
  readonly localTransport: InMemoryTransport | undefined;
  /** `${transportName}/${host}/${type}` whose module is loaded. */
  private readonly loaded = new Set<string>();
  private delegation!: Delegation<TaskRecord, AgentRecord>;
  private nextAgent = 0;

  constructor(
    private readonly types: readonly ResolvedAgentType[],
    options: FleetOptions,
    private readonly listener: HostListener,
  ) {
    this.workerTransport = types.some((t) => t.handler === undefined)
      ? (options.transport ??
        workerThreadsTransport(options.threads === undefined ? {} : { threads: options.threads }))
      : undefined;
    this.localTransport = types.some((t) => t.handler !== undefined) ? inMemoryTransport() : undefined;
    for (const t of types) if (t.handler !== undefined) this.localTransport?.register(t.type, t.handler);
  }

  /** Starts the transports and loads every module on every host. */
  async start(delegation: Delegation<TaskRecord, AgentRecord>): Promise<void> {
    this.delegation = delegation;
    if (this.localTransport !== undefined)
      await this.localTransport.start(this.handlers(this.localTransport));
    const workers = this.workerTransport;
    if (workers !== undefined) {
      await workers.start(this.handlers(workers));
      for (let host = 0; host < workers.hostCount; host++) this.loadModules(workers, host);
    }
  }

  async close(): Promise<void> {
    await Promise.all([this.workerTransport?.close(), this.localTransport?.close()]);
  }

  createAgent(base: DelegatedAgentBase, pool: AgentPool<TaskRecord, AgentRecord>): AgentRecord {
    const spec = this.types.find((t) => t.type === pool.spec.type) as ResolvedAgentType;
    const transport = (spec.handler === undefined ? this.workerTransport : this.localTransport) as Transport;
    const host = ++this.nextAgent % transport.hostCount;
    return { ...base, host, transport };
  }

  isLoaded(agent: AgentRecord): boolean {
    return (
      agent.transport === this.localTransport ||
      this.loaded.has(this.key(agent.transport, agent.host, agent.type))
    );
  }

  run(record: TaskRecord, agent: AgentRecord, runId: number): void {
    const task = record.task;
    if (agent.transport.wantsTaskMetadata === true) return this.runWithMetadata(record, agent, runId);
    sendRun(agent.transport, agent.host, runId, task.id, record.key, task.type, task.payload, task.attempt);
  }

  /** A broker queues the task itself: it needs the priority to order it and the TTL left to expire it. */
  private runWithMetadata(record: TaskRecord, agent: AgentRecord, runId: number): void {
    const task = record.task;
    const ttlMs = task.ttlMs;
    agent.transport.send(agent.host, {
      kind: 'run',
      runId,
      taskId: task.id,
      agentType: task.type,
      payload: task.payload,
      attempt: task.attempt,
      priority: priorityLevel(task.priority),
      ...(ttlMs === undefined ? {} : { expiresInMs: task.createdAt + ttlMs - this.delegation.clock.now() }),
    });
  }

  abort(agent: AgentRecord, runId: number, reason: 'timeout' | 'cancelled'): void {
    agent.transport.send(agent.host, { kind: 'cancel', runId, reason });
  }

  private handlers(transport: Transport): TransportHandlers {
    return {
      onEvent: (host, event) => this.onEvent(transport, host, event),
      onHostExit: (host, error) => this.onHostExit(transport, host, error),
    };
  }

  private onEvent(transport: Transport, host: number, event: HostEvent): void {
    const delegation = this.delegation;
    switch (event.kind) {
      case 'done':
        delegation.completed(event.runId, event.value);
        return;
      case 'done-batch': {
        const nowMs = delegation.clock.now(); // the whole batch arrived at this instant
        for (let i = 0; i < event.runIds.length; i++)
          delegation.completed(event.runIds[i] as number, event.values[i], nowMs);
        return;
      }
      case 'failed':
        delegation.failed(event.runId, event.error);
        return;
      case 'ended': {
        const attempts = delegation.runs.get(event.runId)?.task.attempt ?? 0;
        delegation.ended(
          event.runId,
          event.outcome === 'expired'
            ? { kind: 'expired', phase: 'waiting', attempts }
            : { kind: 'rejected', reason: 'backpressure', message: event.message },
        );
        return;
      }
      case 'progress':
        delegation.runs
          .get(event.runId)
          ?.emit(
            'progress',
            event.message === undefined
              ? { fraction: event.fraction }
              : { fraction: event.fraction, message: event.message },
          );
        return;
      case 'loaded':
        this.loaded.add(this.key(transport, host, event.agentType));
        delegation.roster.loaded(
          (a) => a.transport === transport && a.host === host && a.type === event.agentType,
        );
        this.listener.loadedSome();
        return;
      case 'load-failed': {
        this.listener.loadFailed(event.agentType, event.error);
        const onHost = this.agentsOn(transport, host).filter((a) => a.type === event.agentType);
        delegation.roster.abandon(onHost, event.error);
        return;
      }
    }
  }

  private onHostExit(transport: Transport, host: number, error: SerializedError): void {
    const prefix = `${transport.name}/${host}/`;
    for (const key of [...this.loaded]) if (key.startsWith(prefix)) this.loaded.delete(key);
    const onHost = this.agentsOn(transport, host);
    const roster = this.delegation.roster;
    if (this.listener.closed()) {
      roster.giveUp(onHost);
      return;
    }
    if (roster.crashed(onHost, error, `${transport.name} host ${host}`) === 'escalate') return;
    void transport.restartHost(host).then(() => this.loadModules(transport, host));
  }

  private loadModules(transport: Transport, host: number): void {
    for (const t of this.types) {
      // A remote type (no module) is served by whatever module its agent processes were started with.
      if (t.handler === undefined)
        transport.send(host, {
          kind: 'load',
          agentType: t.type,
          module: t.module === undefined ? '' : moduleUrl(t.module),
        });
    }
  }

  private agentsOn(transport: Transport, host: number): AgentRecord[] {
    return [...this.delegation.roster.agents.values()].filter(
      (a) => a.transport === transport && a.host === host,
    );
  }

  private key(transport: Transport, host: number, type: string): string {
    return `${transport.name}/${host}/${type}`;
  }
}

function moduleUrl(module: string): string {
  return /^[a-z]+:/i.test(module) ? module : pathToFileURL(resolve(process.cwd(), module)).href;
}
