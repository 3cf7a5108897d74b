import type { Connection } from 'rabbitmq-client';

/** What of a net.Socket the cork needs. */
interface Corkable {
  cork(): void;
  uncork(): void;
  readonly writable: boolean;
}

/**
 * Holds one connection's socket writes until the end of the current turn of the event loop, so that the
 * frames a turn produces (its publishes, the acknowledgements its confirms released) leave in one
 * `writev` instead of one syscall each. rabbitmq-client writes every publish and every ack to the socket
 * on its own (and corks only around one publish's frames); on loopback that was about 28% of the
 * delegator and agent's time, two syscalls per task message.
 *
 * The socket is rabbitmq-client's private `_socket` (5.x): there is no public way to batch frames. If a
 * later version renames or drops it, {@link socketOf} finds nothing and writes go out unbatched, as
 * before; the broker test in `turn-cork.suite.ts` fails so that the loss does not go unnoticed. Corks nest (the client's own
 * cork, and the one it holds while the broker blocks the connection, stay balanced), and `end()` uncorks
 * everything, so a socket closed while held loses nothing.
 */
export class TurnCork {
  private held: Corkable | undefined;
  private beforeRelease: (() => void)[] = [];

  constructor(
    private readonly connection: Connection,
    /** Runs `release` once the current turn is over; the transport passes `setImmediate`. */
    private readonly schedule: (release: () => void) => void,
  ) {}

  /** Holds this turn's writes (no-op if already held, or if the socket cannot be found). */
  hold(): void {
    if (this.held !== undefined) return;
    const socket = socketOf(this.connection);
    if (socket === undefined || !socket.writable) return;
    socket.cork();
    this.held = socket;
    this.schedule(this.release);
  }

  /**
   * Runs `write` at the end of this turn, just before what was held leaves, so that its frames (a
   * turn's gathered acks) travel in the same write.
   */
  atRelease(write: () => void): void {
    this.hold();
    if (this.held === undefined) this.schedule(write);
    else this.beforeRelease.push(write);
  }

  /** Sends what was held. */
  readonly release = (): void => {
    const writes = this.beforeRelease;
    this.beforeRelease = [];
    const socket = this.held;
    this.held = undefined;
    try {
      for (const write of writes) write();
    } finally {
      socket?.uncork();
    }
  };
}

/** The connection's current socket (a new one after every reconnect), if the client still keeps it there. */
export function socketOf(connection: Connection): Corkable | undefined {
  const socket = (connection as unknown as { _socket?: unknown })._socket;
  if (typeof socket !== 'object' || socket === null) return undefined;
  const candidate = socket as Partial<Corkable>;
  return typeof candidate.cork === 'function' && typeof candidate.uncork === 'function'
    ? (candidate as Corkable)
    : undefined;
}
