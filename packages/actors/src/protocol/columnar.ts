import type { HostCommand, HostEvent, WireCommand } from './messages.js';
import type { WireTaskId } from './task-ids.js';

/**
 * Why columns: structured clone pays per object, so a batch of 8,000 `run` objects costs far more to copy
 * than four arrays of 8,000 entries. Runs of the same agent type that follow each other in a batch become
 * one `run-batch`; results that follow each other become one `done-batch`. Order is kept: only adjacent
 * messages merge, so a `cancel` between two runs stays between them.
 */
export function packCommands(messages: readonly HostCommand[]): HostCommand[];
export function packCommands(messages: readonly WireCommand[]): WireCommand[];
export function packCommands(messages: readonly WireCommand[]): WireCommand[] {
  const packed: WireCommand[] = [];
  let open:
    | { agentType: string; runIds: number[]; taskIds: WireTaskId[]; attempts: number[]; payloads: unknown[] }
    | undefined;
  for (const message of messages) {
    if (message.kind !== 'run') {
      open = undefined;
      packed.push(message);
      continue;
    }
    if (open === undefined || open.agentType !== message.agentType) {
      open = { agentType: message.agentType, runIds: [], taskIds: [], attempts: [], payloads: [] };
      packed.push({ kind: 'run-batch', ...open });
    }
    open.runIds.push(message.runId);
    open.taskIds.push(message.taskId);
    open.attempts.push(message.attempt);
    open.payloads.push(message.payload);
  }
  return packed;
}

/** The events counterpart of {@link packCommands}: adjacent `done` events become one `done-batch`. */
export function packEvents(messages: readonly HostEvent[]): HostEvent[] {
  const packed: HostEvent[] = [];
  let open: { runIds: number[]; values: unknown[] } | undefined;
  for (const message of messages) {
    if (message.kind !== 'done') {
      open = undefined;
      packed.push(message);
      continue;
    }
    if (open === undefined) {
      open = { runIds: [], values: [] };
      packed.push({ kind: 'done-batch', ...open });
    }
    open.runIds.push(message.runId);
    open.values.push(message.value);
  }
  return packed;
}

/** The single `done` events a `done-batch` stands for (to isolate one uncloneable value). */
export function unpackDone(batch: Extract<HostEvent, { kind: 'done-batch' }>): HostEvent[] {
  return batch.runIds.map((runId, i) => ({ kind: 'done', runId, value: batch.values[i] }));
}

/**
 * A `run-batch` a sender is still filling: its columns grow in place until the batch leaves. Once it has
 * left (structured clone copies it synchronously) the sender may refill the same columns for its next
 * batch ({@link refillRunBatch}): growing four fresh arrays to a few thousand entries allocated about
 * 90 bytes per run, a twelfth of what the fleet's main thread allocated per task.
 */
export interface OpenRunBatch {
  readonly kind: 'run-batch';
  agentType: string;
  readonly runIds: number[];
  readonly taskIds: WireTaskId[];
  readonly attempts: number[];
  readonly payloads: unknown[];
  /** Runs it holds; its columns may be longer, left over from the previous batch, until sealed. */
  size: number;
}

/** A `done-batch` a host is still filling. */
export interface OpenDoneBatch {
  readonly kind: 'done-batch';
  readonly runIds: number[];
  readonly values: unknown[];
}

/** A new open `run-batch` holding one run. */
export function openRunBatch(
  runId: number,
  taskId: WireTaskId,
  agentType: string,
  payload: unknown,
  attempt: number,
): OpenRunBatch {
  return {
    kind: 'run-batch',
    agentType,
    runIds: [runId],
    taskIds: [taskId],
    attempts: [attempt],
    payloads: [payload],
    size: 1,
  };
}

/** Starts a batch that has been sent over again, with one run, in the same columns. */
export function refillRunBatch(
  batch: OpenRunBatch,
  runId: number,
  taskId: WireTaskId,
  agentType: string,
  payload: unknown,
  attempt: number,
): void {
  batch.agentType = agentType;
  batch.size = 0;
  appendRun(batch, runId, taskId, payload, attempt);
}

/** Appends one run to an open batch (of the same agent type). */
export function appendRun(
  batch: OpenRunBatch,
  runId: number,
  taskId: WireTaskId,
  payload: unknown,
  attempt: number,
): void {
  const i = batch.size++;
  if (i < batch.runIds.length) {
    batch.runIds[i] = runId;
    batch.taskIds[i] = taskId;
    batch.attempts[i] = attempt;
    batch.payloads[i] = payload;
    return;
  }
  batch.runIds.push(runId);
  batch.taskIds.push(taskId);
  batch.attempts.push(attempt);
  batch.payloads.push(payload);
}

/** Cuts the columns to the runs the batch holds, before it is sent. */
export function sealRunBatch(batch: OpenRunBatch): void {
  const size = batch.size;
  if (batch.runIds.length === size) return;
  batch.runIds.length = size;
  batch.taskIds.length = size;
  batch.attempts.length = size;
  batch.payloads.length = size;
}
