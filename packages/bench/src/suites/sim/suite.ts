import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exponential, PRIORITIES } from '@flotilla/core';
import { poissonWorkload, simulate } from '@flotilla/sim';
import {
  formatCount,
  formatTable,
  type BenchComparison,
  type BenchResult,
  type SuiteReport,
} from '../../harness/report.js';

const AGENTS = 1_000;
const TASKS = 1_000_000;
const LOAD = 0.9;
const SIMPY_CUSTOMERS = 200_000;
/** Debian's python3-simpy installs for the system interpreter, not for another python3 on the PATH. */
const SYSTEM_PYTHON = '/usr/bin/python3';
const PEER = fileURLToPath(new URL('../../../peers/simpy_mmc.py', import.meta.url));

/**
 * `pnpm bench sim`: simulated tasks per wall second for 1,000 agents, power-of-two, four priorities and
 * 1,000,000 tasks with full metrics, and the same M/M/c model in SimPy 2 in the same run (`sim-vs-simpy`).
 */
export async function runSimSuite(log: (line: string) => void): Promise<SuiteReport> {
  const ratePerSec = AGENTS * LOAD; // service mean 1 s
  const report = simulate({
    seed: 1,
    stop: { tasks: TASKS },
    warmup: { tasks: TASKS / 10 },
    strategy: 'power-of-two',
    agents: [{ type: 'w', count: AGENTS, capacity: 1, queueLimit: 0, service: exponential({ mean: 1000 }) }],
    workloads: PRIORITIES.map((priority) =>
      poissonWorkload({ ratePerSec: ratePerSec / PRIORITIES.length, mix: { type: 'w', priority } }),
    ),
  });
  const ours = report.tasks.completed / (report.wallMs / 1000);
  log(
    `flotilla: ${formatCount(report.tasks.completed)} tasks in ${report.wallMs} ms → ${formatCount(ours)} simulated tasks/s (mean wait ${report.wait.mean.toFixed(4)} s)`,
  );
  const results: BenchResult[] = [
    {
      name: 'sim/flotilla',
      params: { agents: AGENTS, tasks: TASKS, strategy: 'power-of-two', priorities: 4 },
      value: ours,
      unit: 'tasks/s',
    },
  ];
  const comparisons: BenchComparison[] = [];
  const peer = existsSync(SYSTEM_PYTHON)
    ? spawnSync(
        SYSTEM_PYTHON,
        [
          PEER,
          '--servers',
          String(AGENTS),
          '--rate',
          String(ratePerSec),
          '--customers',
          String(SIMPY_CUSTOMERS),
        ],
        { encoding: 'utf8' },
      )
    : undefined;
  if (peer === undefined || peer.status !== 0) {
    log(
      `SimPy peer unavailable (${peer?.stderr.split('\n').filter(Boolean).pop() ?? `${SYSTEM_PYTHON} not found`}).`,
    );
    log('Install it with: apt-get install -y python3-simpy   (the SimPy 2 API, for /usr/bin/python3)');
  } else {
    const simpy = JSON.parse(peer.stdout.trim().split('\n').pop() as string) as {
      customers: number;
      wallSec: number;
      meanWaitSec: number;
    };
    const peerRate = simpy.customers / simpy.wallSec;
    log(
      `SimPy 2:  ${formatCount(simpy.customers)} customers in ${(simpy.wallSec * 1000).toFixed(0)} ms → ${formatCount(peerRate)} simulated tasks/s (mean wait ${simpy.meanWaitSec.toFixed(4)} s)`,
    );
    results.push({
      name: 'sim/simpy',
      params: { servers: AGENTS, customers: SIMPY_CUSTOMERS },
      value: peerRate,
      unit: 'tasks/s',
    });
    comparisons.push({ name: 'sim-vs-simpy', ours, peer: peerRate, ratio: ours / peerRate, unit: 'tasks/s' });
  }
  log('');
  log(
    formatTable(
      ['comparison', 'ours/s', 'peer/s', 'ratio', 'target'],
      comparisons.map((c) => [
        c.name,
        formatCount(c.ours),
        formatCount(c.peer),
        `${c.ratio.toFixed(1)}×`,
        '≥ 15×, ≥ 1,000,000/s',
      ]),
    ),
  );
  return {
    suite: 'sim',
    results,
    comparisons,
    checks: [
      {
        name: 'sim-throughput',
        value: ours,
        limit: 1_000_000,
        pass: ours >= 1_000_000,
        description: '≥ 1,000,000 simulated tasks per wall second',
      },
      ...comparisons.map((c) => ({
        name: c.name,
        value: c.ratio,
        limit: 15,
        pass: c.ratio >= 15,
        description: '≥ 15× SimPy on the same model',
      })),
    ],
  };
}
