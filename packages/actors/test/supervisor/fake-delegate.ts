import type { Delegate, DelegateRequest } from '../../src/supervisor/index.js';

/** One delegation seen by a {@link FakeFleet}, settled by the test. */
export interface FakeCall {
  readonly key: string;
  readonly request: DelegateRequest;
  /** Sequence number of the delegation. */
  readonly seq: number;
  settled: boolean;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * A delegate whose promises the test settles by hand, in whatever order it likes. Calls are keyed
 * `<stepId>#<attempt>`.
 */
export class FakeFleet {
  readonly calls: FakeCall[] = [];
  /** Order in which calls were settled, by key. */
  readonly settledOrder: string[] = [];

  readonly delegate: Delegate = (request) =>
    new Promise((resolve, reject) => {
      const key = `${request.stepId}#${request.attempt}`;
      const call: FakeCall = {
        key,
        request,
        seq: this.calls.length,
        settled: false,
        resolve: (value) => {
          this.settle(call);
          resolve(value);
        },
        reject: (error) => {
          this.settle(call);
          reject(error);
        },
      };
      this.calls.push(call);
    });

  /** Delegated and not settled yet. */
  pending(): FakeCall[] {
    return this.calls.filter((call) => !call.settled);
  }

  call(key: string): FakeCall {
    const call = this.calls.find((c) => c.key === key);
    if (call === undefined)
      throw new Error(`no delegation ${key}; have ${this.calls.map((c) => c.key).join(', ')}`);
    return call;
  }

  private settle(call: FakeCall): void {
    if (call.settled) throw new Error(`${call.key} settled twice`);
    call.settled = true;
    this.settledOrder.push(call.key);
  }
}
