import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ConsumerStatus } from 'rabbitmq-client';
import { TaskBundler, type OutgoingRun } from '../../src/rabbitmq/task-bundler.js';
import { DeliveredMessage, TaskGate } from '../../src/rabbitmq/task-gate.js';
import { decodeTasks, versionHeaders } from '../../src/rabbitmq/wire.js';

interface Published {
  agentType: string;
  priority: number;
  runIds: readonly number[];
  expiresInMs: number | undefined;
  bytes: number;
}

function bundler(maxTasks: number, maxBytes = 1 << 20) {
  const published: Published[] = [];
  const refused: { runId: number; reason: string }[] = [];
  const pending: (() => void)[] = [];
  const subject = new TaskBundler(
    maxTasks,
    maxBytes,
    {
      publish: (agentType, priority, bundle, body, expiresInMs) => {
        // What travels is what the agent process reads.
        const decoded = decodeTasks({ body, headers: versionHeaders }, maxBytes);
        expect(decoded).toEqual({ ok: true, value: bundle });
        published.push({ agentType, priority, runIds: bundle.runIds, expiresInMs, bytes: body.length });
      },
      refuse: (runId, reason) => refused.push({ runId, reason }),
    },
    (flush) => pending.push(flush),
  );
  const endTurn = () => pending.splice(0).forEach((flush) => flush());
  return { subject, published, refused, endTurn };
}

const run = (runId: number, extra: Partial<OutgoingRun> = {}): OutgoingRun => ({
  runId,
  taskId: `t${runId}`,
  agentType: 'a',
  payload: runId,
  attempt: 1,
  priority: 1,
  ...extra,
});

describe('TaskBundler', () => {
  it('puts the runs of one turn with the same type and priority in one message, up to the limit', () => {
    const { subject, published, endTurn } = bundler(3);
    for (let i = 1; i <= 4; i++) subject.add(run(i));
    subject.add(run(5, { agentType: 'b' }));
    subject.add(run(6, { priority: 3 }));
    expect(published.map((p) => p.runIds)).toEqual([[1, 2, 3]]); // a full message leaves at once
    endTurn();
    expect(published.map((p) => [p.agentType, p.priority, p.runIds])).toEqual([
      ['a', 1, [1, 2, 3]],
      ['a', 1, [4]],
      ['b', 1, [5]],
      ['a', 3, [6]],
    ]);
  });

  it('publishes at once, one run per message, when the limit is 1', () => {
    const { subject, published } = bundler(1);
    subject.add(run(1));
    subject.add(run(2));
    expect(published.map((p) => p.runIds)).toEqual([[1], [2]]);
  });

  it('sends a run with a TTL alone, after the runs of its type and priority that came before it', () => {
    const { subject, published, endTurn } = bundler(10);
    subject.add(run(1));
    subject.add(run(2, { expiresInMs: 50 }));
    subject.add(run(3));
    endTurn();
    expect(published.map((p) => [p.runIds, p.expiresInMs])).toEqual([
      [[1], undefined],
      [[2], 50],
      [[3], undefined],
    ]);
  });

  it('sends a retry alone, so that a task that keeps failing takes no siblings with it', () => {
    const { subject, published, endTurn } = bundler(10);
    subject.add(run(1));
    subject.add(run(2, { attempt: 2 }));
    subject.add(run(3));
    subject.add(run(4));
    endTurn();
    expect(published.map((p) => p.runIds)).toEqual([[1], [2], [3, 4]]);
  });

  it('splits a message over the size limit, and refuses a run too large on its own', () => {
    const { subject, published, refused, endTurn } = bundler(10, 300);
    for (let i = 1; i <= 4; i++) subject.add(run(i, { payload: 'x'.repeat(100) }));
    subject.add(run(5, { payload: 'y'.repeat(400) }));
    endTurn();
    expect(published.flatMap((p) => p.runIds)).toEqual([1, 2, 3, 4]);
    expect(published.length).toBeGreaterThan(1);
    expect(published.every((p) => p.bytes <= 300)).toBe(true);
    expect(refused).toEqual([{ runId: 5, reason: 'too-large' }]);
  });

  it('refuses only the runs whose payload cannot be cloned', () => {
    const { subject, published, refused, endTurn } = bundler(10);
    subject.add(run(1));
    subject.add(run(2, { payload: () => 0 }));
    subject.add(run(3));
    endTurn();
    expect(published.map((p) => p.runIds)).toEqual([[1, 3]]);
    expect(refused).toEqual([{ runId: 2, reason: 'not-cloneable' }]);
  });

  it('publishes every run exactly once, in order per type and priority, whatever the mix', () => {
    const runs = fc.array(
      fc.record({
        agentType: fc.constantFrom('a', 'b'),
        priority: fc.integer({ min: 0, max: 3 }),
        ttl: fc.boolean(),
        endTurn: fc.boolean(),
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), runs, (maxTasks, plan) => {
        const { subject, published, endTurn } = bundler(maxTasks);
        plan.forEach((step, i) => {
          subject.add(run(i, { ...step, ...(step.ttl ? { expiresInMs: 10 } : {}) }));
          if (step.endTurn) endTurn();
        });
        endTurn();
        expect(published.flatMap((p) => p.runIds).sort((x, y) => x - y)).toEqual(plan.map((_, i) => i));
        for (const message of published) {
          expect(message.runIds.length).toBeLessThanOrEqual(maxTasks);
          if (message.expiresInMs !== undefined) expect(message.runIds).toHaveLength(1);
        }
        for (const type of ['a', 'b'])
          for (let priority = 0; priority <= 3; priority++) {
            const sent = published
              .filter((p) => p.agentType === type && p.priority === priority)
              .flatMap((p) => p.runIds);
            expect(sent).toEqual([...sent].sort((x, y) => x - y));
          }
      }),
    );
  });
});

