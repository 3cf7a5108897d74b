import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { exponential, PRIORITIES } from '@flotilla/core';
import { poissonWorkload, simulate, type SimReport } from '@flotilla/sim';
import {
  comparison,
  formatCount,
  median,
  formatTable,
  type BenchComparison,
  type BenchResult,
  type SuiteReport,
} from '../../harness/report.js';
import type { FloorModel } from './primitives-floor.js';

const AGENTS = 1_000;
const TASKS = 1_000_000;
const LOAD = 0.9;
const SIMPY_CUSTOMERS = 200_000;
/** Debian's python3-simpy installs for the system interpreter, not for another python3 on the PATH. */
const SYSTEM_PYTHON = '/usr/bin/python3';
const PEER = fileURLToPath(new URL('../../../peers/simpy_mmc.py', import.meta.url));
const FLOOR_MAIN = fileURLToPath(new URL('./primitives-floor-main.js', import.meta.url));

/**
 * Untimed runs before the rounds. Two, because V8 settles only in the third run of a process: the second
 * meets new instances at call sites the first optimized for its own (the simulator's end-of-event
 * callback, the run's closures) and re-optimizes them. Measured in three processes of six runs each, the
 * second run took 700–777 ms, the third and later ones 617–670 ms.
 */
const WARMUP_RUNS = 2;
/** Timed rounds; medians count, so five keep one noisy round (this VM has them) from deciding. */
const ROUNDS = 5;

/** SimPy's side of one round, or why it could not run. */
type PeerRun = { customers: number; wallSec: number; meanWaitSec: number } | { unavailable: string };

/** One Flotilla run of the bench model. */
function runFlotilla(): SimReport {
  const ratePerSec = AGENTS * LOAD; // service mean 1 s
  return simulate({
    seed: 1,
    stop: { tasks: TASKS },
    warmup: { tasks: TASKS / 10 },
    strategy: 'power-of-two',
    agents: [{ type: 'w', count: AGENTS, capacity: 1, queueLimit: 0, service: exponential({ mean: 1000 }) }],
    workloads: PRIORITIES.map((priority) =>
      poissonWorkload({ ratePerSec: ratePerSec / PRIORITIES.length, mix: { type: 'w', priority } }),
    ),
  });
}

/** One SimPy run of the same model, in its own process. */
function runSimPy(): PeerRun {
  if (!existsSync(SYSTEM_PYTHON)) return { unavailable: `${SYSTEM_PYTHON} not found` };
  const peer = spawnSync(
    SYSTEM_PYTHON,
    [
      PEER,
      '--servers',
      String(AGENTS),
      '--rate',
      String(AGENTS * LOAD),
      '--customers',
      String(SIMPY_CUSTOMERS),
    ],
    { encoding: 'utf8' },
  );
  if (peer.status !== 0) return { unavailable: peer.stderr.split('\n').filter(Boolean).pop() ?? 'failed' };
  return JSON.parse(peer.stdout.trim().split('\n').pop() as string) as PeerRun;
}

/** The bench model for the primitives-floor run: the same agents, arrivals and service as `runFlotilla`. */
const FLOOR_MODEL: FloorModel = {
  agents: AGENTS,
  tasks: TASKS,
  ratePerSec: AGENTS * LOAD,
  serviceMeanMs: 1000,
};

/** The primitives floor's tasks per wall second, run warm in a process of its own (see its entry). */
function runFloor(): number {
  const floor = spawnSync(process.execPath, [FLOOR_MAIN, JSON.stringify(FLOOR_MODEL)], { encoding: 'utf8' });
  if (floor.status !== 0) throw new Error(`sim bench: the primitives floor failed: ${floor.stderr}`);
  return (JSON.parse(floor.stdout.trim()) as { tasksPerSec: number }).tasksPerSec;
}

/** The bench model's parameters, as every Flotilla-side result reports them. */
const MODEL_PARAMS = { agents: AGENTS, tasks: TASKS, strategy: 'power-of-two', priorities: 4 };

const ratePer = (report: SimReport): number => report.tasks.completed / (report.wallMs / 1000);

