import { isConfigError, VirtualClock } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createActor } from 'xstate';
import {
  autoscalerMachine,
  DECISION_LOG_LIMIT,
  type AutoscaleDecision,
  type AutoscaleMetrics,
  type AutoscalerConfig,
  type AutoscalerEmitted,
} from '../../src/autoscaler/index.js';
import { toXStateClock } from '../../src/machines/xstate-clock.js';

const config: AutoscalerConfig = {
  type: 'writer',
  minAgents: 1,
  maxAgents: 4,
  targetUtilization: 0.5,
  scaleUpQueuePerAgent: 2,
  hysteresis: 0.2,
  cooldownMs: 1000,
  applyTimeoutMs: 300,
};

function start(cfg: AutoscalerConfig = config) {
  const clock = new VirtualClock();
  const actor = createActor(autoscalerMachine, { input: cfg, clock: toXStateClock(clock) });
  const emitted: AutoscalerEmitted[] = [];
  actor.on('*', (event) => emitted.push(event));
  actor.start();
  const evaluate = (m: Omit<AutoscaleMetrics, 'nowMs'>) =>
    actor.send({ type: 'EVALUATE', nowMs: clock.now(), ...m } as AutoscaleMetrics & { type: 'EVALUATE' });
  return { actor, clock, emitted, evaluate };
}

const hot = { agents: 2, busyAgents: 2, queueDepth: 0, rateLimited: false, idleAgentIds: [] } as const;
const cold = {
  agents: 2,
  busyAgents: 0,
  queueDepth: 0,
  rateLimited: false,
  idleAgentIds: ['a0', 'a1'],
} as const;
const band = { agents: 2, utilization: 0.5, queueDepth: 0, rateLimited: false, idleAgentIds: [] } as const;

