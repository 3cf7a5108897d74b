import {
  AgentTable,
  createRng,
  createStrategy,
  STRATEGY_NAMES,
  TaskQueue,
  PRIORITIES,
  type PickRequest,
  type StrategyName,
} from '@flotilla/core';
import { measure } from '../harness/measure.js';
import {
  formatCount,
  formatTable,
  type BenchCheck,
  type BenchResult,
  type SuiteReport,
} from '../harness/report.js';

const AGENT_COUNTS = [10, 1_000, 100_000] as const;
const BATCH = 256;
const QUEUE_DEPTH = 1_000_000;

/** The issue's targets: time per decision may grow at most this much from 10 to 100,000 agents. */
const GROWTH_LIMITS: Partial<Record<StrategyName, number>> = {
  'power-of-two': 2,
  'round-robin': 2,
  random: 2,
  'least-connections': 4,
  'consistent-hash': 4,
};

/**
 * One decision = pick an agent, assign the task to it, and release the oldest in-flight task: the index
 * upkeep a decision causes (heap sift, ring walk, idle list) is part of its cost. The pool holds one task
 * per agent in flight on average, on agents of capacity 4 with immediate dispatch, so every agent stays
 * eligible and the numbers isolate the strategy from admission effects.
 */
function decisionCase(strategyName: StrategyName, agents: number): () => void {
  const table = new AgentTable();
  for (let i = 0; i < agents; i++) {
    table.add({ id: `agent-${i}`, capacity: 4, queueLimit: Number.POSITIVE_INFINITY });
  }
  const strategy = createStrategy(strategyName, table, createRng(1).fork(strategyName));
  const keys = Array.from({ length: 65_536 }, (_, i) => `session-${i}`);
  const inFlight = new Int32Array(agents);
  const request: PickRequest = { requiredMask: 0, affinityKey: undefined, nowMs: 0 };
  for (let i = 0; i < agents; i++) {
    request.affinityKey = keys[i & 65_535];
    const slot = strategy.pick(request);
    table.assign(slot);
    inFlight[i] = slot;
  }
  let oldest = 0;
  let keyIndex = 0;
  return () => {
    for (let i = 0; i < BATCH; i++) {
      request.affinityKey = keys[keyIndex++ & 65_535];
      request.nowMs += 1;
      const slot = strategy.pick(request);
      table.assign(slot);
      const done = inFlight[oldest] as number;
      table.release(done);
      table.recordLatency(done, 10 + (keyIndex & 7), request.nowMs);
      inFlight[oldest] = slot;
      oldest = oldest + 1 === agents ? 0 : oldest + 1;
    }
  };
}

function queueCases(results: BenchResult[], log: (line: string) => void): void {
  for (const mode of ['strict', 'aging'] as const) {
    const queue = new TaskQueue<number>({
      maxDepth: 4 * QUEUE_DEPTH,
      ...(mode === 'aging' ? { agingMs: 1000 } : {}),
    });
    const rng = createRng(2);
    let nowMs = 0;
    const pushOne = (): void => {
      queue.push(nowMs, { priority: PRIORITIES[rng.nextInt(4)] ?? 'medium', nowMs: nowMs++ });
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
    drainTo(QUEUE_DEPTH);
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
      log(
        `${name.padEnd(12)} ${mode.padEnd(6)} depth ${formatCount(QUEUE_DEPTH)}: ${formatCount(m.opsPerSec)} ops/s ±${m.rmePercent.toFixed(1)}%`,
      );
    }
    drainTo(0);
  }
}

/** `pnpm bench core`: decision cost of every strategy by pool size, and queue throughput at depth 1M. */
export function runCoreSuite(log: (line: string) => void): SuiteReport {
  const results: BenchResult[] = [];
  const perDecision = new Map<StrategyName, number[]>();
  for (const name of STRATEGY_NAMES) {
    const rates: number[] = [];
    for (const agents of AGENT_COUNTS) {
      const m = measure(`decide/${name} ${agents}`, decisionCase(name, agents), BATCH);
      rates.push(m.opsPerSec);
      results.push({
        name: `decide/${name}`,
        params: { agents },
        value: m.opsPerSec,
        unit: 'ops/s',
        rmePercent: m.rmePercent,
      });
    }
    perDecision.set(name, rates);
    log(`decide/${name.padEnd(21)} ${rates.map((r) => `${formatCount(r).padStart(12)} ops/s`).join('  ')}`);
  }
  queueCases(results, log);

  const checks: BenchCheck[] = [];
  const rows = STRATEGY_NAMES.map((name) => {
    const rates = perDecision.get(name) ?? [];
    const growth = (rates[0] ?? 0) / (rates[rates.length - 1] ?? 1);
    const limit = GROWTH_LIMITS[name];
    if (limit !== undefined) {
      checks.push({
        name: `decide/${name}/growth-10-to-100000`,
        value: growth,
        limit,
        pass: growth <= limit,
        description: `time per decision at 100,000 agents ÷ at 10 agents ≤ ${limit}`,
      });
    }
    return [
      name,
      ...rates.map((r) => `${(1e9 / r).toFixed(0)} ns`),
      `${growth.toFixed(2)}×`,
      limit === undefined ? '' : growth <= limit ? `≤ ${limit}× ok` : `> ${limit}× FAIL`,
    ];
  });
  log('');
  log(formatTable(['strategy', 'ns @ 10', 'ns @ 1,000', 'ns @ 100,000', 'growth', 'target'], rows));
  return { suite: 'core', results, checks };
}
