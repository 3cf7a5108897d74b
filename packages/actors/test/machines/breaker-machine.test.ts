import { VirtualClock, isConfigError } from '@flotilla/core';
import fc from 'fast-check';
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  MAX_HALF_OPEN_PROBES,
  breakerAdmits,
  breakerMachine,
  validateBreakerInput,
  type BreakerEvent,
  type BreakerInput,
} from '../../src/machines/breaker-machine.js';
import { toXStateClock } from '../../src/machines/xstate-clock.js';

/**
 * Reference model, written from the specification alone: a breaker opens on TRIP, stays open exactly
 * `openDurationMs`, then admits `halfOpenProbes` probes, closes once all of them succeeded, and reopens on
 * any probe failure; RESET closes it from anywhere.
 */
class BreakerModel {
  state: 'closed' | 'open' | 'halfOpen' = 'closed';
  nowMs = 0;
  reopenAtMs = 0;
  started = 0;
  succeeded = 0;
  trips = 0;

  constructor(private readonly input: BreakerInput) {}

  advanceBy(deltaMs: number): void {
    this.nowMs += deltaMs;
    if (this.state === 'open' && this.nowMs >= this.reopenAtMs) this.enter('halfOpen');
  }

  apply(event: BreakerEvent): void {
    const { state } = this;
    if (event.type === 'RESET') this.enter('closed');
    else if (state === 'closed' && event.type === 'TRIP') this.enter('open');
    else if (state === 'halfOpen' && event.type === 'PROBE_FAILED') this.enter('open');
    else if (state === 'halfOpen' && event.type === 'PROBE_STARTED') {
      if (this.started < this.input.halfOpenProbes) this.started++;
    } else if (state === 'halfOpen' && event.type === 'PROBE_SUCCEEDED') {
      if (this.succeeded < this.started) this.succeeded++;
      if (this.succeeded === this.input.halfOpenProbes) this.enter('closed');
    }
  }

  admits(): boolean {
    return this.state === 'closed' || (this.state === 'halfOpen' && this.started < this.input.halfOpenProbes);
  }

  private enter(state: 'closed' | 'open' | 'halfOpen'): void {
    this.state = state;
    this.started = 0;
    this.succeeded = 0;
    if (state === 'open') {
      this.trips++;
      this.reopenAtMs = this.nowMs + this.input.openDurationMs;
    }
  }
}

type Op = { op: 'event'; event: BreakerEvent } | { op: 'advance'; deltaMs: number };

const opArb = (openDurationMs: number): fc.Arbitrary<Op> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant<Op>({ op: 'event', event: { type: 'TRIP' } }) },
    { weight: 4, arbitrary: fc.constant<Op>({ op: 'event', event: { type: 'PROBE_STARTED' } }) },
    { weight: 4, arbitrary: fc.constant<Op>({ op: 'event', event: { type: 'PROBE_SUCCEEDED' } }) },
    { weight: 1, arbitrary: fc.constant<Op>({ op: 'event', event: { type: 'PROBE_FAILED' } }) },
    { weight: 1, arbitrary: fc.constant<Op>({ op: 'event', event: { type: 'RESET' } }) },
    {
      weight: 3,
      arbitrary: fc
        .oneof(
          fc.constantFrom(0, 1, openDurationMs - 1, openDurationMs, openDurationMs + 1),
          fc.integer({ min: 0, max: 2 * openDurationMs }),
        )
        .map((deltaMs): Op => ({ op: 'advance', deltaMs })),
    },
  );

const scenarioArb = fc
  .record({
    openDurationMs: fc.integer({ min: 1, max: 10_000 }),
    halfOpenProbes: fc.integer({ min: 1, max: 4 }),
  })
  .chain((input) =>
    fc.record({ input: fc.constant(input), ops: fc.array(opArb(input.openDurationMs), { maxLength: 80 }) }),
  );

