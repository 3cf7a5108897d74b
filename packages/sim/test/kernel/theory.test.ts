import { exponential } from '@flotilla/core';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/kernel/simulate.js';
import { confidence, erlangC, poissonArrivals } from './support.js';

const REPLICATIONS = 8;

/** Runs an M/M/c pull-model scenario (the central queue, any strategy) once per seed. */
function mmc(servers: number, arrivalPerSec: number, seed: number) {
  return simulate({
    seed,
    stop: { tasks: 40_000 },
    warmup: { tasks: 5_000 },
    strategy: 'round-robin',
    agents: [{ type: 'w', count: servers, capacity: 1, queueLimit: 0, service: exponential({ mean: 1000 }) }],
    workloads: [poissonArrivals(arrivalPerSec, 'w')],
  });
}

describe('the simulator agrees with queueing theory (95% intervals over independent replications)', () => {
  it.each([
    [1, 0.7],
    [4, 3],
  ])('M/M/%i at λ = %f/s, μ = 1/s: mean wait and probability of waiting (Erlang C)', (servers, lambda) => {
    const reports = Array.from({ length: REPLICATIONS }, (_, i) => mmc(servers, lambda, 1000 + i));
    const probWait = erlangC(servers, lambda);
    const meanWait = probWait / (servers - lambda); // seconds, μ = 1
    const wait = confidence(reports.map((r) => r.wait.mean));
    const waiting = confidence(reports.map((r) => r.wait.probWait));
    const seeds = `seeds ${reports.map((r) => r.seed).join(',')}`;
    expect(
      Math.abs(wait.mean - meanWait),
      `${seeds}: mean wait ${wait.mean} vs ${meanWait}`,
    ).toBeLessThanOrEqual(wait.halfWidth);
    expect(
      Math.abs(waiting.mean - probWait),
      `${seeds}: P(wait) ${waiting.mean} vs ${probWait}`,
    ).toBeLessThanOrEqual(waiting.halfWidth);
    for (const r of reports) expect(r.tasks.completed).toBe(r.tasks.submitted); // nothing lost
  });
});

describe('determinism', () => {
  it('gives the same report (but wallMs) and trace hash for the same seed, a different hash for another', () => {
    const strip = (r: ReturnType<typeof mmc>) => JSON.stringify({ ...r, wallMs: 0 });
    const a = mmc(2, 1.5, 7);
    const b = mmc(2, 1.5, 7);
    const c = mmc(2, 1.5, 8);
    expect(strip(a)).toBe(strip(b));
    expect(a.traceHash).toBe(b.traceHash);
    expect(c.traceHash).not.toBe(a.traceHash);
  });
});
