import { exponential } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/kernel/simulate.js';
import { confidence, poissonArrivals } from './support.js';

const REPLICATIONS = 8;
const AGENTS = 500;

/**
 * Mitzenmacher's supermarket model ("The Power of Two Choices in Randomized Load Balancing", 1996/2001):
 * n capacity-1 servers with exponential service (μ = 1), Poisson arrivals at rate λn, each task joining
 * the shorter of two queues sampled at random. As n → ∞ the fraction of queues holding at least i tasks
 * is s_i = λ^(2^i − 1), so the mean number per queue is Σ_{i≥1} s_i and, by Little's law, the mean time in
 * system is T = Σ_{i≥1} λ^(2^i − 2) (in service means).
 */
function supermarketTime(lambda: number): number {
  let total = 0;
  for (let i = 1; i <= 30; i++) total += lambda ** (2 ** i - 2);
  return total;
}

/**
 * The finite-n allowance, in service means. The mean-field limit is exact only as n → ∞; at finite n the
 * error of a mean-field expectation is O(1/n) (Gast, "Expected values estimated via mean-field
 * approximation are 1/N-accurate", SIGMETRICS 2017). Core's power-of-two samples two *distinct* agents
 * (the model samples with replacement), another O(1/n) difference. Small fleets of this simulator at
 * λ = 0.9 measure an excess of about 3.5/n (n = 10: 2.96 vs 2.61) and 3/n (n = 20: 2.77); we allow 4/n,
 * 0.008 at n = 500: a fifth of the replications' own half-width, so it does not hide a real error.
 */
const FINITE_N_ALLOWANCE = 4 / AGENTS;

describe("power-of-two on arrival against Mitzenmacher's supermarket model (n = 500)", () => {
  // Warm-up: the mean-field equations started empty reach 99.9% of their fixed point's queue length by
  // t ≈ 25 (λ = 0.7) and t ≈ 80 (λ = 0.9) service means, so the statistics start after that.
  it.each([
    [0.9, 100, 200, 6000],
    [0.7, 40, 120, 6100],
  ])('λ = %f per agent: mean time in system', (lambda, warmupSec, stopSec, firstSeed) => {
    const expected = supermarketTime(lambda);
    const reports = Array.from({ length: REPLICATIONS }, (_, i) =>
      simulate({
        seed: firstSeed + i,
        stop: { timeMs: stopSec * 1000 },
        warmup: { timeMs: warmupSec * 1000 },
        strategy: 'power-of-two',
        agents: [
          {
            type: 'w',
            count: AGENTS,
            capacity: 1,
            queueLimit: Number.POSITIVE_INFINITY,
            service: exponential({ mean: 1000 }),
          },
        ],
        workloads: [poissonArrivals(lambda * AGENTS, 'w')],
      }),
    );
    const latency = confidence(reports.map((r) => r.latency.mean));
    // Measured (these seeds): 2.588 ± 0.062 vs 2.614 at λ = 0.9; 1.618 ± 0.020 vs 1.614 at λ = 0.7.
    // Mutation check: with `random` in place of power-of-two every agent is an M/M/1 queue at λ, T = 1/(1 − λ):
    // the same seeds measure 8.01 ± 0.28 (still climbing towards 10 at 200 s) and 3.24 ± 0.06, failing both.
    expect(
      Math.abs(latency.mean - expected),
      `seeds ${firstSeed}..${firstSeed + REPLICATIONS - 1}: ${latency.mean} ± ${latency.halfWidth} s vs ${expected} s (+ finite-n ${FINITE_N_ALLOWANCE})`,
    ).toBeLessThanOrEqual(latency.halfWidth + FINITE_N_ALLOWANCE);
    for (const r of reports) expect(r.tasks.completed).toBe(r.tasks.submitted);
  });
});
