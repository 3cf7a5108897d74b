import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isConfigError } from '../../src/errors/config-error.js';
import type { TASK_STATES } from '../../src/task/lifecycle.js';
import { isTerminalState, taskTransition, type TaskEvent } from '../../src/task/lifecycle.js';
import { createTask, expiresAt } from '../../src/task/task.js';

describe('createTask', () => {
  it('applies defaults', () => {
    const task = createTask({ type: 'search' }, { id: 't1', nowMs: 5 });
    expect(task).toMatchObject({
      id: 't1',
      type: 'search',
      priority: 'medium',
      createdAt: 5,
      attempt: 0,
      maxAttempts: 1,
      tenant: 'default',
      cost: 1,
      requiredCapabilities: [],
    });
    expect(expiresAt(task)).toBe(Number.POSITIVE_INFINITY);
    expect(expiresAt(createTask({ type: 's', ttlMs: 10 }, { id: 't2', nowMs: 5 }))).toBe(15);
  });

  it('names the field and the value of bad input', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ type: '' }, 'tasks[3].type must be a non-empty string, got ""'],
      [
        { type: 'a', priority: 'urgent' },
        'tasks[3].priority must be one of critical | high | medium | low, got "urgent"',
      ],
      [{ type: 'a', ttlMs: -1 }, 'tasks[3].ttlMs must be a finite number > 0, got -1'],
      [{ type: 'a', timeoutMs: 0 }, 'tasks[3].timeoutMs must be a finite number > 0, got 0'],
      [{ type: 'a', maxAttempts: 0 }, 'tasks[3].maxAttempts must be ≥ 1, got 0'],
      [{ type: 'a', cost: Number.NaN }, 'tasks[3].cost must be a finite number, got NaN'],
      [{ type: 'a', capabilities: ['gpu', 7] }, 'tasks[3].capabilities[1] must be a non-empty string, got 7'],
    ];
    for (const [spec, message] of cases) {
      try {
        createTask(spec as never, { id: 'x', nowMs: 0 }, 'tasks[3]');
        expect.unreachable(message);
      } catch (error) {
        expect(isConfigError(error)).toBe(true);
        expect((error as Error).message).toBe(message);
      }
    }
  });
});

describe('task lifecycle', () => {
  const events: TaskEvent[] = ['start', 'succeed', 'fail', 'retry', 'expire', 'cancel', 'reject'];

  it('reaches exactly one terminal state along any event sequence, and never leaves it', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...events), { maxLength: 40 }), (sequence) => {
        let state: (typeof TASK_STATES)[number] = 'pending';
        let terminalReached = 0;
        for (const event of sequence) {
          const next = taskTransition(state, event);
          if (isTerminalState(state)) expect(next).toBeUndefined();
          if (next === undefined) continue;
          state = next;
          if (isTerminalState(state)) terminalReached++;
        }
        expect(terminalReached).toBeLessThanOrEqual(1);
      }),
    );
  });
});
