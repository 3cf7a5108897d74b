import { VirtualClock } from '@flotilla/core';
import fc from 'fast-check';
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  admissionOf,
  delegatorMachine,
  dispatchAllowed,
  type DelegatorEvent,
  type DelegatorStateValue,
} from '../../src/machines/delegator-machine.js';
import { toXStateClock } from '../../src/machines/xstate-clock.js';

/** The specification's transition table; a missing entry means the event is ignored. */
const table: Record<DelegatorStateValue, Partial<Record<string, DelegatorStateValue>>> = {
  accepting: { DEPTH_HIGH: 'backpressure', PAUSE: 'paused', 'CLOSE:drain': 'draining', CLOSE: 'closed' },
  backpressure: { DEPTH_LOW: 'accepting', PAUSE: 'paused', 'CLOSE:drain': 'draining', CLOSE: 'closed' },
  paused: { RESUME: 'accepting', 'CLOSE:drain': 'draining', CLOSE: 'closed' },
  draining: { IDLE: 'closed', CLOSE: 'closed' },
  closed: {},
};
const key = (event: DelegatorEvent) => (event.type === 'CLOSE' && event.drain ? 'CLOSE:drain' : event.type);

const eventArb: fc.Arbitrary<DelegatorEvent> = fc.oneof(
  fc.constantFrom<DelegatorEvent>(
    { type: 'DEPTH_HIGH' },
    { type: 'DEPTH_LOW' },
    { type: 'PAUSE' },
    { type: 'RESUME' },
    { type: 'IDLE' },
  ),
  { weight: 1, arbitrary: fc.boolean().map((drain): DelegatorEvent => ({ type: 'CLOSE', drain })) },
);

describe('delegatorMachine', () => {
  it('follows the transition table; admissionOf and dispatchAllowed follow the state', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), (events) => {
        const actor = createActor(delegatorMachine, { clock: toXStateClock(new VirtualClock()) }).start();
        let state: DelegatorStateValue = 'accepting';
        for (const event of events) {
          if (actor.getSnapshot().status === 'active') actor.send(event);
          state = table[state][key(event)] ?? state;
          const snapshot = actor.getSnapshot();
          expect(snapshot.value).toBe(state);
          expect(snapshot.status).toBe(state === 'closed' ? 'done' : 'active');
          expect(admissionOf(snapshot)).toBe(
            state === 'accepting' || state === 'paused'
              ? 'accept'
              : state === 'backpressure'
                ? 'shed-low'
                : 'reject-all',
          );
          expect(dispatchAllowed(snapshot)).toBe(state !== 'paused' && state !== 'closed');
        }
        actor.stop();
      }),
    );
  });

  it('paused remembers nothing: RESUME returns to accepting even if backpressure came before', () => {
    const delegator = createActor(delegatorMachine).start();
    delegator.send({ type: 'DEPTH_HIGH' });
    delegator.send({ type: 'PAUSE' });
    delegator.send({ type: 'DEPTH_LOW' }); // ignored while paused
    delegator.send({ type: 'DEPTH_HIGH' }); // ignored while paused
    expect(admissionOf(delegator.getSnapshot())).toBe('accept');
    expect(dispatchAllowed(delegator.getSnapshot())).toBe(false);
    delegator.send({ type: 'RESUME' });
    expect(delegator.getSnapshot().value).toBe('accepting');
  });

  it('a drain can be escalated to an immediate close, not the other way round', () => {
    const delegator = createActor(delegatorMachine).start();
    delegator.send({ type: 'CLOSE', drain: true });
    delegator.send({ type: 'CLOSE', drain: true });
    expect(delegator.getSnapshot().value).toBe('draining');
    expect(admissionOf(delegator.getSnapshot())).toBe('reject-all');
    expect(dispatchAllowed(delegator.getSnapshot())).toBe(true);
    delegator.send({ type: 'CLOSE', drain: false });
    expect(delegator.getSnapshot().value).toBe('closed');
    expect(delegator.getSnapshot().status).toBe('done');
  });
});
