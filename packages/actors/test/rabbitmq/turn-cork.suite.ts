import { expect, it } from 'vitest';
import { Connection } from 'rabbitmq-client';
import { socketOf, TurnCork } from '../../src/rabbitmq/turn-cork.js';
import { connectionOptions, WRITE_BUFFER_BYTES } from '../../src/rabbitmq/connection-options.js';
import { BROKER_URL, uniquePrefix } from './broker.js';

/**
 * The cork reaches into rabbitmq-client's private socket: this fails if an upgrade moves it, which would
 * otherwise only show as lost throughput (writes unbatched again, everything still correct).
 */
export function turnCorkOnBroker(): void {
  it("finds rabbitmq-client's socket, and what it held reaches the broker once released", async () => {
    const connection = new Connection(connectionOptions({ url: BROKER_URL }).client);
    connection.on('error', () => undefined);
    try {
      await connection.onConnect(5_000, true);
      const socket = socketOf(connection) as unknown as
        { writableCorked: number; writableHighWaterMark: number } | undefined;
      expect(socket).toBeDefined();
      // The transport's sockets buffer a whole turn before the client waits for them to drain.
      expect(socket?.writableHighWaterMark).toBe(WRITE_BUFFER_BYTES);
      const queue = `${uniquePrefix()}.cork`;
      await connection.queueDeclare({ queue, exclusive: true });
      const publisher = connection.createPublisher({ confirm: true });
      await publisher.send(queue, 'warm'); // opens the publisher's channel
      let released: (() => void) | undefined;
      const cork = new TurnCork(connection, (release) => (released = release));
      cork.hold();
      expect(socket?.writableCorked).toBe(1);
      const sent = publisher.send(queue, 'held');
      released?.();
      expect(socket?.writableCorked).toBe(0);
      await sent; // confirmed: the frames left the socket
      expect((await connection.queueDeclare({ queue, exclusive: true })).messageCount).toBe(2);
      await publisher.close();
    } finally {
      await connection.close();
    }
  });
}