describe('autoscalerMachine', () => {
  it('decides in steady, waits for SCALED, then cools down for exactly cooldownMs', () => {
    const { actor, clock, emitted, evaluate } = start();
    evaluate(band);
    expect(actor.getSnapshot().value).toBe('steady');
    expect(emitted).toEqual([]);

    clock.advanceBy(5);
    evaluate(hot);
    const decision = {
      kind: 'scale-up',
      type: 'writer',
      from: 2,
      to: 3,
      reason: 'utilization-high',
      atMs: 5,
    };
    expect(actor.getSnapshot().value).toBe('scalingUp');
    expect(emitted).toEqual([
      { type: 'decision', decision: expect.objectContaining(decision) as AutoscaleDecision },
    ]);
    expect(actor.getSnapshot().context.pending).toMatchObject(decision);
    expect(actor.getSnapshot().context.decisions).toHaveLength(1);

    evaluate(hot); // ignored while applying
    clock.advanceBy(100);
    actor.send({ type: 'SCALED' });
    expect(actor.getSnapshot().value).toBe('cooldown');
    expect(actor.getSnapshot().context.pending).toBeUndefined();

    evaluate({ ...hot, agents: 3, busyAgents: 3 }); // ignored while cooling down
    clock.advanceBy(999);
    expect(actor.getSnapshot().value).toBe('cooldown');
    clock.advanceBy(1);
    expect(actor.getSnapshot().value).toBe('steady');
    expect(emitted).toHaveLength(1);

    evaluate(cold);
    expect(actor.getSnapshot().value).toBe('scalingDown');
    expect(emitted[1]).toMatchObject({
      type: 'decision',
      decision: { kind: 'scale-down', to: 1, drainAgentId: 'a1' },
    });
  });

  it('enters cooldown anyway when SCALED does not come within applyTimeoutMs, and says so', () => {
    const { actor, clock, emitted, evaluate } = start();
    evaluate(cold);
    clock.advanceBy(299);
    expect(actor.getSnapshot().value).toBe('scalingDown');
    clock.advanceBy(1);
    expect(actor.getSnapshot().value).toBe('cooldown');
    expect(emitted.map((e) => e.type)).toEqual(['decision', 'apply-timeout']);
    expect(emitted[1]).toMatchObject({ decision: { kind: 'scale-down' } });
    clock.advanceBy(1000);
    expect(actor.getSnapshot().value).toBe('steady');
    expect(clock.pendingTimers).toBe(0);
  });

  it('logs a blocked scale-up once per episode, with its reason, and never logs plain holds', () => {
    const { actor, emitted, evaluate } = start();
    for (let i = 0; i < 5; i++) evaluate({ ...hot, rateLimited: true });
    evaluate(band);
    expect(actor.getSnapshot().value).toBe('steady');
    const decisions = actor.getSnapshot().context.decisions;
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ kind: 'hold', reason: 'rate-limited', from: 2, to: 2 });
    expect(decisions[0]?.detail).toContain('token bucket is the bottleneck');
    expect(emitted).toHaveLength(1);
    evaluate({ ...hot, agents: 4, busyAgents: 4 });
    evaluate({ ...hot, agents: 4, busyAgents: 4 });
    evaluate({ ...hot, rateLimited: true });
    expect(actor.getSnapshot().context.decisions.map((d) => d.reason)).toEqual([
      'rate-limited',
      'at-max',
      'rate-limited',
    ]);
  });

  it(`keeps the last ${DECISION_LOG_LIMIT} decisions`, () => {
    const { actor, evaluate } = start();
    for (let i = 0; i < 130; i++)
      evaluate({ ...hot, agents: 4, busyAgents: 4 - (i % 2), rateLimited: i % 2 === 0 });
    const decisions = actor.getSnapshot().context.decisions;
    expect(decisions).toHaveLength(DECISION_LOG_LIMIT);
    expect(decisions.at(-1)?.reason).toBe('at-max');
  });

  it('reports bad metrics and changes nothing', () => {
    const { actor, emitted, evaluate } = start();
    evaluate({ ...hot, agents: -1 });
    expect(actor.getSnapshot().value).toBe('steady');
    expect(actor.getSnapshot().context.decisions).toEqual([]);
    expect(emitted).toHaveLength(1);
    const event = emitted[0];
    expect(event?.type === 'invalid-metrics' && isConfigError(event.error) && event.error.field).toBe(
      'metrics.agents',
    );
  });

  it('refuses a bad config as the actor error', () => {
    const actor = createActor(autoscalerMachine, { input: { ...config, maxAgents: 0 } });
    let reported: unknown;
    actor.subscribe({ error: (error) => (reported = error) });
    actor.start();
    expect(actor.getSnapshot().status).toBe('error');
    expect(reported).toMatchObject({ field: 'maxAgents' });
  });

  it('runs a full cycle without Math.random (its delayed events carry explicit ids)', () => {
    const random = vi.spyOn(Math, 'random');
    try {
      const { actor, clock, evaluate } = start();
      evaluate(hot);
      actor.send({ type: 'SCALED' });
      clock.advanceBy(1000);
      evaluate(cold);
      clock.advanceBy(2000);
      expect(actor.getSnapshot().value).toBe('steady');
      expect(random).not.toHaveBeenCalled();
    } finally {
      random.mockRestore();
    }
  });
});

/** One tick of a simulated fleet: time passes, then the runtime measures and sends EVALUATE. */
interface Tick {
  readonly dtMs: number;
  readonly utilization: number;
  readonly queueDepth: number;
  readonly rateLimited: boolean;
  readonly idleShare: number;
  /** How long the runtime takes to apply a decision it receives at this tick; `null`: it never reports. */
  readonly applyMs: number | null;
}

const tickArb: fc.Arbitrary<Tick> = fc.record({
  dtMs: fc.integer({ min: 1, max: 700 }),
  utilization: fc.double({ min: 0, max: 1, noNaN: true }),
  queueDepth: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 40 })),
  rateLimited: fc.boolean(),
  idleShare: fc.double({ min: 0, max: 1, noNaN: true }),
  applyMs: fc.oneof(fc.integer({ min: 0, max: 600 }), fc.constant(null)),
});

const configArb = fc
  .record({
    minAgents: fc.integer({ min: 0, max: 4 }),
    span: fc.integer({ min: 0, max: 5 }),
    targetUtilization: fc.double({ min: 0.1, max: 1, noNaN: true }),
    scaleUpQueuePerAgent: fc.integer({ min: 0, max: 6 }),
    hysteresis: fc.double({ min: 0, max: 0.5, noNaN: true }),
    cooldownMs: fc.integer({ min: 0, max: 2000 }),
    applyTimeoutMs: fc.integer({ min: 1, max: 500 }),
    step: fc.integer({ min: 1, max: 3 }),
  })
  .map(({ minAgents, span, ...rest }): AutoscalerConfig => ({
    type: 't',
    minAgents,
    maxAgents: Math.max(1, minAgents + span),
    ...rest,
  }));

