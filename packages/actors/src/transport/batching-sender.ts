import { PROTOCOL_VERSION, type Batch } from '../protocol/messages.js';

/**
 * Collects messages per destination and hands each destination one batch per turn of the event loop.
 * One postMessage per batch instead of per message is what makes small tasks cheap: the structured clone
 * and the wake-up of the receiving thread are paid once for hundreds of messages.
 */
export class BatchingSender<M> {
  private pending: M[][] = [];
  private scheduled = false;

  constructor(
    private readonly post: (destination: number, batch: Batch<M>) => void,
    /** Rewrites a batch before it leaves, e.g. into columns (`packCommands`, `packEvents`). */
    private readonly pack: (messages: M[]) => M[] = (messages) => messages,
  ) {}

  send(destination: number, message: M): void {
    (this.pending[destination] ??= []).push(message);
    if (!this.scheduled) {
      this.scheduled = true;
      // A microtask runs once the current synchronous work (e.g. a whole submitMany) is done.
      queueMicrotask(this.flush);
    }
  }

  /**
   * The last message queued for `destination` in this turn, if any. A caller may append to it in place
   * (a column batch still open) instead of queueing one message per item: that is how runs and results
   * travel as columns without an object per task.
   */
  tail(destination: number): M | undefined {
    const messages = this.pending[destination];
    return messages === undefined ? undefined : messages[messages.length - 1];
  }

  /** Sends everything pending now. */
  readonly flush = (): void => {
    this.scheduled = false;
    const pending = this.pending;
    this.pending = [];
    pending.forEach((messages, destination) => {
      if (messages !== undefined && messages.length > 0) {
        this.post(destination, { v: PROTOCOL_VERSION, messages: this.pack(messages) });
      }
    });
  };

  /** Drops everything pending for `destination` (it is gone). */
  discard(destination: number): void {
    this.pending[destination] = [];
  }
}