/**
 * `pnpm bench sim`: simulated tasks per wall second for 1,000 agents, power-of-two, four priorities and
 * 1,000,000 tasks with full metrics, and the same M/M/c model in SimPy 2 in the same run (`sim-vs-simpy`).
 *
 * As in the runtime suite, Flotilla is measured warm: {@link WARMUP_RUNS} untimed runs of the same model
 * let V8 compile the per-task path and settle (the first is reported as `sim/flotilla-cold`, so a one-off
 * run's speed stays visible), then {@link ROUNDS} rounds interleave a Flotilla run with a SimPy run, so
 * machine noise hits both alike, and medians count. SimPy runs in CPython, which has no JIT to warm.
 * Each round also runs the model on the bare core primitives (`runPrimitivesFloor`,
 * `sim-vs-primitives-floor`, reported): the simulator's limit, as the raw port is the runtime's. The
 * floor runs in a process of its own, warm: in this one it would leave the shared primitives' call sites
 * with mixed type feedback and slow both.
 */
export async function runSimSuite(log: (line: string) => void): Promise<SuiteReport> {
  const cold = runFlotilla();
  log(
    `flotilla, first run (untimed warm-up): ${formatCount(cold.tasks.completed)} tasks in ${cold.wallMs} ms → ${formatCount(ratePer(cold))} simulated tasks/s`,
  );
  for (let run = 1; run < WARMUP_RUNS; run++) {
    const warm = runFlotilla();
    log(`flotilla, warm-up run ${run + 1} (untimed): ${warm.wallMs} ms → ${formatCount(ratePer(warm))}/s`);
  }
  const ours: number[] = [];
  const floors: number[] = [];
  const peers: number[] = [];
  let unavailable: string | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    const report = runFlotilla();
    // One seed, one model: every run must tell the same story, event for event.
    if (report.traceHash !== cold.traceHash)
      throw new Error(`sim bench: trace hash ${report.traceHash} differs from ${cold.traceHash}`);
    ours.push(ratePer(report));
    floors.push(runFloor());
    const peer = runSimPy();
    if ('unavailable' in peer) unavailable = peer.unavailable;
    else peers.push(peer.customers / peer.wallSec);
    log(
      `round ${round + 1}/${ROUNDS}: flotilla ${formatCount(report.tasks.completed)} tasks in ${report.wallMs} ms → ${formatCount(ours[round] as number)}/s (mean wait ${report.wait.mean.toFixed(4)} s); primitives alone ${formatCount(floors[round] as number)}/s` +
        ('unavailable' in peer
          ? ''
          : `; SimPy 2 ${formatCount(peer.customers)} customers in ${(peer.wallSec * 1000).toFixed(0)} ms → ${formatCount(peers[round] as number)}/s (mean wait ${peer.meanWaitSec.toFixed(4)} s)`),
    );
  }
  const oursMedian = median(ours);
  const results: BenchResult[] = [
    {
      name: 'sim/flotilla',
      params: MODEL_PARAMS,
      value: oursMedian,
      unit: 'tasks/s',
    },
    {
      name: 'sim/flotilla-cold',
      params: MODEL_PARAMS,
      value: ratePer(cold),
      unit: 'tasks/s',
    },
  ];
  const floorMedian = median(floors);
  results.push({
    name: 'sim/primitives-floor',
    params: MODEL_PARAMS,
    value: floorMedian,
    unit: 'tasks/s',
  });
  const comparisons: BenchComparison[] = [];
  if (unavailable !== undefined) {
    log(`SimPy peer unavailable (${unavailable}).`);
    log('Install it with: apt-get install -y python3-simpy   (the SimPy 2 API, for /usr/bin/python3)');
  } else {
    const peerMedian = median(peers);
    results.push({
      name: 'sim/simpy',
      params: { servers: AGENTS, customers: SIMPY_CUSTOMERS },
      value: peerMedian,
      unit: 'tasks/s',
    });
    comparisons.push(comparison('sim-vs-simpy', oursMedian, peerMedian));
  }
  // Context, no target: how much of the primitives' speed the delegation layers leave.
  const vsFloor = comparison('sim-vs-primitives-floor', oursMedian, floorMedian);
  log('');
  log(
    formatTable(
      ['comparison', 'ours/s', 'peer/s', 'ratio', 'target'],
      [...comparisons, vsFloor].map((c) => [
        c.name,
        formatCount(c.ours),
        formatCount(c.peer),
        c === vsFloor ? `${(c.ratio * 100).toFixed(0)}%` : `${c.ratio.toFixed(1)}×`,
        c === vsFloor ? '(reported)' : '≥ 15×, ≥ 1,000,000/s',
      ]),
    ),
  );
  return {
    suite: 'sim',
    results,
    comparisons: [...comparisons, vsFloor],
    checks: [
      {
        name: 'sim-throughput',
        value: oursMedian,
        limit: 1_000_000,
        pass: oursMedian >= 1_000_000,
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
