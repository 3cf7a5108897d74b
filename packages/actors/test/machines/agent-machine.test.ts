import { AgentFlag, VirtualClock, isConfigError } from '@flotilla/core';
import fc from 'fast-check';
import { createActor } from 'xstate';
import { describe, expect, it } from 'vitest';
import {
  MAX_RESTART_BACKOFF_MS,
  agentFlagsOf,
  agentMachine,
  readyAgentSnapshot,
  restartBackoffDelayMs,
  validateAgentInput,
  type AgentEvent,
  type AgentInput,
  type AgentStateValue,
} from '../../src/machines/agent-machine.js';
import { toXStateClock } from '../../src/machines/xstate-clock.js';

const error = (n: number) => ({ name: 'Error', code: `E${n}`, message: `crash ${n}` });

/** Reference model of the lifecycle, from the specification's transition list. */
class AgentModel {
  state: AgentStateValue = 'starting';
  restarts = 0;
  lastError: ReturnType<typeof error> | undefined;
  nowMs = 0;
  restartAtMs = 0;

  constructor(private readonly restartBackoffMs: number) {}

  advanceBy(deltaMs: number): void {
    this.nowMs += deltaMs;
    if (this.state === 'restarting' && this.nowMs >= this.restartAtMs) this.state = 'starting';
  }

  apply(event: AgentEvent): void {
    const live = ['starting', 'ready', 'paused', 'draining'].includes(this.state);
    if (this.state === 'stopped') return;
    if (event.type === 'STOP') this.state = 'stopped';
    else if (event.type === 'CRASHED' && live) {
      this.state = 'failed';
      this.restarts++;
      this.lastError = event.error as ReturnType<typeof error>;
    } else if (this.state === 'starting' && event.type === 'STARTED') this.state = 'ready';
    else if (this.state === 'ready' && event.type === 'PAUSE') this.state = 'paused';
    else if (this.state === 'paused' && event.type === 'RESUME') this.state = 'ready';
    else if ((this.state === 'ready' || this.state === 'paused') && event.type === 'DRAIN')
      this.state = 'draining';
    else if (this.state === 'draining' && event.type === 'DRAINED') this.state = 'stopped';
    else if (this.state === 'failed' && event.type === 'GIVE_UP') this.state = 'stopped';
    else if (this.state === 'failed' && event.type === 'RESTART') {
      this.state = 'restarting';
      this.restartAtMs =
        this.nowMs + Math.min(30_000, this.restartBackoffMs * 2 ** Math.max(0, this.restarts - 1));
    }
  }
}

type Op = { op: 'event'; event: AgentEvent } | { op: 'advance'; deltaMs: number };

const simpleEvents = ['STARTED', 'PAUSE', 'RESUME', 'DRAIN', 'DRAINED', 'RESTART', 'GIVE_UP'] as const;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 10,
    arbitrary: fc.constantFrom(...simpleEvents).map((type): Op => ({ op: 'event', event: { type } })),
  },
  {
    weight: 2,
    arbitrary: fc.nat(99).map((n): Op => ({ op: 'event', event: { type: 'CRASHED', error: error(n) } })),
  },
  { weight: 1, arbitrary: fc.constant<Op>({ op: 'event', event: { type: 'STOP' } }) },
  {
    weight: 4,
    arbitrary: fc
      .oneof(fc.integer({ min: 0, max: 40_000 }), fc.constantFrom(0, 1, 999, 1_000, 30_000))
      .map((deltaMs): Op => ({ op: 'advance', deltaMs })),
  },
);
const inputArb = fc.record({
  agentId: fc.string({ minLength: 1, maxLength: 8 }),
  restartBackoffMs: fc.oneof(
    fc.constantFrom(0, 1, 1_000, 30_000, 45_000),
    fc.integer({ min: 0, max: 50_000 }),
  ),
});

function run(
  input: AgentInput,
  ops: readonly Op[],
  check: (actor: ReturnType<typeof start>, step: Op) => void,
): void {
  const actor = start(input);
  for (const step of ops) {
    if (step.op === 'advance') actor.clock.advanceBy(step.deltaMs);
    // A done actor ignores events (XState's development build warns about each), as must the runtime.
    else if (actor.getSnapshot().status === 'active') actor.send(step.event);
    check(actor, step);
  }
  actor.stop();
}

function start(input: AgentInput) {
  const clock = new VirtualClock();
  const actor = createActor(agentMachine, { clock: toXStateClock(clock), input }).start();
  return Object.assign(actor, { clock });
}