/** Drives an autoscaler with a fleet that applies its decisions; returns what happened. */
function simulate(cfg: AutoscalerConfig, ticks: readonly Tick[], startAgents: number) {
  const { actor, clock, emitted } = start(cfg);
  let agents = startAgents;
  const agentHistory = [agents];
  const answered: Array<{ atMs: number; rateLimited: boolean; decision: AutoscaleDecision }> = [];
  for (const tick of ticks) {
    clock.advanceBy(tick.dtMs);
    const before = emitted.length;
    const idle = Math.round(agents * tick.idleShare);
    actor.send({
      type: 'EVALUATE',
      nowMs: clock.now(),
      agents,
      utilization: tick.utilization,
      queueDepth: tick.queueDepth,
      rateLimited: tick.rateLimited,
      idleAgentIds: Array.from({ length: idle }, (_, i) => `a${i}`),
    });
    for (const event of emitted.slice(before)) {
      if (event.type !== 'decision') continue;
      answered.push({ atMs: clock.now(), rateLimited: tick.rateLimited, decision: event.decision });
      if (event.decision.kind === 'hold') continue;
      const to = event.decision.to;
      if (tick.applyMs !== null) {
        clock.setTimer(tick.applyMs, () => {
          agents = to;
          agentHistory.push(agents);
          actor.send({ type: 'SCALED' });
        });
      }
    }
  }
  return { actor, answered, agentHistory };
}

describe('autoscalerMachine properties', () => {
  it('stays within [min, max], never scales up while rate-limited, never decides twice within cooldownMs', () => {
    fc.assert(
      fc.property(configArb, fc.array(tickArb, { maxLength: 60 }), fc.nat(), (cfg, ticks, seed) => {
        const startAgents = cfg.minAgents + (seed % (cfg.maxAgents - cfg.minAgents + 1));
        const { actor, answered, agentHistory } = simulate(cfg, ticks, startAgents);
        for (const n of agentHistory) {
          expect(n).toBeGreaterThanOrEqual(cfg.minAgents);
          expect(n).toBeLessThanOrEqual(cfg.maxAgents);
        }
        const scaling = answered.filter((a) => a.decision.kind !== 'hold');
        for (const { decision, rateLimited } of scaling) {
          expect(decision.to).toBeGreaterThanOrEqual(cfg.minAgents);
          expect(decision.to).toBeLessThanOrEqual(cfg.maxAgents);
          if (decision.kind === 'scale-up') expect(rateLimited).toBe(false);
        }
        for (let i = 1; i < scaling.length; i++) {
          expect(
            (scaling[i] as (typeof scaling)[number]).atMs - (scaling[i - 1] as (typeof scaling)[number]).atMs,
          ).toBeGreaterThanOrEqual(cfg.cooldownMs);
        }
        for (const { decision, rateLimited } of answered) {
          if (decision.kind === 'hold' && decision.reason === 'rate-limited') expect(rateLimited).toBe(true);
        }
        const log = actor.getSnapshot().context.decisions;
        expect(log.length).toBeLessThanOrEqual(DECISION_LOG_LIMIT);
        expect(log).toEqual(answered.slice(-DECISION_LOG_LIMIT).map((a) => a.decision));
      }),
      { numRuns: 200 },
    );
  });

  it('does not flap under a utilization signal oscillating inside the hysteresis band', () => {
    fc.assert(
      fc.property(
        configArb,
        fc.array(
          fc.record({
            dtMs: fc.integer({ min: 1, max: 3000 }),
            position: fc.double({ min: 0.01, max: 0.99, noNaN: true }),
          }),
          {
            minLength: 1,
            maxLength: 80,
          },
        ),
        fc.nat(),
        (cfg, samples, seed) => {
          const low = (cfg.targetUtilization as number) * (1 - cfg.hysteresis);
          const high = Math.min(1, cfg.targetUtilization * (1 + cfg.hysteresis));
          const agents = Math.max(1, cfg.minAgents + (seed % (cfg.maxAgents - cfg.minAgents + 1)));
          const ticks = samples.map(({ dtMs, position }, i): Tick => ({
            dtMs,
            // Swing from near one edge of the band to near the other, every tick.
            utilization: low + (high - low) * (i % 2 === 0 ? position / 10 : 1 - position / 10),
            queueDepth: 0,
            rateLimited: false,
            idleShare: 1,
            applyMs: 0,
          }));
          const { answered } = simulate(cfg, ticks, agents);
          expect(answered).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
