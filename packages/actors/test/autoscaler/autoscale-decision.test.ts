import { ConfigError } from '@flotilla/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  autoscaleDecision,
  validateAutoscalerConfig,
  type AutoscaleMetrics,
  type AutoscalerConfig,
} from '../../src/autoscaler/index.js';

const config: AutoscalerConfig = {
  type: 'writer',
  minAgents: 2,
  maxAgents: 6,
  targetUtilization: 0.5,
  scaleUpQueuePerAgent: 3,
  hysteresis: 0.2,
  cooldownMs: 10_000,
};

function metrics(patch: Partial<AutoscaleMetricsFields> = {}): AutoscaleMetrics {
  const { utilization, busyAgents, ...rest } = { ...base, ...patch };
  return busyAgents === undefined ? { ...rest, utilization: utilization ?? 0.5 } : { ...rest, busyAgents };
}
type AutoscaleMetricsFields = {
  nowMs: number;
  agents: number;
  queueDepth: number;
  rateLimited: boolean;
  idleAgentIds: readonly string[];
  utilization?: number;
  busyAgents?: number;
};
const base: AutoscaleMetricsFields = {
  nowMs: 7,
  agents: 4,
  queueDepth: 0,
  rateLimited: false,
  idleAgentIds: ['w1', 'w3'],
};

describe('autoscaleDecision', () => {
  it.each([
    ['utilization above the band', { utilization: 0.61 }, 'scale-up', 5, 'utilization-high'],
    ['all agents busy (busyAgents)', { busyAgents: 4 }, 'scale-up', 5, 'utilization-high'],
    ['a deep queue per agent', { utilization: 0.5, queueDepth: 13 }, 'scale-up', 5, 'queue-high'],
    ['fewer agents than the minimum', { agents: 1, idleAgentIds: [] }, 'scale-up', 2, 'below-min'],
    ['utilization below the band, empty queue', { utilization: 0.39 }, 'scale-down', 3, 'utilization-low'],
    ['more agents than the maximum', { agents: 8, utilization: 0.9 }, 'scale-down', 7, 'above-max'],
    ['utilization inside the band', { utilization: 0.6 }, 'hold', 4, 'within-band'],
    ['low utilization with work queued', { utilization: 0.1, queueDepth: 1 }, 'hold', 4, 'within-band'],
    [
      'a wanted scale-up while rate-limited',
      { utilization: 1, rateLimited: true },
      'hold',
      4,
      'rate-limited',
    ],
    ['a deep queue while rate-limited', { queueDepth: 100, rateLimited: true }, 'hold', 4, 'rate-limited'],
    ['a wanted scale-up at the maximum', { agents: 6, utilization: 1 }, 'hold', 6, 'at-max'],
    [
      'a wanted scale-down at the minimum',
      { agents: 2, utilization: 0, idleAgentIds: ['w1'] },
      'hold',
      2,
      'at-min',
    ],
    [
      'a wanted scale-down with no idle agent',
      { utilization: 0.1, idleAgentIds: [] },
      'hold',
      4,
      'no-idle-agent',
    ],
  ] as const)('%s', (_, patch, kind, to, reason) => {
    const decision = autoscaleDecision(config, metrics(patch));
    expect(decision).toMatchObject({ kind, type: 'writer', to, reason, atMs: 7 });
    expect(decision.from).toBe('agents' in patch ? patch.agents : 4);
    expect(decision.detail.length).toBeGreaterThan(0);
  });

  it('says why it holds back when rate-limited', () => {
    expect(autoscaleDecision(config, metrics({ utilization: 1, rateLimited: true })).detail).toBe(
      "utilization 1 > 0.6, but the type's token bucket is the bottleneck: more agents would sit idle",
    );
  });

  it('drains the newest idle agent, named in the decision', () => {
    expect(autoscaleDecision(config, metrics({ utilization: 0 }))).toMatchObject({
      kind: 'scale-down',
      drainAgentId: 'w3',
    });
  });

  it('scales up by step, capped at maxAgents, and from zero agents on any queued task', () => {
    expect(autoscaleDecision({ ...config, step: 3 }, metrics({ utilization: 1 }))).toMatchObject({ to: 6 });
    const zero = { ...config, minAgents: 0 };
    expect(
      autoscaleDecision(zero, metrics({ agents: 0, busyAgents: 0, queueDepth: 1, idleAgentIds: [] })),
    ).toMatchObject({
      kind: 'scale-up',
      to: 1,
      reason: 'queue-high',
    });
    expect(autoscaleDecision(zero, metrics({ agents: 0, busyAgents: 0, idleAgentIds: [] }))).toMatchObject({
      kind: 'hold',
    });
  });

  it('refuses bad metrics, naming the field and the value', () => {
    const cases: Array<[Partial<AutoscaleMetricsFields> | Record<string, unknown>, string]> = [
      [{ agents: -1 }, 'metrics.agents'],
      [{ agents: 1.5 }, 'metrics.agents'],
      [{ queueDepth: Number.NaN }, 'metrics.queueDepth'],
      [{ utilization: 1.2 }, 'metrics.utilization'],
      [{ busyAgents: 5 }, 'metrics.busyAgents'],
      [{ nowMs: Number.POSITIVE_INFINITY }, 'metrics.nowMs'],
      [{ idleAgentIds: ['a', 'b', 'c', 'd', 'e'] }, 'metrics.idleAgentIds'],
      [{ idleAgentIds: [''] }, 'metrics.idleAgentIds[0]'],
    ];
    for (const [patch, field] of cases) {
      expect(() => autoscaleDecision(config, metrics(patch as Partial<AutoscaleMetricsFields>))).toThrow(
        expect.objectContaining({ field }) as Error,
      );
    }
    expect(() => autoscaleDecision(config, { ...metrics(), rateLimited: 'no' } as never)).toThrow(
      'metrics.rateLimited must be a boolean, got "no"',
    );
    expect(() => autoscaleDecision(config, { ...metrics(), busyAgents: 1 } as never)).toThrow(
      'metrics must have exactly one of utilization and busyAgents',
    );
  });
});