describe('breakerMachine', () => {
  it('opens, half-opens and closes exactly as the reference model, under random events and time', () => {
    fc.assert(
      fc.property(scenarioArb, ({ input, ops }) => {
        const clock = new VirtualClock();
        const actor = createActor(breakerMachine, { clock: toXStateClock(clock), input }).start();
        const model = new BreakerModel(input);
        for (const step of ops) {
          if (step.op === 'advance') {
            clock.advanceBy(step.deltaMs);
            model.advanceBy(step.deltaMs);
          } else {
            actor.send(step.event);
            model.apply(step.event);
          }
          const snapshot = actor.getSnapshot();
          expect(snapshot.value).toBe(model.state);
          expect(snapshot.context).toEqual({
            ...input,
            probesInFlight: model.started,
            probeSuccesses: model.succeeded,
            trips: model.trips,
          });
          expect(breakerAdmits(snapshot)).toBe(model.admits());
          // Exactly one timer while open, due when the model half-opens; none otherwise.
          expect(clock.pendingTimers).toBe(model.state === 'open' ? 1 : 0);
          if (model.state === 'open') expect(clock.nextDeadline()).toBe(model.reopenAtMs);
        }
        actor.stop();
      }),
    );
  });

  it('keeps 0 ≤ probeSuccesses ≤ probesInFlight ≤ halfOpenProbes; counts every admitted probe', () => {
    fc.assert(
      fc.property(scenarioArb, ({ input, ops }) => {
        const clock = new VirtualClock();
        const actor = createActor(breakerMachine, { clock: toXStateClock(clock), input }).start();
        let admittedThisEpisode = 0;
        actor.subscribe((snapshot) => {
          if (!snapshot.matches('halfOpen')) admittedThisEpisode = 0;
        });
        for (const step of ops) {
          if (step.op === 'advance') clock.advanceBy(step.deltaMs);
          else if (step.event.type === 'PROBE_STARTED') {
            // The runtime's protocol: a probe is only started when the breaker admits it.
            if (breakerAdmits(actor.getSnapshot()) && actor.getSnapshot().matches('halfOpen')) {
              admittedThisEpisode++;
              actor.send(step.event);
            }
          } else actor.send(step.event);
          const { probesInFlight, probeSuccesses, halfOpenProbes } = actor.getSnapshot().context;
          expect(probeSuccesses).toBeGreaterThanOrEqual(0);
          expect(probeSuccesses).toBeLessThanOrEqual(probesInFlight);
          expect(probesInFlight).toBeLessThanOrEqual(halfOpenProbes);
          expect(admittedThisEpisode).toBe(actor.getSnapshot().matches('halfOpen') ? probesInFlight : 0);
        }
        actor.stop();
      }),
    );
  });

  it('with one probe: open for exactly openDurationMs, then one probe decides', () => {
    const clock = new VirtualClock();
    const breaker = createActor(breakerMachine, {
      clock: toXStateClock(clock),
      input: { openDurationMs: 1_000, halfOpenProbes: 1 },
    }).start();
    expect(breakerAdmits(breaker.getSnapshot())).toBe(true);
    breaker.send({ type: 'TRIP' });
    expect(breaker.getSnapshot().value).toBe('open');
    expect(breakerAdmits(breaker.getSnapshot())).toBe(false);
    clock.advanceBy(999);
    expect(breaker.getSnapshot().value).toBe('open');
    clock.advanceBy(1);
    expect(breaker.getSnapshot().value).toBe('halfOpen');
    expect(breakerAdmits(breaker.getSnapshot())).toBe(true);
    breaker.send({ type: 'PROBE_STARTED' });
    expect(breakerAdmits(breaker.getSnapshot())).toBe(false);
    breaker.send({ type: 'PROBE_FAILED' });
    expect(breaker.getSnapshot().value).toBe('open');
    clock.advanceBy(1_000);
    breaker.send({ type: 'PROBE_STARTED' });
    breaker.send({ type: 'PROBE_SUCCEEDED' });
    expect(breaker.getSnapshot().value).toBe('closed');
    expect(breaker.getSnapshot().context).toMatchObject({ probesInFlight: 0, probeSuccesses: 0, trips: 2 });
  });

  it('ignores a success with no probe outstanding, and TRIP outside closed', () => {
    const clock = new VirtualClock();
    const breaker = createActor(breakerMachine, {
      clock: toXStateClock(clock),
      input: { openDurationMs: 10, halfOpenProbes: 1 },
    }).start();
    breaker.send({ type: 'TRIP' });
    breaker.send({ type: 'TRIP' }); // does not restart the open period
    clock.advanceBy(10);
    breaker.send({ type: 'PROBE_SUCCEEDED' });
    expect(breaker.getSnapshot().value).toBe('halfOpen');
    breaker.send({ type: 'TRIP' });
    expect(breaker.getSnapshot().value).toBe('halfOpen');
    expect(breaker.getSnapshot().context.trips).toBe(1);
  });

  it('RESET while open cancels the open timer', () => {
    const clock = new VirtualClock();
    const breaker = createActor(breakerMachine, {
      clock: toXStateClock(clock),
      input: { openDurationMs: 10, halfOpenProbes: 1 },
    }).start();
    breaker.send({ type: 'TRIP' });
    expect(clock.pendingTimers).toBe(1);
    breaker.send({ type: 'RESET' });
    expect(clock.pendingTimers).toBe(0);
    clock.advanceBy(100);
    expect(breaker.getSnapshot().value).toBe('closed');
  });

  it('refuses bad input, naming the field and the value', () => {
    const cases: Array<[unknown, string]> = [
      [{ openDurationMs: 0, halfOpenProbes: 1 }, 'openDurationMs must be a finite number > 0, got 0'],
      [
        { openDurationMs: Number.NaN, halfOpenProbes: 1 },
        'openDurationMs must be a finite number > 0, got NaN',
      ],
      [{ openDurationMs: 10, halfOpenProbes: 0 }, 'halfOpenProbes must be ≥ 1, got 0'],
      [{ openDurationMs: 10, halfOpenProbes: 1.5 }, 'halfOpenProbes must be an integer, got 1.5'],
      [
        { openDurationMs: 10, halfOpenProbes: MAX_HALF_OPEN_PROBES + 1 },
        `halfOpenProbes must be ≤ ${MAX_HALF_OPEN_PROBES}, got ${MAX_HALF_OPEN_PROBES + 1}`,
      ],
      [null, 'input must be an object, got null'],
    ];
    for (const [input, message] of cases) {
      expect(() => validateBreakerInput(input as BreakerInput)).toThrow(message);
      const snapshot = createActor(breakerMachine, { input: input as BreakerInput }).getSnapshot();
      expect(snapshot.status).toBe('error');
      expect(isConfigError(snapshot.error)).toBe(true);
    }
    expect(validateBreakerInput({ openDurationMs: 0.5, halfOpenProbes: 3 })).toEqual({
      openDurationMs: 0.5,
      halfOpenProbes: 3,
    });
  });
});
