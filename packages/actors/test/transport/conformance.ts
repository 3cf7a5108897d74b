import type { SerializedError } from '@flotilla/core';
import { afterEach, describe, expect, it } from 'vitest';
import { unpackDone } from '../../src/protocol/columnar.js';
import type { HostEvent } from '../../src/protocol/messages.js';
import { taskIdOf } from '../../src/protocol/task-ids.js';
import { sendRun, type Transport } from '../../src/transport/transport.js';
import { agentModule } from '../fixtures/agents.js';

interface Recorder {
  events: Array<{ host: number; event: HostEvent }>;
  exits: Array<{ host: number; error: SerializedError }>;
  /** Resolves once `predicate` holds over what was recorded (polling, at most 5 s). */
  until(predicate: () => boolean, what: string): Promise<void>;
}

async function started(transport: Transport): Promise<Recorder> {
  const recorder: Recorder = {
    events: [],
    exits: [],
    async until(predicate, what) {
      // Real time, bounded: a worker must boot and import a module before it answers.
      for (let waitedMs = 0; waitedMs < 5000 && !predicate(); waitedMs += 2)
        await new Promise((r) => setTimeout(r, 2));
      if (!predicate()) throw new Error(`timed out waiting for ${what}`);
    },
  };
  await transport.start({
    // Columns are an encoding, not a different answer: record the single results a done-batch carries.
    onEvent: (host, event) => {
      for (const single of event.kind === 'done-batch' ? unpackDone(event) : [event])
        recorder.events.push({ host, event: single });
    },
    onHostExit: (host, error) => recorder.exits.push({ host, error }),
  });
  return recorder;
}

async function load(
  transport: Transport,
  recorder: Recorder,
  host: number,
  agentType: string,
  module: string,
) {
  const from = recorder.events.length; // only an answer to this load counts
  transport.send(host, { kind: 'load', agentType, module });
  await recorder.until(
    () =>
      recorder.events
        .slice(from)
        .some(
          (e) =>
            e.host === host &&
            (e.event.kind === 'loaded' || e.event.kind === 'load-failed') &&
            e.event.agentType === agentType,
        ),
    `load of ${agentType}`,
  );
}

const doneOrFailed = (recorder: Recorder) =>
  recorder.events.filter((e) => e.event.kind === 'done' || e.event.kind === 'failed');

/**
 * The contract every Transport implements (see `Transport` in src/transport/transport.ts). Run by the
 * in-memory and worker_threads transports' tests, and by the RabbitMQ transport's later.
 */
