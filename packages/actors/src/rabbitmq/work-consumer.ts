import { EventEmitter } from 'node:events';
import {
  ConsumerStatus,
  type AsyncMessage,
  type Channel,
  type Connection,
  type ConsumerProps,
} from 'rabbitmq-client';
import type { Clock, TimerHandle } from '@flotilla/core';
import { DeliveryAcks } from './delivery-acks.js';

/** What a work queue consumer declares and how much it prefetches. */
export interface WorkConsumerProps {
  readonly queue: string;
  readonly queueOptions: NonNullable<ConsumerProps['queueOptions']>;
  readonly queueBindings: NonNullable<ConsumerProps['queueBindings']>;
  readonly exchanges: NonNullable<ConsumerProps['exchanges']>;
  readonly prefetchCount: number;
}

/** How a work consumer waits and batches. */
export interface WorkConsumerTiming {
  readonly clock: Clock;
  /** Runs a channel's gathered acks at the end of the turn, before the turn's writes leave. */
  readonly atTurnEnd: (flush: () => void) => void;
  /** Retry backoff after a failed setup: step and ceiling, ms. */
  readonly retryLowMs: number;
  readonly retryHighMs: number;
}

/**
 * A work queue's consumer: rabbitmq-client's `Consumer` with every prefetched message handed over at once,
 * except that acknowledgements are gathered per turn ({@link DeliveryAcks}: one multiple ack for what
 * finished in order), which the client's own consumer cannot do (it acks each message alone). Like it,
 * it declares the queue, its exchanges and bindings on every (re)connection, consumes again after a lost
 * channel or a `basic.cancel` from the broker, retries a failed setup with backoff, and emits `ready` and
 * `error`. A message's handler resolves with its status; one that throws is requeued.
 */
export class WorkConsumer extends EventEmitter {
  private channel: Channel | undefined;
  private acks: DeliveryAcks | undefined;
  private consumerTag = '';
  private closing = false;
  private settingUp: Promise<void> | undefined;
  private retryTimer: TimerHandle | undefined;
  private retries = 0;
  /** Handlers not yet finished: `close` waits for them. */
  private readonly processing = new Set<Promise<void>>();

  constructor(
    private readonly connection: Connection,
    private readonly props: WorkConsumerProps,
    private readonly handler: (message: AsyncMessage) => Promise<ConsumerStatus>,
    private readonly timing: WorkConsumerTiming,
  ) {
    super();
    this.connect();
  }

  /** Stops consuming, waits for the handlers of what was delivered, sends their acks and closes the channel. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.retryTimer !== undefined) this.timing.clock.clearTimer(this.retryTimer);
    this.retryTimer = undefined;
    await this.settingUp;
    const channel = this.channel;
    if (channel?.active && this.consumerTag !== '')
      await channel.basicCancel({ consumerTag: this.consumerTag }).catch(() => undefined);
    await Promise.allSettled([...this.processing]);
    this.acks?.flush();
    await channel?.close().catch(() => undefined);
  }

  /** Sets up a channel, unless one is being set up or a retry is already due. */
  private connect(): void {
    if (this.closing || this.settingUp !== undefined || this.retryTimer !== undefined) return;
    this.settingUp = this.setup()
      .then(
        () => {
          this.retries = 0;
          process.nextTick(() => this.emit('ready'));
        },
        (error: unknown) => {
          if (this.closing) return;
          // Only the first failure in a row is told: a broker refusing a declaration would repeat it forever.
          if (this.retries === 0) process.nextTick(() => this.tell(error));
          this.retryLater();
        },
      )
      .finally(() => (this.settingUp = undefined));
  }

  private retryLater(): void {
    if (this.closing || this.retryTimer !== undefined) return;
    const { retryLowMs, retryHighMs } = this.timing;
    const delayMs = Math.min(retryHighMs, retryLowMs * 2 ** Math.min(this.retries++, 16));
    this.retryTimer = this.timing.clock.setTimer(delayMs, () => {
      this.retryTimer = undefined;
      this.connect();
    });
  }

  /** An error nobody listens for is dropped, not thrown: the consumer retries on its own. */
  private tell(error: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }

  private async setup(): Promise<void> {
    const channel = await this.connection.acquire({ emitErrorsFromChannel: true });
    this.channel = channel;
    const acks = new DeliveryAcks(channel, this.timing.atTurnEnd);
    this.acks = acks;
    channel.on('error', (error: unknown) => this.tell(error));
    channel.once('close', () => {
      if (this.channel === channel) this.consumerTag = '';
      // The connection dropped, or the broker closed the channel: its deliveries are redelivered.
      if (!this.closing) queueMicrotask(() => this.connect());
    });
    if (this.closing) return void (await channel.close().catch(() => undefined));
    const { props } = this;
    await channel.queueDeclare({ ...props.queueOptions, queue: props.queue });
    for (const exchange of props.exchanges) await channel.exchangeDeclare(exchange);
    for (const binding of props.queueBindings) await channel.queueBind(binding);
    await channel.basicQos({ prefetchCount: props.prefetchCount });
    const { consumerTag } = await channel.basicConsume({ queue: props.queue }, (message) =>
      this.deliver(acks, message),
    );
    this.consumerTag = consumerTag;
    // The queue was deleted: the channel still works, but consumes nothing; consume again (and declare).
    channel.once('basic.cancel', () => {
      if (!this.closing) channel.close().catch(() => undefined); // its 'close' reconnects
    });
  }

  private deliver(acks: DeliveryAcks, message: AsyncMessage): void {
    const deliveryTag = message.deliveryTag;
    acks.delivered(deliveryTag);
    const handled = this.handler(message).then(
      (status) => acks.finish(deliveryTag, status),
      (error: unknown) => {
        acks.finish(deliveryTag, ConsumerStatus.REQUEUE);
        this.tell(error);
      },
    );
    this.processing.add(handled);
    void handled.finally(() => this.processing.delete(handled));
  }
}
