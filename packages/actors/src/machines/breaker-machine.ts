import { ConfigError, checkInteger, checkPositive } from '@flotilla/core';
import { assign, setup, type SnapshotFrom } from 'xstate';

/** Largest `halfOpenProbes` a breaker accepts. */
export const MAX_HALF_OPEN_PROBES = 1_000;

/** Input of {@link breakerMachine}. */
export interface BreakerInput {
  /** How long the breaker stays open before it admits probes; > 0. */
  readonly openDurationMs: number;
  /** Probes admitted per half-open episode, all of which must succeed; in `[1, MAX_HALF_OPEN_PROBES]`. */
  readonly halfOpenProbes: number;
}

/** Context of {@link breakerMachine}. */
export interface BreakerContext {
  openDurationMs: number;
  halfOpenProbes: number;
  /**
   * Probes admitted in the current half-open episode, finished or not (a finished probe does not free its
   * slot, so an episode admits exactly `halfOpenProbes`); 0 outside `halfOpen`.
   */
  probesInFlight: number;
  /** Probes of the current half-open episode that succeeded; ≤ `probesInFlight`; 0 outside `halfOpen`. */
  probeSuccesses: number;
  /** Times the breaker opened (from `closed` or from `halfOpen`); kept across `RESET`. */
  trips: number;
}

/**
 * Events of {@link breakerMachine}, sent by the runtime. `TRIP` follows its evaluation of core's breaker
 * windows and of the ejection cap (`canEject`); the `PROBE_*` events follow the tasks it dispatched while
 * {@link breakerAdmits} said yes in `halfOpen`.
 */
export type BreakerEvent =
  | { type: 'TRIP' }
  /** A probe task was dispatched to the agent. */
  | { type: 'PROBE_STARTED' }
  | { type: 'PROBE_SUCCEEDED' }
  /** A probe failed, timed out or was lost: every admitted probe must end in one `PROBE_*` outcome. */
  | { type: 'PROBE_FAILED' }
  /** Operator override, or the agent was restarted: back to `closed`. */
  | { type: 'RESET' };

/**
 * Validates a {@link BreakerInput}, throwing a `ConfigError` that names the field and the value. The machine
 * checks its input too, but an actor whose input is bad only ends in an `error` snapshot; call this first
 * to get the error where the options were given.
 *
 * @example
 * ```ts
 * validateBreakerInput({ openDurationMs: 30_000, halfOpenProbes: 3 }); // returns it
 * validateBreakerInput({ openDurationMs: 30_000, halfOpenProbes: 0 });
 * // throws ConfigError: halfOpenProbes must be ≥ 1, got 0
 * ```
 */
export function validateBreakerInput(input: BreakerInput): BreakerInput {
  if (typeof input !== 'object' || input === null) throw new ConfigError('input', 'be an object', input);
  checkPositive('openDurationMs', input.openDurationMs);
  checkInteger('halfOpenProbes', input.halfOpenProbes, 1, MAX_HALF_OPEN_PROBES);
  return input;
}

/**
 * A circuit breaker's state for one agent (or one agent type). Deciding to trip is the data plane's job
 * (core's breaker windows); this machine owns what follows.
 *
 * `closed` → `TRIP` → `open`; after the `openDuration` delay (`openDurationMs`, scheduled with the XState id
 * `xstate.after.openDuration.breaker.open` and cancelled on leaving `open`) → `halfOpen`, which admits
 * `halfOpenProbes` probes: `PROBE_STARTED` takes a slot while one is free; `PROBE_SUCCEEDED` counts, and the
 * `halfOpenProbes`-th success → `closed`; any `PROBE_FAILED` → `open` again for another `openDuration`.
 * A success with no probe outstanding is ignored (closing needs evidence; opening is the safe side, so a
 * failure always reopens). `RESET` → `closed` from any state. Each entry to `open` counts a trip; the
 * probe counters start at 0 in every `halfOpen` episode and are 0 elsewhere.
 *
 * @example
 * ```ts
 * const breaker = createActor(breakerMachine, {
 *   clock: toXStateClock(clock),
 *   input: { openDurationMs: 1_000, halfOpenProbes: 1 },
 * }).start();
 * breaker.send({ type: 'TRIP' }); // 'open'
 * clock.advanceBy(1_000); // 'halfOpen'
 * breaker.send({ type: 'PROBE_STARTED' });
 * breaker.send({ type: 'PROBE_SUCCEEDED' }); // 'closed'
 * ```
 */
export const breakerMachine = setup({
  types: {
    context: {} as BreakerContext,
    events: {} as BreakerEvent,
    input: {} as BreakerInput,
  },
  actions: {
    countTrip: assign({ trips: ({ context }) => context.trips + 1 }),
    clearProbes: assign({ probesInFlight: 0, probeSuccesses: 0 }),
    startProbe: assign({ probesInFlight: ({ context }) => context.probesInFlight + 1 }),
    countSuccess: assign({ probeSuccesses: ({ context }) => context.probeSuccesses + 1 }),
  },
  guards: {
    probeSlotFree: ({ context }) => context.probesInFlight < context.halfOpenProbes,
    probeOutstanding: ({ context }) => context.probeSuccesses < context.probesInFlight,
    lastProbeSucceeded: ({ context }) =>
      context.probeSuccesses < context.probesInFlight && context.probeSuccesses + 1 >= context.halfOpenProbes,
  },
  delays: {
    openDuration: ({ context }) => context.openDurationMs,
  },
}).createMachine({
  id: 'breaker',
  context: ({ input }) => {
    const { openDurationMs, halfOpenProbes } = validateBreakerInput(input);
    return { openDurationMs, halfOpenProbes, probesInFlight: 0, probeSuccesses: 0, trips: 0 };
  },
  initial: 'closed',
  on: { RESET: '.closed' },
  states: {
    closed: {
      entry: 'clearProbes',
      on: { TRIP: 'open' },
    },
    open: {
      entry: ['clearProbes', 'countTrip'],
      after: { openDuration: 'halfOpen' },
    },
    halfOpen: {
      entry: 'clearProbes',
      on: {
        PROBE_STARTED: { guard: 'probeSlotFree', actions: 'startProbe' },
        PROBE_SUCCEEDED: [
          { guard: 'lastProbeSucceeded', target: 'closed' },
          { guard: 'probeOutstanding', actions: 'countSuccess' },
        ],
        PROBE_FAILED: 'open',
      },
    },
  },
});

/** A snapshot of {@link breakerMachine}. */
export type BreakerSnapshot = SnapshotFrom<typeof breakerMachine>;

/** The states of {@link breakerMachine}. */
export type BreakerStateValue = BreakerSnapshot['value'];

/**
 * Whether the breaker lets a task through to its agent: always when `closed`, never when `open`, and in
 * `halfOpen` only while a probe slot is free (`probesInFlight < halfOpenProbes`); a task let through in
 * `halfOpen` is a probe, and the runtime sends `PROBE_STARTED` as it dispatches it.
 *
 * @example
 * ```ts
 * if (breakerAdmits(breaker.getSnapshot())) {
 *   if (breaker.getSnapshot().matches('halfOpen')) breaker.send({ type: 'PROBE_STARTED' });
 *   dispatch(task);
 * }
 * ```
 */
export function breakerAdmits(snapshot: BreakerSnapshot): boolean {
  switch (snapshot.value) {
    case 'closed':
      return true;
    case 'halfOpen':
      return snapshot.context.probesInFlight < snapshot.context.halfOpenProbes;
    default:
      // open; also an actor that never ran.
      return false;
  }
}
