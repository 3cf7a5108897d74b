import { setup, type SnapshotFrom } from 'xstate';

/**
 * Events of {@link delegatorMachine}. `DEPTH_HIGH`, `DEPTH_LOW` and `IDLE` come from the data plane (the
 * queue and the in-flight counts), the rest from operators through the fleet API.
 */
export type DelegatorEvent =
  /** The central queue reached its high watermark (core's `admissionTransition` turned to `backpressure`). */
  | { type: 'DEPTH_HIGH' }
  /** The central queue fell to its low watermark. */
  | { type: 'DEPTH_LOW' }
  | { type: 'PAUSE' }
  | { type: 'RESUME' }
  /** `fleet.close({ drain })`: finish what was admitted (`drain: true`) or stop at once. */
  | { type: 'CLOSE'; drain: boolean }
  /** The queue is empty and nothing is in flight. */
  | { type: 'IDLE' };

/** How the delegator treats a new submission, per {@link admissionOf}. */
export type Admission = 'accept' | 'shed-low' | 'reject-all';

/**
 * The delegator's admission mode (control plane; the per-task path only reads it through
 * {@link admissionOf} and {@link dispatchAllowed}, kept in a plain variable by a subscription).
 *
 * `accepting` ⇄ `backpressure` on `DEPTH_HIGH`/`DEPTH_LOW`, which the data plane raises on a watermark
 * crossing (the hysteresis itself is core's `admissionTransition`). `PAUSE` from either → `paused`, and
 * `RESUME` → `accepting`: `paused` remembers nothing and ignores depth events, so after `RESUME` the runtime
 * sends `DEPTH_HIGH` again if the queue is still above its high watermark. `CLOSE` from `accepting`,
 * `backpressure` or `paused` → `draining` (`drain: true`) or `closed` (`drain: false`); in `draining`,
 * `IDLE` → `closed`, and `CLOSE` with `drain: false` escalates a graceful close to an immediate one.
 * `closed` is final. Events a state does not name are ignored. No timers.
 *
 * @example
 * ```ts
 * const delegator = createActor(delegatorMachine, { clock: toXStateClock(clock) }).start();
 * delegator.send({ type: 'DEPTH_HIGH' });
 * admissionOf(delegator.getSnapshot()); // 'shed-low'
 * delegator.send({ type: 'CLOSE', drain: true }); // 'draining' until the runtime sends IDLE
 * ```
 */
export const delegatorMachine = setup({
  types: {
    events: {} as DelegatorEvent,
  },
  guards: {
    drain: (_, params: { drain: boolean }) => params.drain,
    immediate: (_, params: { drain: boolean }) => !params.drain,
  },
}).createMachine({
  id: 'delegator',
  initial: 'accepting',
  states: {
    accepting: {
      on: {
        DEPTH_HIGH: 'backpressure',
        PAUSE: 'paused',
        CLOSE: [
          { guard: { type: 'drain', params: ({ event }) => event }, target: 'draining' },
          { target: 'closed' },
        ],
      },
    },
    backpressure: {
      on: {
        DEPTH_LOW: 'accepting',
        PAUSE: 'paused',
        CLOSE: [
          { guard: { type: 'drain', params: ({ event }) => event }, target: 'draining' },
          { target: 'closed' },
        ],
      },
    },
    paused: {
      on: {
        RESUME: 'accepting',
        CLOSE: [
          { guard: { type: 'drain', params: ({ event }) => event }, target: 'draining' },
          { target: 'closed' },
        ],
      },
    },
    draining: {
      on: {
        IDLE: 'closed',
        CLOSE: { guard: { type: 'immediate', params: ({ event }) => event }, target: 'closed' },
      },
    },
    closed: { type: 'final' },
  },
});

/** A snapshot of {@link delegatorMachine}. */
export type DelegatorSnapshot = SnapshotFrom<typeof delegatorMachine>;

/** The states of {@link delegatorMachine}. */
export type DelegatorStateValue = DelegatorSnapshot['value'];

/**
 * How a new submission is admitted in the delegator's state: `accepting` → `accept`; `backpressure` →
 * `shed-low` (the shed priorities are rejected with reason `backpressure`); `paused` → `accept` (queued,
 * not dispatched: see {@link dispatchAllowed}); `draining` and `closed` → `reject-all` (reason
 * `shutting-down`).
 *
 * @example
 * ```ts
 * let admission = admissionOf(delegator.getSnapshot());
 * delegator.subscribe((snapshot) => (admission = admissionOf(snapshot))); // read per task, for free
 * ```
 */
export function admissionOf(snapshot: DelegatorSnapshot): Admission {
  switch (snapshot.value) {
    case 'accepting':
    case 'paused':
      return 'accept';
    case 'backpressure':
      return 'shed-low';
    default:
      // draining, closed; also an actor that never ran.
      return 'reject-all';
  }
}

/**
 * Whether queued work may be handed to agents: false while `paused` (work queues up) and once `closed`;
 * true in `accepting`, `backpressure` and `draining` (a drain dispatches what was admitted).
 *
 * @example
 * ```ts
 * if (dispatchAllowed(delegator.getSnapshot())) dispatchReady();
 * ```
 */
export function dispatchAllowed(snapshot: DelegatorSnapshot): boolean {
  switch (snapshot.value) {
    case 'accepting':
    case 'backpressure':
    case 'draining':
      return true;
    default:
      return false;
  }
}