interface Task {
  readonly id: number;
  readonly message: DeliveredMessage;
}

/** Offers one message per size, tasks numbered from 0 in arrival order; returns how many. */
function offerMessages(gate: TaskGate<Task>, messageSizes: readonly number[]): number {
  let next = 0;
  for (const size of messageSizes) {
    const message = new DeliveredMessage(size, () => undefined);
    gate.offer(Array.from({ length: size }, () => ({ id: next++, message })));
  }
  return next;
}

describe('TaskGate and DeliveredMessage', () => {
  it('acknowledges a message once every task has a confirmed answer, requeues it if one failed', () => {
    const statuses: ConsumerStatus[] = [];
    const ok = new DeliveredMessage(2, (s) => statuses.push(s));
    ok.answered(true);
    expect(statuses).toEqual([]);
    ok.answered(true);
    const bad = new DeliveredMessage(2, (s) => statuses.push(s));
    bad.answered(false);
    bad.answered(true);
    expect(statuses).toEqual([ConsumerStatus.ACK, ConsumerStatus.REQUEUE]);
  });

  it('never runs more than its capacity, and starts every task offered, in arrival order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 200 }),
        (capacity, messageSizes, finishOrder) => {
          const running: number[] = [];
          const started: number[] = [];
          let peak = 0;
          const gate = new TaskGate<Task>(capacity, (task) => {
            running.push(task.id);
            started.push(task.id);
            peak = Math.max(peak, running.length);
          });
          const next = offerMessages(gate, messageSizes);
          const finish = (index: number) => {
            running.splice(index, 1);
            gate.done();
          };
          for (const pick of finishOrder) if (running.length > 0) finish(pick % running.length);
          while (running.length > 0) finish(0);
          expect(peak).toBeLessThanOrEqual(capacity);
          expect(started).toEqual(Array.from({ length: next }, (_, i) => i));
          expect(gate.waitingCount).toBe(0);
        },
      ),
    );
  });

  it('after a resize, starts a task only below the new capacity, and still starts every task in order', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 20 }),
        fc.array(fc.oneof(fc.nat(), fc.record({ resize: fc.integer({ min: 1, max: 6 }) })), {
          maxLength: 200,
        }),
        (initialCapacity, messageSizes, steps) => {
          let capacity = initialCapacity;
          const running: number[] = [];
          const started: number[] = [];
          const gate = new TaskGate<Task>(capacity, (task) => {
            expect(running.length).toBeLessThan(capacity); // a slot was free under the bound of the moment
            running.push(task.id);
            started.push(task.id);
          });
          const next = offerMessages(gate, messageSizes);
          const finish = (index: number) => {
            running.splice(index, 1);
            gate.done();
          };
          for (const step of steps) {
            if (typeof step === 'number') {
              if (running.length > 0) finish(step % running.length);
            } else {
              capacity = step.resize;
              gate.resize(capacity);
              expect(gate.runningCount === running.length).toBe(true);
            }
          }
          while (running.length > 0) finish(0);
          expect(started).toEqual(Array.from({ length: next }, (_, i) => i));
          expect(gate.waitingCount).toBe(0);
        },
      ),
    );
  });

  it('starts the highest priority waiting first, in arrival order within a priority', () => {
    const started: number[] = [];
    const gate = new TaskGate<Task>(1, (task) => started.push(task.id), 3);
    const offer = (priority: number, ...ids: number[]) => {
      const message = new DeliveredMessage(ids.length, () => undefined);
      gate.offer(
        ids.map((id) => ({ id, message })),
        priority,
      );
    };
    offer(0, 1, 2); // 1 starts at once
    offer(3, 3);
    offer(0, 4);
    offer(3, 5);
    offer(9, 6); // clamped to the highest priority
    for (let i = 0; i < 5; i++) gate.done();
    expect(started).toEqual([1, 3, 5, 6, 2, 4]);
  });

  it('withdraws the waiting tasks asked for, which then never start', () => {
    const started: number[] = [];
    const gate = new TaskGate<Task>(1, (task) => started.push(task.id), 3);
    const message = new DeliveredMessage(4, () => undefined);
    gate.offer(
      [1, 2, 3, 4].map((id) => ({ id, message })),
      1,
    );
    expect(gate.withdraw((task) => task.id % 2 === 0).map((task) => task.id)).toEqual([2, 4]);
    expect(gate.waitingCount).toBe(1);
    gate.done();
    gate.done();
    expect(started).toEqual([1, 3]);
  });

  it('on close, hands back messages none of whose tasks started, and runs the rest of a started one', () => {
    const statuses = new Map<string, ConsumerStatus>();
    const message = (name: string, size: number) =>
      new DeliveredMessage(size, (status) => statuses.set(name, status));
    const started: number[] = [];
    const gate = new TaskGate<Task>(1, (task) => started.push(task.id));
    const partly = message('partly', 2);
    const untouched = message('untouched', 1);
    gate.offer([
      { id: 1, message: partly },
      { id: 2, message: partly },
    ]);
    gate.offer([{ id: 3, message: untouched }]);
    gate.close();
    expect(statuses.get('untouched')).toBe(ConsumerStatus.REQUEUE);
    gate.offer([{ id: 4, message: message('late', 1) }]);
    expect(statuses.get('late')).toBe(ConsumerStatus.REQUEUE);
    gate.done();
    expect(started).toEqual([1, 2]); // the partly started message runs to its end
    expect(gate.waitingCount).toBe(0);
  });
});