describe('agentMachine', () => {
  it('follows the reference model under random events and time, with the capped doubling backoff', () => {
    fc.assert(
      fc.property(inputArb, fc.array(opArb, { maxLength: 60 }), (input, ops) => {
        const model = new AgentModel(input.restartBackoffMs);
        run(input, ops, (actor, step) => {
          if (step.op === 'advance') model.advanceBy(step.deltaMs);
          else model.apply(step.event);
          const snapshot = actor.getSnapshot();
          expect(snapshot.value).toBe(model.state);
          expect(snapshot.status).toBe(model.state === 'stopped' ? 'done' : 'active');
          expect(snapshot.context).toEqual({
            agentId: input.agentId,
            restartBackoffMs: input.restartBackoffMs,
            restarts: model.restarts,
            ...(model.lastError === undefined ? {} : { lastError: model.lastError }),
          });
          expect(actor.clock.pendingTimers).toBe(model.state === 'restarting' ? 1 : 0);
          if (model.state === 'restarting') expect(actor.clock.nextDeadline()).toBe(model.restartAtMs);
        });
      }),
    );
  });

  it('an actor restored from readyAgentSnapshot behaves as one started and sent STARTED, under any events', () => {
    fc.assert(
      fc.property(inputArb, fc.array(opArb, { maxLength: 60 }), (input, ops) => {
        const started = start(input);
        started.send({ type: 'STARTED' });
        const clock = new VirtualClock();
        const restored = Object.assign(
          createActor(agentMachine, {
            clock: toXStateClock(clock),
            input,
            snapshot: readyAgentSnapshot(input),
          }).start(),
          { clock },
        );
        const same = (): void => {
          const a = started.getSnapshot();
          const b = restored.getSnapshot();
          expect([b.value, b.status, b.context]).toEqual([a.value, a.status, a.context]);
          expect(restored.clock.pendingTimers).toBe(started.clock.pendingTimers);
        };
        same();
        for (const step of ops) {
          for (const actor of [started, restored]) {
            if (step.op === 'advance') actor.clock.advanceBy(step.deltaMs);
            else if (actor.getSnapshot().status === 'active') actor.send(step.event);
          }
          same();
        }
      }),
    );
  });

  it('agentFlagsOf is Down outside ready/paused/draining, and exactly the lifecycle flag inside', () => {
    fc.assert(
      fc.property(inputArb, fc.array(opArb, { maxLength: 60 }), (input, ops) => {
        run(input, ops, (actor) => {
          const snapshot = actor.getSnapshot();
          const flags = agentFlagsOf(snapshot);
          const expected: Partial<Record<AgentStateValue, number>> = {
            ready: 0,
            paused: AgentFlag.Paused,
            draining: AgentFlag.Draining,
          };
          expect(flags).toBe(expected[snapshot.value] ?? AgentFlag.Down);
          expect(flags & AgentFlag.Ejected).toBe(0);
        });
      }),
    );
  });

  it('agentFlagsOf of every state', () => {
    const clock = new VirtualClock();
    const agent = createActor(agentMachine, {
      clock: toXStateClock(clock),
      input: { agentId: 'a', restartBackoffMs: 10 },
    }).start();
    const seen: Array<[AgentStateValue, number]> = [];
    agent.subscribe((snapshot) => seen.push([snapshot.value, agentFlagsOf(snapshot)]));
    seen.push([agent.getSnapshot().value, agentFlagsOf(agent.getSnapshot())]);
    for (const type of ['STARTED', 'PAUSE', 'DRAIN'] as const) agent.send({ type });
    agent.send({ type: 'CRASHED', error: error(1) });
    agent.send({ type: 'RESTART' });
    clock.advanceBy(10);
    agent.send({ type: 'STOP' });
    expect(seen).toEqual([
      ['starting', AgentFlag.Down],
      ['ready', 0],
      ['paused', AgentFlag.Paused],
      ['draining', AgentFlag.Draining],
      ['failed', AgentFlag.Down],
      ['restarting', AgentFlag.Down],
      ['starting', AgentFlag.Down],
      ['stopped', AgentFlag.Down],
    ]);
    expect(
      agentFlagsOf(createActor(agentMachine, { input: { agentId: '', restartBackoffMs: 1 } }).getSnapshot()),
    ).toBe(AgentFlag.Down);
  });

  it('restartBackoffDelayMs doubles per crash and caps at 30 s', () => {
    expect(MAX_RESTART_BACKOFF_MS).toBe(30_000);
    expect([1, 2, 3, 4, 5, 6].map((n) => restartBackoffDelayMs(1_000, n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000,
    ]);
    expect(restartBackoffDelayMs(45_000, 1)).toBe(30_000);
    expect(restartBackoffDelayMs(0, 5_000)).toBe(0);
    expect(restartBackoffDelayMs(1, 5_000)).toBe(30_000);
    expect(() => restartBackoffDelayMs(1_000, 0)).toThrow('restarts must be ≥ 1, got 0');
    expect(() => restartBackoffDelayMs(-1, 1)).toThrow('restartBackoffMs must be ≥ 0, got -1');
  });

  it('refuses bad input, naming the field and the value', () => {
    const cases: Array<[unknown, string]> = [
      [{ agentId: '', restartBackoffMs: 1 }, 'agentId must be a non-empty string, got ""'],
      [{ agentId: 7, restartBackoffMs: 1 }, 'agentId must be a non-empty string, got 7'],
      [{ agentId: 'a', restartBackoffMs: -5 }, 'restartBackoffMs must be ≥ 0, got -5'],
      [
        { agentId: 'a', restartBackoffMs: Infinity },
        'restartBackoffMs must be a finite number, got Infinity',
      ],
      [undefined, 'input must be an object, got undefined'],
    ];
    for (const [input, message] of cases) {
      expect(() => validateAgentInput(input as AgentInput)).toThrow(message);
      const snapshot = createActor(agentMachine, { input: input as AgentInput }).getSnapshot();
      expect(snapshot.status).toBe('error');
      expect(isConfigError(snapshot.error)).toBe(true);
    }
  });
});
