import { FlotillaError, isFlotillaError, type SerializedError } from '@flotilla/core';
import type { HostEvent, WireCommand } from '../protocol/messages.js';
import { taskIdFromWire, type WireTaskId } from '../protocol/task-ids.js';
import type { TaskContext, TaskHandler } from './handler.js';

/** Error codes a host reports for a task. */
export const HostErrorCode = {
  /** The handler threw or its promise rejected. */
  HandlerFailed: 'FLOTILLA_HANDLER_FAILED',
  /** No handler is loaded for the task's agent type. */
  UnknownType: 'FLOTILLA_UNKNOWN_AGENT_TYPE',
  /** The agent module could not be imported or has no default-exported function. */
  LoadFailed: 'FLOTILLA_AGENT_LOAD_FAILED',
  /** The handler's result cannot be structured-cloned across the thread boundary. */
  ResultNotCloneable: 'FLOTILLA_RESULT_NOT_CLONEABLE',
} as const;

/** Turns anything a handler threw into the serializable form that crosses the boundary. */
export function serializeError(error: unknown, code: string = HostErrorCode.HandlerFailed): SerializedError {
  if (isFlotillaError(error)) return error.toJSON();
  if (error instanceof Error) {
    const own = (error as { code?: unknown }).code;
    return { name: error.name, code: typeof own === 'string' ? own : code, message: error.message };
  }
  return { name: 'Error', code, message: String(error) };
}

/**
 * Runs tasks for the agent types loaded into it. The same code serves a worker thread (behind the
 * worker_threads transport) and the main thread (behind the in-memory transport), so both behave alike.
 * It enforces nothing about capacity or time: the delegator decides what runs where and when it is
 * cancelled; the host only runs, reports and aborts.
 */
export class AgentHost {
  private readonly handlers = new Map<string, TaskHandler>();
  private readonly running = new Map<number, RunContext>();

  constructor(
    private readonly emit: (event: HostEvent) => void,
    private readonly loadModule: (specifier: string) => Promise<unknown>,
    /**
     * Reports a result; by default as a `done` event through `emit`. A worker passes a function that
     * appends to an open `done-batch`, so a result costs no event object.
     */
    private readonly done: (runId: number, value: unknown) => void = (runId, value) =>
      emit({ kind: 'done', runId, value }),
  ) {}

  /** Registers an in-process handler (in-memory transport only: functions do not cross threads). */
  register(agentType: string, handler: TaskHandler): void {
    this.handlers.set(agentType, handler);
  }

  /** Number of tasks currently running. */
  get runningCount(): number {
    return this.running.size;
  }

  /** Runs, cancels or loads; takes every `HostCommand`, and the fleet's task numbers in place of ids. */
  handle(command: WireCommand): void {
    switch (command.kind) {
      case 'run':
        this.run(command.runId, command.taskId, command.agentType, command.payload, command.attempt);
        return;
      case 'run-batch':
        for (let i = 0; i < command.runIds.length; i++) {
          this.run(
            command.runIds[i] as number,
            command.taskIds[i] as WireTaskId,
            command.agentType,
            command.payloads[i],
            command.attempts[i] as number,
          );
        }
        return;
      case 'cancel':
        this.running
          .get(command.runId)
          ?.abort(new FlotillaError('FLOTILLA_ABORTED', `task ${command.reason}`));
        return;
      case 'load':
        void this.load(command.agentType, command.module);
        return;
    }
  }

  /** Aborts everything running (the host is going away). */
  abortAll(): void {
    for (const controller of this.running.values())
      controller.abort(new FlotillaError('FLOTILLA_ABORTED', 'shutdown'));
  }

  private async load(agentType: string, specifier: string): Promise<void> {
    try {
      const module = (await this.loadModule(specifier)) as { default?: unknown };
      if (typeof module.default !== 'function') {
        throw new FlotillaError(HostErrorCode.LoadFailed, `${specifier} has no default-exported function`);
      }
      this.handlers.set(agentType, module.default as TaskHandler);
      this.emit({ kind: 'loaded', agentType });
    } catch (error) {
      const serialized = serializeError(error, HostErrorCode.LoadFailed);
      this.emit({
        kind: 'load-failed',
        agentType,
        error: {
          ...serialized,
          code: HostErrorCode.LoadFailed,
          message: `cannot load ${specifier}: ${serialized.message}`,
        },
      });
    }
  }

  private run(runId: number, taskId: WireTaskId, agentType: string, payload: unknown, attempt: number): void {
    const handler = this.handlers.get(agentType);
    if (handler === undefined) {
      this.emit({
        kind: 'failed',
        runId,
        error: {
          name: 'FlotillaError',
          code: HostErrorCode.UnknownType,
          message: `no handler for agent type "${agentType}"`,
        },
      });
      return;
    }
    const context = new RunContext(runId, taskId, attempt, this.emit);
    let outcome: unknown;
    try {
      outcome = handler(payload, context);
    } catch (error) {
      context.live = false;
      this.emit({ kind: 'failed', runId, error: serializeError(error) });
      return;
    }
    if (outcome instanceof Promise) {
      // Only a run still pending can be cancelled or aborted, so only those are registered: a handler that
      // returns at once costs no map entry (a cancel for it arrives after its result, and finds nothing).
      this.running.set(runId, context);
      outcome.then(
        (value) => this.finish(context, value),
        (error) => this.fail(context, error),
      );
    } else {
      context.live = false;
      this.done(runId, outcome);
    }
  }

  private finish(context: RunContext, value: unknown): void {
    // A run that was aborted still reports: the delegator matches by runId and ignores stale attempts.
    context.live = false;
    this.running.delete(context.runId);
    this.done(context.runId, value);
  }

  private fail(context: RunContext, error: unknown): void {
    context.live = false;
    this.running.delete(context.runId);
    this.emit({ kind: 'failed', runId: context.runId, error: serializeError(error) });
  }
}

/**
 * The `ctx` a handler receives. Its AbortController is created only if the handler reads `signal`: an
 * AbortSignal costs about as much as a whole no-op task, and most handlers never look at it.
 */
class RunContext implements TaskContext {
  private controller: AbortController | undefined;
  private abortReason: unknown;
  private aborted = false;
  /** Until its result or failure is reported: progress after that is dropped. */
  live = true;

  constructor(
    readonly runId: number,
    /** Named only when read: most handlers never ask (see WireTaskId). */
    private wireTaskId: WireTaskId,
    readonly attempt: number,
    private readonly emit: (event: HostEvent) => void,
  ) {}

  get taskId(): string {
    if (typeof this.wireTaskId === 'number') this.wireTaskId = taskIdFromWire(this.wireTaskId);
    return this.wireTaskId;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  progress(fraction: number, message?: string): void {
    if (!this.live) return;
    this.emit(
      message === undefined
        ? { kind: 'progress', runId: this.runId, fraction }
        : { kind: 'progress', runId: this.runId, fraction, message },
    );
  }

  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }
}