describe('validateAutoscalerConfig', () => {
  it('fills in the defaults', () => {
    expect(validateAutoscalerConfig(config)).toEqual({ ...config, step: 1, applyTimeoutMs: 10_000 });
    expect(
      validateAutoscalerConfig({ ...config, cooldownMs: 0, scaleUpQueuePerAgent: Infinity }),
    ).toMatchObject({
      applyTimeoutMs: 1000,
      scaleUpQueuePerAgent: Infinity,
    });
  });

  it.each([
    [{ type: '' }, 'type', 'type must be a non-empty string, got ""'],
    [{ minAgents: -1 }, 'minAgents', 'minAgents must be ≥ 0, got -1'],
    [{ maxAgents: 0 }, 'maxAgents', 'maxAgents must be ≥ 1, got 0'],
    [{ minAgents: 4, maxAgents: 3 }, 'maxAgents', 'maxAgents must be ≥ minAgents (4), got 3'],
    [{ targetUtilization: 0 }, 'targetUtilization', 'targetUtilization must be in (0, 1], got 0'],
    [{ targetUtilization: 1.1 }, 'targetUtilization', 'targetUtilization must be ≤ 1, got 1.1'],
    [{ scaleUpQueuePerAgent: -1 }, 'scaleUpQueuePerAgent', 'scaleUpQueuePerAgent must be ≥ 0, got -1'],
    [{ hysteresis: 1 }, 'hysteresis', 'hysteresis must be in [0, 1), got 1'],
    [{ cooldownMs: -5 }, 'cooldownMs', 'cooldownMs must be ≥ 0, got -5'],
    [{ step: 0 }, 'step', 'step must be ≥ 1, got 0'],
    [{ applyTimeoutMs: 0 }, 'applyTimeoutMs', 'applyTimeoutMs must be a finite number > 0, got 0'],
  ])('refuses %j', (patch, field, message) => {
    let error: unknown;
    try {
      validateAutoscalerConfig({ ...config, ...patch });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error).toMatchObject({ field, message });
  });
});

