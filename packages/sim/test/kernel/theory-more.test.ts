import { exponential } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/kernel/simulate.js';
import { confidence, poissonArrivals } from './support.js';

const REPLICATIONS = 8;

describe('more queueing theory (95% intervals over independent replications)', () => {
  it("non-preemptive priority M/M/1 gives each class Cobham's mean wait", () => {
    // λ_high = 0.3, λ_low = 0.5, μ = 1: W0 = Σλ·E[S²]/2 = 0.8; W_k = W0 / ((1 − σ_{k−1})(1 − σ_k)).
    const reports = Array.from({ length: REPLICATIONS }, (_, i) =>
      simulate({
        seed: 2000 + i,
        stop: { tasks: 60_000 },
        warmup: { tasks: 6_000 },
        strategy: 'round-robin',
        agents: [{ type: 'w', count: 1, capacity: 1, queueLimit: 0, service: exponential({ mean: 1000 }) }],
        workloads: [poissonArrivals(0.3, 'w', 'high'), poissonArrivals(0.5, 'w', 'low')],
      }),
    );
    const expected = { high: 0.8 / (1 * 0.7), low: 0.8 / (0.7 * 0.2) };
    for (const priority of ['high', 'low'] as const) {
      const measured = confidence(reports.map((r) => r.byPriority[priority].wait.mean));
      expect(
        Math.abs(measured.mean - expected[priority]),
        `${priority}: ${measured.mean} ± ${measured.halfWidth} vs ${expected[priority]} (seeds 2000..${2000 + REPLICATIONS - 1})`,
      ).toBeLessThanOrEqual(measured.halfWidth);
    }
  });

  it('random dispatch on arrival behaves as n independent M/M/1 queues', () => {
    // n = 5 agents, λ = 3.5 in total, μ = 1: each agent is an M/M/1 at λ/n = 0.7, so W = ρ/(μ − λ/n) = 0.7/0.3.
    const reports = Array.from({ length: REPLICATIONS }, (_, i) =>
      simulate({
        seed: 3000 + i,
        stop: { tasks: 60_000 },
        warmup: { tasks: 6_000 },
        strategy: 'random',
        agents: [
          {
            type: 'w',
            count: 5,
            capacity: 1,
            queueLimit: Number.POSITIVE_INFINITY,
            service: exponential({ mean: 1000 }),
          },
        ],
        workloads: [poissonArrivals(3.5, 'w')],
      }),
    );
    // With dispatch on arrival the local queue is the wait: latency − service; mean latency is 1/(μ − λ/n).
    const latency = confidence(reports.map((r) => r.latency.mean));
    const expected = 1 / (1 - 0.7);
    expect(
      Math.abs(latency.mean - expected),
      `${latency.mean} ± ${latency.halfWidth} vs ${expected}`,
    ).toBeLessThanOrEqual(latency.halfWidth);
  });

  it('round robin on arrival gives each agent Erlang-n interarrivals: the E_n/M/1 mean wait', () => {
    // n = 4 agents, λ = 3.2 in total, μ = 1. Agent k sees every 4th arrival: gaps are Erlang(4, λ). GI/M/1:
    // σ solves σ = A*(μ(1 − σ)) with A*(s) = (λ/(λ + s))^n, and the mean wait is σ / (μ(1 − σ)).
    const n = 4;
    const lambda = 3.2;
    let sigma = 0.5;
    for (let i = 0; i < 500; i++) sigma = (lambda / (lambda + (1 - sigma))) ** n;
    const expectedWait = sigma / (1 - sigma);
    const reports = Array.from({ length: REPLICATIONS }, (_, i) =>
      simulate({
        seed: 4000 + i,
        stop: { tasks: 60_000 },
        warmup: { tasks: 6_000 },
        strategy: 'round-robin',
        agents: [
          {
            type: 'w',
            count: n,
            capacity: 1,
            queueLimit: Number.POSITIVE_INFINITY,
            service: exponential({ mean: 1000 }),
          },
        ],
        workloads: [poissonArrivals(lambda, 'w')],
      }),
    );
    // Mean latency = mean wait + mean service (1 s).
    const latency = confidence(reports.map((r) => r.latency.mean));
    expect(
      Math.abs(latency.mean - (expectedWait + 1)),
      `${latency.mean} ± ${latency.halfWidth} vs ${expectedWait + 1} (σ = ${sigma})`,
    ).toBeLessThanOrEqual(latency.halfWidth);
  });
});
