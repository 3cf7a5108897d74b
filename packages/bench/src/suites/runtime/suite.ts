import { availableParallelism } from 'node:os';
import {
  formatCount,
  median,
  formatTable,
  type BenchComparison,
  type BenchResult,
  type SuiteReport,
} from '../../harness/report.js';
import {
  flotillaLatency,
  flotillaThroughput,
  handRolledThroughput,
  piscinaThroughput,
  rawPortThroughput,
} from './workloads.js';

const TOTAL = 400_000;
const WINDOW = 8_192;
const RUNS = 5;

/**
 * `pnpm bench runtime`: no-op tasks through `createFleet` on worker threads, against piscina (same task,
 * same threads, its default and a high `concurrentTasksPerWorker`, the better counted) and against the
 * limit — the same tasks through hand-written minimal code (one promise per task, batched per turn, the
 * module called per item) — interleaved run by run so machine noise hits all of them alike. The bare
 * MessagePort echo (no handler call, no promise per item) is reported beside it. Then latency at half of
 * Flotilla's measured saturation throughput.
 */
export async function runRuntimeSuite(log: (line: string) => void): Promise<SuiteReport> {
  const threads = Math.min(2, availableParallelism());
  const ours: number[] = [];
  const piscinaDefault: number[] = [];
  const piscinaConcurrent: number[] = [];
  const raw: number[] = [];
  const limit: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    ours.push(await flotillaThroughput(threads, TOTAL, WINDOW));
    piscinaDefault.push(await piscinaThroughput(threads, TOTAL / 4, WINDOW, 1));
    piscinaConcurrent.push(await piscinaThroughput(threads, TOTAL / 4, WINDOW, 64));
    limit.push(await handRolledThroughput(threads, TOTAL, WINDOW));
    raw.push(await rawPortThroughput(threads, TOTAL * 4, 1024, 4));
    log(
      `run ${run + 1}/${RUNS}: flotilla ${formatCount(ours[run] as number)}/s, piscina ${formatCount(piscinaDefault[run] as number)}/s (×64: ${formatCount(piscinaConcurrent[run] as number)}/s), limit ${formatCount(limit[run] as number)}/s, bare echo ${formatCount(raw[run] as number)}/s`,
    );
  }
  const oursRate = median(ours);
  const piscinaBest = Math.max(median(piscinaDefault), median(piscinaConcurrent));
  const rawRate = median(raw);
  const limitRate = median(limit);
  const latency = await flotillaLatency(threads, oursRate / 2, 3_000, WINDOW);

  const results: BenchResult[] = [
    {
      name: 'runtime/flotilla',
      params: { threads, tasks: TOTAL, window: WINDOW },
      value: oursRate,
      unit: 'tasks/s',
    },
    {
      name: 'runtime/piscina',
      params: { threads, concurrentTasksPerWorker: 1 },
      value: median(piscinaDefault),
      unit: 'tasks/s',
    },
    {
      name: 'runtime/piscina',
      params: { threads, concurrentTasksPerWorker: 64 },
      value: median(piscinaConcurrent),
      unit: 'tasks/s',
    },
    {
      name: 'runtime/limit',
      params: { threads, tasks: TOTAL, window: WINDOW, promisePerTask: 1, handlerCallPerTask: 1 },
      value: limitRate,
      unit: 'tasks/s',
    },
    {
      name: 'runtime/raw-port',
      params: { threads, batch: 1024, inFlightPerThread: 4 },
      value: rawRate,
      unit: 'items/s',
    },
    ...(['p50', 'p99'] as const).map((p) => ({
      name: `runtime/latency-${p}`,
      params: { threads, ratePerSec: Math.round(oursRate / 2) },
      value: latency[p],
      unit: 'ms',
    })),
    {
      name: 'runtime/latency-served',
      params: {
        threads,
        ratePerSec: Math.round(oursRate / 2),
        offered: latency.offered,
        refused: latency.refused,
      },
      value: latency.servedPerSec,
      unit: 'tasks/s',
    },
  ];
  const comparisons: BenchComparison[] = [
    {
      name: 'runtime-vs-piscina',
      ours: oursRate,
      peer: piscinaBest,
      ratio: oursRate / piscinaBest,
      unit: 'tasks/s',
    },
    {
      name: 'runtime-vs-raw-port',
      ours: oursRate,
      peer: limitRate,
      ratio: oursRate / limitRate,
      unit: 'tasks/s',
    },
    {
      name: 'runtime-vs-bare-echo',
      ours: oursRate,
      peer: rawRate,
      ratio: oursRate / rawRate,
      unit: 'tasks/s',
    },
  ];
  log('');
  log(
    formatTable(
      ['comparison', 'ours/s', 'peer/s', 'ratio', 'target'],
      [
        [
          'runtime-vs-piscina',
          formatCount(oursRate),
          formatCount(piscinaBest),
          `${(oursRate / piscinaBest).toFixed(1)}×`,
          '≥ 10×',
        ],
        [
          'runtime-vs-raw-port (limit)',
          formatCount(oursRate),
          formatCount(limitRate),
          `${((100 * oursRate) / limitRate).toFixed(0)}%`,
          '≥ 25%',
        ],
        [
          'runtime-vs-bare-echo',
          formatCount(oursRate),
          formatCount(rawRate),
          `${((100 * oursRate) / rawRate).toFixed(0)}%`,
          '(reported)',
        ],
      ],
    ),
  );
  log(
    `latency at ${formatCount(oursRate / 2)} tasks/s (half of saturation): p50 ${latency.p50.toFixed(2)} ms, p99 ${latency.p99.toFixed(2)} ms; served ${formatCount(latency.servedPerSec)}/s`,
  );
  if (latency.refused > 0)
    log(
      `  the open loop outran the fleet: ${formatCount(latency.refused)} of ${formatCount(latency.offered)} tasks refused (queue full), so these latencies are of a queue, not of a transport`,
    );
  return {
    suite: 'runtime',
    results,
    comparisons,
    checks: [
      {
        name: 'runtime-vs-piscina',
        value: oursRate / piscinaBest,
        limit: 10,
        pass: oursRate / piscinaBest >= 10,
        description: 'no-op throughput ≥ 10× piscina',
      },
      {
        name: 'runtime-vs-raw-port',
        value: oursRate / limitRate,
        limit: 0.25,
        pass: oursRate / limitRate >= 0.25,
        description:
          'no-op throughput ≥ 25% of the limit: a raw MessagePort round trip with batching, one promise and one handler call per task',
      },
    ],
  };
}
