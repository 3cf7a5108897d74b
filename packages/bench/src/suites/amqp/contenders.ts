import { Connection, type AsyncMessage } from 'rabbitmq-client';
import { Queue, Worker } from 'bullmq';
import { createFleet, deleteTopology, rabbitmq, startAgentProcess } from '@flotilla/actors';
import { closedLoop, NOOP_MODULE } from '../runtime/workloads.js';

/** What every contender shares: the same broker or Redis, the same concurrency, the same closed loop. */
export interface AmqpBenchSetup {
  readonly url: string;
  /** Handlers running at once on the consumer. */
  readonly concurrency: number;
  /** Consumer prefetch (capacity + queue limit). */
  readonly prefetch: number;
  /** Tasks kept in flight by the submitter. */
  readonly window: number;
  readonly tasks: number;
  /** Persistent messages (to disk) or transient ones, for both Flotilla and the raw client. */
  readonly persistent: boolean;
  /** Flotilla only: the transport's `maxTasksPerMessage`; unset, its default (4). */
  readonly maxTasksPerMessage?: number;
}

const noop = (payload: unknown): unknown => payload;

/**
 * Tasks each contender runs, untimed, before it is measured, in the same closed loop: every contender's
 * Node side (and each run's fresh queues) gets past its cold start. With 2,000, Flotilla's first run of a
 * suite was still its slowest by a quarter.
 */
const WARM_UP_TASKS = 5_000;

/** Flotilla: createFleet over the RabbitMQ transport, one agent process (in this process) serving the type. */
export async function flotillaAmqp(setup: AmqpBenchSetup, prefix: string): Promise<number> {
  const agents = await startAgentProcess({
    url: setup.url,
    prefix,
    persistent: setup.persistent,
    agents: [
      {
        type: 'noop',
        module: NOOP_MODULE,
        capacity: setup.concurrency,
        queueLimit: setup.prefetch - setup.concurrency,
      },
    ],
  });
  const fleet = createFleet({
    transport: rabbitmq({
      url: setup.url,
      prefix,
      persistent: setup.persistent,
      ...(setup.maxTasksPerMessage === undefined ? {} : { maxTasksPerMessage: setup.maxTasksPerMessage }),
    }),
    agents: [{ type: 'noop', capacity: setup.window }],
    seed: 1,
  });
  await fleet.ready();
  const run = (i: number) => fleet.submit({ type: 'noop', payload: i }).result;
  await closedLoop(run, Math.min(WARM_UP_TASKS, setup.tasks), setup.window); // warm-up
  const rate = await closedLoop(run, setup.tasks, setup.window);
  await fleet.close();
  await agents.drain();
  // Durable queues and exchanges outlive the run: without this, every bench run left its own on the broker.
  await deleteTopology({ url: setup.url, prefix }, ['noop']);
  return rate;
}

/**
 * The raw client: rabbitmq-client publish and consume, with what Flotilla's transport guarantees and
 * nothing else — a durable queue, persistent messages, publisher confirms on both legs, the same prefetch
 * and concurrency, a result message per task back to the submitter's queue, matched by correlation id.
 */
export async function rawClientAmqp(setup: AmqpBenchSetup, prefix: string): Promise<number> {
  const connection = new Connection({ url: setup.url, noDelay: true });
  const workQueue = `${prefix}.raw.work`;
  const replyQueue = `${prefix}.raw.reply`;
  await connection.queueDeclare({ queue: workQueue, durable: true });
  await connection.queueDeclare({ queue: replyQueue, durable: true });
  const publisher = connection.createPublisher({ confirm: true });
  const waiting = new Map<string, (value: unknown) => void>();
  const worker = connection.createConsumer(
    {
      queue: workQueue,
      queueOptions: { durable: true },
      qos: { prefetchCount: setup.prefetch },
      concurrency: setup.concurrency,
    },
    async (message: AsyncMessage) => {
      const result = noop(JSON.parse((message.body as Buffer).toString()) as unknown);
      await publisher.send(
        { routingKey: replyQueue, correlationId: message.correlationId as string, durable: setup.persistent },
        Buffer.from(JSON.stringify(result)),
      );
    },
  );
  const replies = connection.createConsumer(
    { queue: replyQueue, queueOptions: { durable: true }, qos: { prefetchCount: 1_000 } },
    (message: AsyncMessage) => {
      waiting.get(message.correlationId as string)?.(message.body);
      waiting.delete(message.correlationId as string);
    },
  );
  let next = 0;
  const run = (i: number): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = String(next++);
      waiting.set(id, resolve);
      publisher
        .send(
          { routingKey: workQueue, correlationId: id, durable: setup.persistent },
          Buffer.from(JSON.stringify(i)),
        )
        .catch(reject);
    });
  await closedLoop(run, Math.min(WARM_UP_TASKS, setup.tasks), setup.window);
  const rate = await closedLoop(run, setup.tasks, setup.window);
  await worker.close();
  await replies.close();
  await publisher.close();
  await connection.queueDelete({ queue: workQueue });
  await connection.queueDelete({ queue: replyQueue });
  await connection.close();
  return rate;
}

/** BullMQ on the local Redis: a Worker with the same concurrency; each completion submits the next job. */
export async function bullmqRedis(setup: AmqpBenchSetup, prefix: string): Promise<number> {
  const connection = { host: '127.0.0.1', port: 6379 };
  const queue = new Queue(`${prefix}-bullmq`, { connection });
  const waiting = new Map<string, (value: unknown) => void>();
  const worker = new Worker(`${prefix}-bullmq`, async (job) => noop(job.data), {
    connection,
    concurrency: setup.concurrency,
  });
  worker.on('completed', (job, result) => {
    waiting.get(job.id as string)?.(result);
    waiting.delete(job.id as string);
  });
  await worker.waitUntilReady();
  let next = 0;
  const run = (i: number): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const jobId = `j${next++}`;
      waiting.set(jobId, resolve);
      queue.add('noop', i, { jobId, removeOnComplete: true, removeOnFail: true }).catch(reject);
    });
  await closedLoop(run, Math.min(WARM_UP_TASKS, setup.tasks), setup.window);
  const rate = await closedLoop(run, setup.tasks, setup.window);
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  return rate;
}