export function transportConformance(
  name: string,
  create: () => Transport,
  options: { hostsCanDie: boolean },
): void {
  describe(`Transport conformance: ${name}`, () => {
    let transport: Transport;
    afterEach(async () => {
      await transport.close();
    });

    it('delivers every run exactly once and answers in per-host FIFO order, across many batches', async () => {
      transport = create();
      const recorder = await started(transport);
      const hosts = Math.min(2, transport.hostCount);
      for (let host = 0; host < hosts; host++)
        await load(transport, recorder, host, 'echo', agentModule('echo'));
      let runId = 0;
      for (let turn = 0; turn < 5; turn++) {
        for (let i = 0; i < 200; i++) {
          const id = runId++;
          transport.send(id % hosts, {
            kind: 'run',
            runId: id,
            taskId: `t${id}`,
            agentType: 'echo',
            payload: { id },
            attempt: 1,
          });
        }
        await new Promise((r) => setImmediate(r)); // the next batch starts in a new turn
      }
      await recorder.until(() => doneOrFailed(recorder).length === runId, 'all results');
      const results = doneOrFailed(recorder);
      expect(new Set(results.map((r) => (r.event as { runId: number }).runId)).size).toBe(runId);
      for (let host = 0; host < hosts; host++) {
        const order = results.filter((r) => r.host === host).map((r) => (r.event as { runId: number }).runId);
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
      for (const { event } of results) {
        expect(event.kind).toBe('done');
        if (event.kind === 'done') expect(event.value).toEqual({ id: event.runId });
      }
    });

    it('delivers runs sent through sendRun exactly once and in order, across types and other commands', async () => {
      transport = create();
      const recorder = await started(transport);
      const hosts = Math.min(2, transport.hostCount);
      for (let host = 0; host < hosts; host++) {
        await load(transport, recorder, host, 'echo', agentModule('echo'));
        await load(transport, recorder, host, 'fail', agentModule('fail'));
      }
      let runId = 0;
      for (let turn = 0; turn < 3; turn++) {
        for (let i = 0; i < 300; i++) {
          const id = runId++;
          // Types alternate in runs of 7, and a cancel of nothing every 50th: each closes an open batch.
          const echo = Math.floor(id / 7) % 2 === 0;
          const payload = echo ? { id } : { code: 'E_X', message: `m${id}` };
          sendRun(transport, id % hosts, id, taskIdOf(id), id, echo ? 'echo' : 'fail', payload, 1 + (id % 3));
          if (i % 50 === 0)
            transport.send(id % hosts, { kind: 'cancel', runId: 1e9 + id, reason: 'cancelled' });
        }
        await new Promise((r) => setImmediate(r));
      }
      await recorder.until(() => doneOrFailed(recorder).length === runId, 'all results');
      const results = doneOrFailed(recorder);
      expect(new Set(results.map((r) => (r.event as { runId: number }).runId)).size).toBe(runId);
      // Each run reached its own type's handler with its own payload (a batch never mixes types).
      for (const { event } of results) {
        const id = (event as { runId: number }).runId;
        if (Math.floor(id / 7) % 2 === 0) expect(event).toEqual({ kind: 'done', runId: id, value: { id } });
        else
          expect(event).toMatchObject({
            kind: 'failed',
            runId: id,
            error: { code: 'E_X', message: `m${id}` },
          });
      }
      // Delivery is FIFO: the synchronous echoes answer in the order they were sent.
      for (let host = 0; host < hosts; host++) {
        const order = results
          .filter((r) => r.host === host && r.event.kind === 'done')
          .map((r) => (r.event as { runId: number }).runId);
        expect(order).toEqual([...order].sort((a, b) => a - b));
      }
    });

    it('turns a result that cannot be cloned into a failure of that task only', async () => {
      transport = create();
      const recorder = await started(transport);
      await load(transport, recorder, 0, 'nc', agentModule('non-cloneable'));
      transport.send(0, {
        kind: 'run',
        runId: 1,
        taskId: 'a',
        agentType: 'nc',
        payload: 'plain',
        attempt: 1,
      });
      transport.send(0, { kind: 'run', runId: 2, taskId: 'b', agentType: 'nc', payload: 'bad', attempt: 1 });
      transport.send(0, {
        kind: 'run',
        runId: 3,
        taskId: 'c',
        agentType: 'nc',
        payload: 'plain',
        attempt: 1,
      });
      await recorder.until(() => doneOrFailed(recorder).length === 3, 'three results');
      const byRun = new Map(
        doneOrFailed(recorder).map((r) => [(r.event as { runId: number }).runId, r.event]),
      );
      expect(byRun.get(1)).toMatchObject({ kind: 'done', value: 'plain' });
      expect(byRun.get(2)).toMatchObject({
        kind: 'failed',
        error: { code: 'FLOTILLA_RESULT_NOT_CLONEABLE' },
      });
      expect(byRun.get(3)).toMatchObject({ kind: 'done', value: 'plain' });
    });

    it('reports handler failures with their code, unknown types, and modules that cannot load', async () => {
      transport = create();
      const recorder = await started(transport);
      await load(transport, recorder, 0, 'fail', agentModule('fail'));
      transport.send(0, {
        kind: 'run',
        runId: 1,
        taskId: 'a',
        agentType: 'fail',
        payload: { code: 'E_X', message: 'boom' },
        attempt: 1,
      });
      transport.send(0, {
        kind: 'run',
        runId: 2,
        taskId: 'b',
        agentType: 'nobody',
        payload: null,
        attempt: 1,
      });
      transport.send(0, { kind: 'load', agentType: 'ghost', module: 'file:///nonexistent/agent.mjs' });
      await recorder.until(
        () =>
          doneOrFailed(recorder).length === 2 && recorder.events.some((e) => e.event.kind === 'load-failed'),
        'failures',
      );
      // Delivery is FIFO; completion is not (an async rejection finishes after an immediate failure).
      const byRun = new Map(
        doneOrFailed(recorder).map((r) => [(r.event as { runId: number }).runId, r.event]),
      );
      expect(byRun.get(1)).toMatchObject({ kind: 'failed', error: { code: 'E_X', message: 'boom' } });
      expect(byRun.get(2)).toMatchObject({ kind: 'failed', error: { code: 'FLOTILLA_UNKNOWN_AGENT_TYPE' } });
      expect(recorder.events.find((e) => e.event.kind === 'load-failed')?.event).toMatchObject({
        agentType: 'ghost',
        error: { code: 'FLOTILLA_AGENT_LOAD_FAILED' },
      });
    });

    it('aborts a running task on cancel, after delivering its progress', async () => {
      transport = create();
      const recorder = await started(transport);
      await load(transport, recorder, 0, 'wait', agentModule('wait-for-abort'));
      transport.send(0, { kind: 'run', runId: 7, taskId: 'w', agentType: 'wait', payload: null, attempt: 2 });
      await recorder.until(() => recorder.events.some((e) => e.event.kind === 'progress'), 'progress');
      transport.send(0, { kind: 'cancel', runId: 7, reason: 'timeout' });
      await recorder.until(() => doneOrFailed(recorder).length === 1, 'the aborted run');
      expect(recorder.events.find((e) => e.event.kind === 'progress')?.event).toEqual({
        kind: 'progress',
        runId: 7,
        fraction: 0.5,
        message: 'waiting',
      });
      expect(doneOrFailed(recorder)[0]?.event).toMatchObject({
        kind: 'failed',
        runId: 7,
        error: { code: 'FLOTILLA_ABORTED' },
      });
    });

    if (options.hostsCanDie) {
      it('reports a host that dies exactly once, and serves again after restartHost', async () => {
        transport = create();
        const recorder = await started(transport);
        await load(transport, recorder, 0, 'exit', agentModule('exit'));
        transport.send(0, {
          kind: 'run',
          runId: 1,
          taskId: 'x',
          agentType: 'exit',
          payload: 'exit',
          attempt: 1,
        });
        await recorder.until(() => recorder.exits.length === 1, 'the host exit');
        await new Promise((r) => setTimeout(r, 20));
        expect(recorder.exits).toHaveLength(1);
        expect(recorder.exits[0]?.error.code).toBe('FLOTILLA_WORKER_EXITED');
        await transport.restartHost(0);
        await load(transport, recorder, 0, 'exit', agentModule('exit'));
        transport.send(0, {
          kind: 'run',
          runId: 2,
          taskId: 'y',
          agentType: 'exit',
          payload: 'alive',
          attempt: 1,
        });
        await recorder.until(() => doneOrFailed(recorder).length === 1, 'a result after restart');
        expect(doneOrFailed(recorder)[0]?.event).toMatchObject({ kind: 'done', runId: 2, value: 'alive' });
      });
    }

    it('delivers nothing after close', async () => {
      transport = create();
      const recorder = await started(transport);
      await load(transport, recorder, 0, 'echo', agentModule('echo'));
      transport.send(0, { kind: 'run', runId: 1, taskId: 'a', agentType: 'echo', payload: 1, attempt: 1 });
      await transport.close();
      const seen = recorder.events.length;
      await new Promise((r) => setTimeout(r, 30));
      expect(recorder.events.length).toBe(seen);
    });
  });
}
