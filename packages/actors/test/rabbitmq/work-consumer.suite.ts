import { expect, it } from 'vitest';
import { Connection, ConsumerStatus, type AsyncMessage } from 'rabbitmq-client';
import { systemClock } from '@flotilla/core';
import { socketOf, TurnCork } from '../../src/rabbitmq/turn-cork.js';
import { WorkConsumer } from '../../src/rabbitmq/work-consumer.js';
import { BROKER_URL, uniquePrefix } from './broker.js';

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  for (let waited = 0; !condition(); waited += 10) {
    if (waited > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A connection, a fresh durable queue holding `count` messages ("0", "1", …), and a consumer on it. */
async function consumerOn(count: number, prefetchCount: number) {
  const connection = new Connection({ url: BROKER_URL, retryLow: 50, retryHigh: 200 });
  connection.on('error', () => undefined);
  await connection.onConnect(5_000, true);
  const queue = `${uniquePrefix()}.work`;
  await connection.queueDeclare({ queue, durable: true });
  const publisher = connection.createPublisher({ confirm: true });
  for (let i = 0; i < count; i++) await publisher.send({ routingKey: queue, durable: true }, String(i));
  await publisher.close();
  const deliveries: { message: AsyncMessage; finish: (status: ConsumerStatus) => void }[] = [];
  const errors: unknown[] = [];
  const cork = new TurnCork(connection, (release) => setImmediate(release));
  const consumer = new WorkConsumer(
    connection,
    { queue, queueOptions: { queue, durable: true }, queueBindings: [], exchanges: [], prefetchCount },
    (message) => new Promise<ConsumerStatus>((finish) => deliveries.push({ message, finish })),
    { clock: systemClock, atTurnEnd: (flush) => cork.atRelease(flush), retryLowMs: 50, retryHighMs: 200 },
  );
  consumer.on('error', (error: unknown) => errors.push(error));
  const remaining = async () => (await connection.queueDeclare({ queue, passive: true })).messageCount;
  const finish = async () => {
    await consumer.close();
    const left = await remaining();
    await connection.queueDelete({ queue });
    await connection.close();
    return left;
  };
  return { connection, consumer, deliveries, errors, finish };
}

/** The multiple acks on a real broker: a wrong one (an unknown tag) would close the channel with an error. */
export function workConsumerOnBroker(): void {
  it('acknowledges deliveries that finish out of order, and requeues, without a channel error', async () => {
    const { deliveries, errors, finish } = await consumerOn(30, 30);
    await until(() => deliveries.length === 30, '30 deliveries');
    // Finish in an order that interleaves running and finished tags, across several turns.
    const order = [...deliveries.keys()].sort((a, b) => ((a * 17) % 31) - ((b * 17) % 31));
    for (const [i, index] of order.entries()) {
      const { message, finish: end } = deliveries[index] as (typeof deliveries)[number];
      end(message.body === '7' || message.body === '8' ? ConsumerStatus.REQUEUE : ConsumerStatus.ACK);
      if (i % 4 === 0) await new Promise((r) => setImmediate(r));
    }
    await until(() => deliveries.length === 32, 'the two requeued messages back');
    for (const { finish: end } of deliveries.slice(30)) end(ConsumerStatus.ACK);
    expect(await finish()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('after a cut connection, consumes the redelivered messages again and acknowledges each once', async () => {
    const { connection, deliveries, finish } = await consumerOn(10, 10);
    await until(() => deliveries.length === 10, '10 deliveries');
    deliveries[0]?.finish(ConsumerStatus.ACK); // acknowledged before the cut (in this turn's write)…
    await new Promise((r) => setImmediate(r));
    (socketOf(connection) as unknown as { destroy(): void }).destroy();
    await until(() => deliveries.length >= 19, 'the 9 unacknowledged messages redelivered');
    // …and the others, finished late on the dead channel: nothing is sent for them.
    for (const { finish: end } of deliveries.slice(1, 10)) end(ConsumerStatus.ACK);
    const again = deliveries.slice(10);
    expect(again.every(({ message }) => message.redelivered)).toBe(true);
    expect(new Set(again.map(({ message }) => message.body)).size).toBe(again.length);
    for (const { finish: end } of again) end(ConsumerStatus.ACK);
    expect(await finish()).toBe(0);
  });
}
