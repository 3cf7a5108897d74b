import { Worker } from 'node:worker_threads';
import { STRATEGY_NAMES, type StrategyName } from '@flotilla/core';
import {
  formatCount,
  formatTable,
  type BenchCheck,
  type BenchResult,
  type SuiteReport,
} from '../../harness/report.js';
import type { DecisionRates } from './decisions.js';
import { measureQueue, QUEUE_DEPTH } from './queue.js';

const AGENT_COUNTS = [10, 1_000, 100_000];

/** The targets: time per decision may grow at most this much from 10 to 100,000 agents. */
const GROWTH_LIMITS: Partial<Record<StrategyName, number>> = {
  'power-of-two': 2,
  'round-robin': 2,
  random: 2,
  'least-connections': 4,
  'consistent-hash': 4,
};

function inWorker(strategy: StrategyName): Promise<DecisionRates[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./decisions-worker.js', import.meta.url), {
      workerData: { strategy, agentCounts: AGENT_COUNTS },
    });
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => code !== 0 && reject(new Error(`${strategy} worker exited with ${code}`)));
  });
}

const nsPerOp = (opsPerSec: number): string => `${(1e9 / opsPerSec).toFixed(0)} ns`;

/** `pnpm bench core`: decision cost of every strategy by pool size, and queue throughput at depth 1M. */
export async function runCoreSuite(
  log: (line: string) => void,
  only?: readonly string[],
): Promise<SuiteReport> {
  const results: BenchResult[] = [];
  const checks: BenchCheck[] = [];
  const decideRows: string[][] = [];
  const cycleRows: string[][] = [];
  // One strategy at a time, each in its own isolate, so they never compete for the two cores.
  for (const name of STRATEGY_NAMES.filter((n) => only === undefined || only.includes(n))) {
    const rates = await inWorker(name);
    for (const r of rates) {
      results.push({
        name: `decide/${name}`,
        params: { agents: r.agents },
        value: r.decide.opsPerSec,
        unit: 'ops/s',
        rmePercent: r.decide.rmePercent,
      });
      results.push({
        name: `cycle/${name}`,
        params: { agents: r.agents },
        value: r.cycle.opsPerSec,
        unit: 'ops/s',
        rmePercent: r.cycle.rmePercent,
      });
    }
    const first = rates[0] as DecisionRates;
    const last = rates[rates.length - 1] as DecisionRates;
    const growth = first.decide.opsPerSec / last.decide.opsPerSec;
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
    const verdict = limit === undefined ? '' : growth <= limit ? `≤ ${limit}× ok` : `> ${limit}× MISSED`;
    decideRows.push([
      name,
      ...rates.map((r) => nsPerOp(r.decide.opsPerSec)),
      `${growth.toFixed(2)}×`,
      verdict,
    ]);
    cycleRows.push([
      name,
      ...rates.map((r) => nsPerOp(r.cycle.opsPerSec)),
      `${(first.cycle.opsPerSec / last.cycle.opsPerSec).toFixed(2)}×`,
    ]);
    log(`measured ${name}`);
  }
  const queue = only === undefined ? measureQueue() : [];
  results.push(...queue);

  log('');
  log('decide = pick + assign (the decision and the index upkeep it causes)');
  log(formatTable(['strategy', '@ 10', '@ 1,000', '@ 100,000', 'growth', 'target'], decideRows));
  log('');
  log("cycle = decide + release of another agent's task (the full per-task balancing cost)");
  log(formatTable(['strategy', '@ 10', '@ 1,000', '@ 100,000', 'growth'], cycleRows));
  log('');
  log(`queue at depth ${formatCount(QUEUE_DEPTH)}`);
  log(
    formatTable(
      ['operation', 'mode', 'ops/s', 'ns/op', '±%'],
      queue.map((r) => [
        r.name,
        String(r.params['mode']),
        formatCount(r.value),
        nsPerOp(r.value),
        (r.rmePercent ?? 0).toFixed(1),
      ]),
    ),
  );
  return { suite: 'core', results, checks };
}
