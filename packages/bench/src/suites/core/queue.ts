import { createRng, PRIORITIES, TaskQueue } from '@flotilla/core';
import { measure } from '../../harness/measure.js';
import type { BenchResult } from '../../harness/report.js';

const BATCH = 256;
/** The depth. Sampling cycles move it by at most a quarter, restored untimed between cycles. */
export const QUEUE_DEPTH = 1_000_000;

/** `queue/push` and `queue/pop` at a depth of about 1,000,000, for the strict and the aging queue. */
export function measureQueue(): BenchResult[] {
  const results: BenchResult[] = [];
  for (const mode of ['strict', 'aging'] as const) {
    const queue = new TaskQueue<number>({
      maxDepth: 4 * QUEUE_DEPTH,
      ...(mode === 'aging' ? { agingMs: 1000 } : {}),
    });
    const rng = createRng(2);
    let nowMs = 0;
    const pushOne = (): void => {
      queue.push(nowMs, { priority: PRIORITIES[rng.nextInt(PRIORITIES.length)] ?? 'medium', nowMs: nowMs++ });
    };
    const fillTo = (depth: number): void => {
      while (queue.size < depth) pushOne();
    };
    const drainTo = (depth: number): void => {
      while (queue.size > depth) queue.pop(nowMs);
    };
    fillTo(QUEUE_DEPTH);
    const push = measure(
      `queue/push ${mode}`,
      () => {
        for (let i = 0; i < BATCH; i++) pushOne();
      },
      BATCH,
      { onCycle: () => drainTo(QUEUE_DEPTH) },
    );
    fillTo(QUEUE_DEPTH * 1.25);
    const pop = measure(
      `queue/pop ${mode}`,
      () => {
        for (let i = 0; i < BATCH; i++) queue.pop(nowMs);
      },
      BATCH,
      { onCycle: () => fillTo(QUEUE_DEPTH * 1.25) },
    );
    for (const [name, m] of [
      ['queue/push', push],
      ['queue/pop', pop],
    ] as const) {
      results.push({
        name,
        params: { depth: QUEUE_DEPTH, mode },
        value: m.opsPerSec,
        unit: 'ops/s',
        rmePercent: m.rmePercent,
      });
    }
    drainTo(0);
  }
  return results;
}
