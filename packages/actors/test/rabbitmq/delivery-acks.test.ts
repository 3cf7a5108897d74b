import { describe, expect, it } from 'vitest';
import { ConsumerStatus } from 'rabbitmq-client';
import { DeliveryAcks } from '../../src/rabbitmq/delivery-acks.js';

/** A channel that records the frames it was asked to send, as the broker would see them. */
function recordingChannel() {
  const frames: string[] = [];
  const channel = {
    active: true,
    basicAck: ({ deliveryTag, multiple }: { deliveryTag: number; multiple?: boolean }) =>
      frames.push(`ack ${deliveryTag}${multiple === true ? ' multiple' : ''}`),
    basicNack: ({ deliveryTag, requeue }: { deliveryTag: number; requeue?: boolean }) =>
      frames.push(`nack ${deliveryTag}${requeue === true ? ' requeue' : ''}`),
  };
  return { channel, frames };
}

/**
 * What the broker does with those frames (a multiple ack takes every unacknowledged tag up to its own,
 * which must be unacknowledged): throws where the broker would close the channel.
 */
function brokerView(delivered: number[], frames: readonly string[]): Set<number> {
  const unacked = new Set(delivered);
  for (const frame of frames) {
    const [, tagText, flag] = frame.split(' ');
    const tag = Number(tagText);
    if (!unacked.has(tag)) throw new Error(`unknown delivery tag ${tag} (${frame})`);
    if (flag !== 'multiple') {
      unacked.delete(tag);
      continue;
    }
    for (const t of [...unacked]) if (t <= tag) unacked.delete(t);
  }
  return unacked;
}

function setup() {
  const { channel, frames } = recordingChannel();
  const turnEnds: (() => void)[] = [];
  const acks = new DeliveryAcks(channel, (flush) => turnEnds.push(flush));
  const endTurn = () => turnEnds.splice(0).forEach((flush) => flush());
  return { channel, frames, acks, endTurn };
}

describe('DeliveryAcks', () => {
  it('acknowledges what finished in order with one multiple ack per turn', () => {
    const { frames, acks, endTurn } = setup();
    for (let tag = 1; tag <= 5; tag++) acks.delivered(tag);
    for (const tag of [2, 1, 3]) acks.finish(tag, ConsumerStatus.ACK);
    expect(frames).toEqual([]); // gathered until the turn ends
    endTurn();
    expect(frames).toEqual(['ack 3 multiple']);
    acks.finish(5, ConsumerStatus.ACK);
    acks.finish(4, ConsumerStatus.ACK);
    endTurn();
    expect(frames).toEqual(['ack 3 multiple', 'ack 5 multiple']);
    expect(brokerView([1, 2, 3, 4, 5], frames).size).toBe(0);
  });

  it('never covers a delivery still running: what finished above it is acknowledged alone', () => {
    const { frames, acks, endTurn } = setup();
    for (let tag = 1; tag <= 6; tag++) acks.delivered(tag);
    for (const tag of [1, 3, 4, 6]) acks.finish(tag, ConsumerStatus.ACK);
    endTurn();
    expect(frames).toEqual(['ack 1 multiple', 'ack 3', 'ack 4', 'ack 6']);
    expect([...brokerView([1, 2, 3, 4, 5, 6], frames)]).toEqual([2, 5]);
    // 2 finishes: the run 2..4 is complete, but 3 and 4 were sent already; only 2 is left to send.
    acks.finish(2, ConsumerStatus.ACK);
    endTurn();
    expect(frames.slice(4)).toEqual(['ack 2 multiple']);
    acks.finish(5, ConsumerStatus.ACK);
    endTurn();
    expect(frames.slice(5)).toEqual(['ack 5 multiple']);
    expect(brokerView([1, 2, 3, 4, 5, 6], frames).size).toBe(0);
  });

  it('requeues at once and alone, and a later multiple ack skips what was requeued', () => {
    const { frames, acks, endTurn } = setup();
    for (let tag = 1; tag <= 3; tag++) acks.delivered(tag);
    acks.finish(1, ConsumerStatus.ACK);
    acks.finish(2, ConsumerStatus.REQUEUE);
    expect(frames).toEqual(['nack 2 requeue']);
    acks.finish(3, ConsumerStatus.ACK);
    endTurn();
    expect(frames).toEqual(['nack 2 requeue', 'ack 3 multiple']);
    expect(brokerView([1, 2, 3], frames).size).toBe(0);
  });

  it('sends nothing on a channel that closed: the broker redelivers what it held', () => {
    const { channel, frames, acks, endTurn } = setup();
    acks.delivered(1);
    acks.delivered(2);
    acks.finish(1, ConsumerStatus.ACK);
    channel.active = false;
    acks.finish(2, ConsumerStatus.REQUEUE);
    endTurn();
    expect(frames).toEqual([]);
  });

  it('in any finishing order, over many turns, answers every delivery exactly once', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const { frames, acks, endTurn } = setup();
      const tags = Array.from({ length: 40 }, (_, i) => i + 1);
      tags.forEach((tag) => acks.delivered(tag));
      // A deterministic shuffle (no Math.random in tests either: reproducible failures).
      const order = [...tags].sort((a, b) => ((a * 7919 * seed) % 97) - ((b * 7919 * seed) % 97));
      order.forEach((tag, i) => {
        acks.finish(tag, (tag * seed) % 11 === 0 ? ConsumerStatus.REQUEUE : ConsumerStatus.ACK);
        if (i % (1 + (seed % 5)) === 0) endTurn();
      });
      endTurn();
      expect(brokerView(tags, frames).size).toBe(0);
    }
  });
});
