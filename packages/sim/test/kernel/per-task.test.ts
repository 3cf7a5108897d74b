import { exponential } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { simulate, type SimConfig } from '../../src/kernel/simulate.js';
import { poissonArrivals } from './support.js';

/**
 * `perTask` histories: one per submitted task, consistent with the report's counts, and each names the
 * agent of the task's last attempt. Errors on one agent make tasks retry elsewhere, so "last" is tested.
 */
const config: SimConfig = {
  seed: 21,
  stop: { tasks: 400 },
  strategy: 'round-robin',
  agents: [{ type: 'w', count: 3, capacity: 1, queueLimit: 0, service: exponential({ mean: 500 }) }],
  workloads: [poissonArrivals(4, 'w')],
  maxAttempts: 5,
  faults: [
    {
      kind: 'errors',
      target: { type: 'w', agents: { kind: 'first', count: 1 } },
      probability: 1,
      fromMs: 0,
      toMs: Number.POSITIVE_INFINITY,
      code: 'SIMULATED',
    },
  ],
  perTask: true,
};

describe('per-task histories', () => {
  it('cover every task once, agree with the counts, and name the agent of the last attempt', () => {
    const report = simulate(config);
    const histories = report.perTask ?? [];
    expect(histories).toHaveLength(report.tasks.submitted);
    expect(new Set(histories.map((h) => h.index)).size).toBe(histories.length);
    const completed = histories.filter((h) => h.outcome === 'completed');
    expect(completed).toHaveLength(report.tasks.completed);
    expect(report.tasks.completed).toBeGreaterThan(0);
    for (const history of completed) {
      // Agent 0 fails every attempt: a task completes only on another agent, after any retries.
      expect(history.agent).toMatch(/^w-[12]$/);
      expect(history.started).not.toBeNull();
      expect(history.submitted).toBeLessThanOrEqual(history.started as number);
      expect(history.started as number).toBeLessThanOrEqual(history.ended);
    }
    // Round robin sends a share of first attempts to agent 0: some tasks needed more than one.
    expect(completed.some((h) => h.attempts > 1)).toBe(true);
    expect(report.attempts.retries).toBe(histories.reduce((sum, h) => sum + h.attempts - 1, 0));
  });
});
