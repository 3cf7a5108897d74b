import {
  comparison,
  formatCount,
  median,
  formatTable,
  type BenchComparison,
  type BenchResult,
  type SuiteReport,
} from '../../harness/report.js';
import { bullmqRedis, flotillaAmqp, rawClientAmqp, type AmqpBenchSetup } from './contenders.js';

const RUNS = 5;
const SETUP: AmqpBenchSetup = {
  url: process.env.FLOTILLA_BENCH_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
  concurrency: 100,
  prefetch: 200,
  window: 2_000,
  tasks: 30_000,
  persistent: true,
};
/** The same with transient messages: the durability BullMQ has on a Redis that keeps nothing on disk. */
const TRANSIENT: AmqpBenchSetup = { ...SETUP, persistent: false };
/** Flotilla with one task per message, as the raw client sends them: the transport's own overhead. */
const ONE_PER_MESSAGE: AmqpBenchSetup = { ...SETUP, maxTasksPerMessage: 1 };

/**
 * `pnpm bench amqp`: no-op tasks through `createFleet` on the RabbitMQ transport with its defaults (up to
 * four tasks dispatched together share a message), against the raw client (rabbitmq-client with the same
 * durable queue, persistence, confirms, prefetch and concurrency, one task per message;
 * `amqp-vs-raw-client`) and against BullMQ on the local Redis with the same concurrency
 * (`amqp-vs-bullmq`). Also, for reference, Flotilla with one task per message (what the transport itself
 * costs next to the raw client) and both with transient messages. Runs are interleaved so machine noise
 * hits all alike; medians count.
 */
export async function runAmqpSuite(log: (line: string) => void): Promise<SuiteReport> {
  const ours: number[] = [];
  const raw: number[] = [];
  const bull: number[] = [];
  const oursOne: number[] = [];
  const oursTransient: number[] = [];
  const rawTransient: number[] = [];
  const stamp = `bench-${process.pid}`;
  for (let run = 0; run < RUNS; run++) {
    ours.push(await flotillaAmqp(SETUP, `${stamp}-${run}`));
    oursOne.push(await flotillaAmqp(ONE_PER_MESSAGE, `${stamp}-o${run}`));
    raw.push(await rawClientAmqp(SETUP, `${stamp}-${run}`));
    bull.push(await bullmqRedis(SETUP, `${stamp}-${run}`));
    oursTransient.push(await flotillaAmqp(TRANSIENT, `${stamp}-t${run}`));
    rawTransient.push(await rawClientAmqp(TRANSIENT, `${stamp}-t${run}`));
    log(
      `run ${run + 1}/${RUNS}: persistent: flotilla ${formatCount(ours[run] as number)}/s, ` +
        `one task per message ${formatCount(oursOne[run] as number)}/s, raw client ${formatCount(raw[run] as number)}/s; ` +
        `bullmq ${formatCount(bull[run] as number)}/s; transient: flotilla ${formatCount(oursTransient[run] as number)}/s, raw client ${formatCount(rawTransient[run] as number)}/s`,
    );
  }
  const params = {
    tasks: SETUP.tasks,
    window: SETUP.window,
    concurrency: SETUP.concurrency,
    prefetch: SETUP.prefetch,
  };
  const results: BenchResult[] = [
    { name: 'amqp/flotilla', params, value: median(ours), unit: 'tasks/s' },
    {
      name: 'amqp/flotilla',
      params: { ...params, maxTasksPerMessage: 1 },
      value: median(oursOne),
      unit: 'tasks/s',
    },
    { name: 'amqp/raw-client', params, value: median(raw), unit: 'tasks/s' },
    {
      name: 'amqp/flotilla',
      params: { ...params, persistent: 'no' },
      value: median(oursTransient),
      unit: 'tasks/s',
    },
    {
      name: 'amqp/raw-client',
      params: { ...params, persistent: 'no' },
      value: median(rawTransient),
      unit: 'tasks/s',
    },
    { name: 'amqp/bullmq', params: { ...params, prefetch: 'n/a' }, value: median(bull), unit: 'tasks/s' },
  ];
  const comparisons: BenchComparison[] = [
    comparison('amqp-vs-raw-client', median(ours), median(raw)),
    comparison('amqp-vs-bullmq', median(ours), median(bull)),
    comparison('amqp-one-per-message-vs-raw-client', median(oursOne), median(raw)),
    comparison('amqp-one-per-message-vs-bullmq', median(oursOne), median(bull)),
    comparison('amqp-transient-vs-raw-client', median(oursTransient), median(rawTransient)),
    comparison('amqp-transient-vs-bullmq', median(oursTransient), median(bull)),
  ];
  const targets: Record<string, number> = { 'amqp-vs-raw-client': 0.8, 'amqp-vs-bullmq': 2 };
  log('');
  log(
    formatTable(
      ['comparison', 'ours/s', 'peer/s', 'ratio', 'target'],
      comparisons.map((c) => [
        c.name,
        formatCount(c.ours),
        formatCount(c.peer),
        `${c.ratio.toFixed(2)}×`,
        targets[c.name] === undefined ? '(for reference)' : `≥ ${targets[c.name]}×`,
      ]),
    ),
  );
  return {
    suite: 'amqp',
    results,
    comparisons,
    // The targets are on the default (persistent) transport; the transient pair is context.
    checks: comparisons.slice(0, 2).map((c) => ({
      name: c.name,
      value: c.ratio,
      limit: targets[c.name] as number,
      pass: c.ratio >= (targets[c.name] as number),
      description:
        c.name === 'amqp-vs-raw-client' ? "≥ 80% of the raw client's throughput" : "≥ 2× BullMQ's throughput",
    })),
  };
}
