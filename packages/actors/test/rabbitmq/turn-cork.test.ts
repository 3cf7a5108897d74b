import { describe, expect, it } from 'vitest';
import type { Connection } from 'rabbitmq-client';
import { socketOf, TurnCork } from '../../src/rabbitmq/turn-cork.js';

/** A socket that records cork depth and what each uncork to depth 0 would have sent. */
function fakeSocket() {
  const socket = {
    depth: 0,
    flushes: 0,
    writable: true,
    cork() {
      socket.depth++;
    },
    uncork() {
      if (socket.depth > 0 && --socket.depth === 0) socket.flushes++;
    },
  };
  return socket;
}

function connectionWith(socket: unknown): Connection {
  return { _socket: socket } as unknown as Connection;
}

describe('TurnCork', () => {
  it('holds once per turn and releases at the end of it', () => {
    const socket = fakeSocket();
    const scheduled: (() => void)[] = [];
    const cork = new TurnCork(connectionWith(socket), (release) => scheduled.push(release));
    cork.hold();
    cork.hold();
    expect(socket.depth).toBe(1);
    expect(scheduled).toHaveLength(1);
    scheduled.shift()?.();
    expect(socket).toMatchObject({ depth: 0, flushes: 1 });
    cork.hold(); // a new turn holds again
    expect(socket.depth).toBe(1);
    expect(scheduled).toHaveLength(1);
  });

  it("keeps the client's own corks balanced (a blocked connection stays corked)", () => {
    const socket = fakeSocket();
    const scheduled: (() => void)[] = [];
    const cork = new TurnCork(connectionWith(socket), (release) => scheduled.push(release));
    socket.cork(); // connection.blocked
    cork.hold();
    scheduled.shift()?.();
    expect(socket).toMatchObject({ depth: 1, flushes: 0 });
  });

  it('does nothing without a usable socket: not connected, closed, or a client that keeps it elsewhere', () => {
    const scheduled: (() => void)[] = [];
    for (const socket of [undefined, null, {}, { ...fakeSocket(), writable: false }]) {
      new TurnCork(connectionWith(socket), (release) => scheduled.push(release)).hold();
    }
    expect(scheduled).toHaveLength(0);
    expect(socketOf(connectionWith({ cork: 1, uncork: 2 }))).toBeUndefined();
  });
});
