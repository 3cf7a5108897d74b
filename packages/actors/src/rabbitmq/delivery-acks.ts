import { ConsumerStatus } from 'rabbitmq-client';

/** What of a rabbitmq-client Channel the acknowledgements need. */
export interface AckChannel {
  readonly active: boolean;
  basicAck(params: { deliveryTag: number; multiple?: boolean }): void;
  basicNack(params: { deliveryTag: number; requeue?: boolean }): void;
}

/**
 * The acknowledgements of one channel's deliveries, gathered per turn: one `basic.ack` with
 * `multiple: true` for the run of deliveries, from the oldest unacknowledged one up, that have all
 * finished, and one `basic.ack` each for those that finished out of order (a lower tag still running).
 * The broker's cost is per frame, so a turn's 40 acks cost it one instead of 40; an ack is never held
 * back for a slower sibling (that would shrink the prefetch window behind a long task). A multiple ack
 * covers exactly the deliveries it should: every lower tag has finished, and those already answered
 * (acknowledged out of order, or requeued) are no longer the broker's, so it skips them.
 *
 * Requeues go out at once, alone. A channel that closed has taken its deliveries with it (the broker
 * redelivers them): nothing is sent on it.
 */
export class DeliveryAcks {
  /** Delivery tags not yet covered by a multiple ack, in delivery order (ascending), read from `head`. */
  private tags: number[] = [];
  private head = 0;
  /** Finished deliveries among `tags`: 'ack' still to send, 'sent' answered on its own already. */
  private readonly finished = new Map<number, 'ack' | 'sent'>();
  private scheduled = false;

  constructor(
    private readonly channel: AckChannel,
    /** Runs `flush` once this turn's deliveries have finished, before the turn's writes leave. */
    private readonly schedule: (flush: () => void) => void,
  ) {}

  /** A delivery arrived (tags ascend on a channel). */
  delivered(deliveryTag: number): void {
    this.tags.push(deliveryTag);
  }

  /** A delivery's handler finished with `status`. */
  finish(deliveryTag: number, status: ConsumerStatus): void {
    if (!this.channel.active) return;
    if (status === ConsumerStatus.ACK) {
      this.finished.set(deliveryTag, 'ack');
      if (!this.scheduled) {
        this.scheduled = true;
        this.schedule(this.flush);
      }
      return;
    }
    this.finished.set(deliveryTag, 'sent');
    this.send(() => this.channel.basicNack({ deliveryTag, requeue: status === ConsumerStatus.REQUEUE }));
  }

  /** Sends the acks gathered so far (also on close, before the channel goes). */
  readonly flush = (): void => {
    this.scheduled = false;
    if (!this.channel.active) return;
    let highest: number | undefined;
    while (this.head < this.tags.length) {
      const tag = this.tags[this.head] as number;
      const state = this.finished.get(tag);
      if (state === undefined) break; // still running: nothing above it may be acked with `multiple`
      if (state === 'ack') highest = tag;
      this.finished.delete(tag);
      this.head++;
    }
    if (highest !== undefined) {
      const deliveryTag = highest;
      this.send(() => this.channel.basicAck({ deliveryTag, multiple: true }));
    }
    for (const [deliveryTag, state] of this.finished) {
      if (state !== 'ack') continue;
      this.finished.set(deliveryTag, 'sent');
      this.send(() => this.channel.basicAck({ deliveryTag }));
    }
    if (this.head > 1024 && this.head * 2 > this.tags.length) {
      this.tags = this.tags.slice(this.head);
      this.head = 0;
    }
  };

  private send(frame: () => void): void {
    try {
      frame();
    } catch {
      // The channel closed under us: the broker redelivers what it held.
    }
  }
}