const configArb = fc
  .record({
    minAgents: fc.integer({ min: 0, max: 5 }),
    span: fc.integer({ min: 0, max: 6 }),
    targetUtilization: fc.double({ min: 0.05, max: 1, noNaN: true }),
    scaleUpQueuePerAgent: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.constant(Infinity)),
    hysteresis: fc.double({ min: 0, max: 0.9, noNaN: true }),
    step: fc.integer({ min: 1, max: 4 }),
  })
  .map(({ minAgents, span, ...rest }): AutoscalerConfig => ({
    type: 't',
    minAgents,
    maxAgents: Math.max(1, minAgents + span),
    cooldownMs: 1000,
    ...rest,
  }));

const metricsArb = fc
  .record({
    agents: fc.integer({ min: 0, max: 14 }),
    utilization: fc.double({ min: 0, max: 1, noNaN: true }),
    queueDepth: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 60 })),
    rateLimited: fc.boolean(),
    idle: fc.integer({ min: 0, max: 14 }),
  })
  .map(({ agents, idle, ...rest }): AutoscaleMetrics => ({
    nowMs: 0,
    agents,
    idleAgentIds: Array.from({ length: Math.min(idle, agents) }, (_, i) => `a${i}`),
    ...rest,
  }));

describe('autoscaleDecision properties', () => {
  it('moves toward [min, max] and never leaves it; never scales up while rate-limited; drains an idle agent', () => {
    fc.assert(
      fc.property(configArb, metricsArb, (cfg, m) => {
        const d = autoscaleDecision(cfg, m);
        expect(d.from).toBe(m.agents);
        if (d.kind === 'hold') expect(d.to).toBe(d.from);
        if (d.kind === 'scale-up') {
          expect(m.rateLimited).toBe(false);
          expect(d.to).toBeGreaterThan(d.from);
          expect(d.to).toBeLessThanOrEqual(Math.max(cfg.maxAgents, d.from));
        }
        if (d.kind === 'scale-down') {
          expect(d.to).toBe(d.from - 1);
          expect(d.to).toBeGreaterThanOrEqual(cfg.minAgents);
          expect(m.idleAgentIds).toContain(d.drainAgentId);
        } else {
          expect(d).not.toHaveProperty('drainAgentId');
        }
        if (m.agents >= cfg.minAgents && m.agents <= cfg.maxAgents) {
          expect(d.to).toBeGreaterThanOrEqual(cfg.minAgents);
          expect(d.to).toBeLessThanOrEqual(cfg.maxAgents);
        }
        if (m.rateLimited && d.kind === 'hold' && d.reason === 'rate-limited') {
          // Said so: the same metrics without the rate limit would have scaled up.
          expect(
            autoscaleDecision(cfg, { ...m, rateLimited: false }).kind === 'scale-up' ||
              m.agents >= cfg.maxAgents,
          ).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('holds whenever utilization is inside the hysteresis band, the queue short and the fleet within bounds', () => {
    fc.assert(
      fc.property(
        configArb,
        metricsArb,
        fc.double({ min: 0.01, max: 0.99, noNaN: true }),
        (cfg, m, position) => {
          const low = cfg.targetUtilization * (1 - cfg.hysteresis);
          const high = Math.min(1, cfg.targetUtilization * (1 + cfg.hysteresis));
          const utilization = low + (high - low) * position;
          const agents = Math.max(1, Math.min(cfg.maxAgents, Math.max(cfg.minAgents, m.agents)));
          const d = autoscaleDecision(cfg, {
            nowMs: m.nowMs,
            agents,
            idleAgentIds: m.idleAgentIds.slice(0, agents),
            utilization,
            queueDepth: 0,
            rateLimited: m.rateLimited,
          });
          expect(d.kind).toBe('hold');
        },
      ),
      { numRuns: 300 },
    );
  });
});
