import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/kernel/simulate.js';
import { loadScenario } from '../../src/scenario/load.js';
import { withOverrides } from '../../src/scenario/overrides.js';
import { toSimConfig } from '../../src/run/to-sim-config.js';

/** The example scenarios run as written (the README and their headers tell users to run them). */

const example = (name: string): string =>
  fileURLToPath(new URL(`../../../../examples/scenarios/${name}`, import.meta.url));

const run = (name: string) => simulate(toSimConfig(loadScenario(example(name))));

const conserved = (report: ReturnType<typeof simulate>): void => {
  const t = report.tasks;
  expect(t.completed + t.failed + t.deadLettered + t.expired + t.rejected + t.cancelled).toBe(t.submitted);
};

describe('example scenarios', () => {
  it("M/M/10: throughput is λ, utilization is ρ, and queue depth obeys Little's law (L = λW) over the measured window", () => {
    const report = run('mmc.yaml');
    conserved(report);
    expect(report.throughput).toBeGreaterThan(9 * 0.98);
    expect(report.throughput).toBeLessThan(9 * 1.02);
    expect(report.utilization.mean).toBeCloseTo(0.9, 2);
    // Depth and wait are measured separately (a time average and a per-task average): Little ties them.
    const littleDepth = report.throughput * report.wait.mean;
    expect(Math.abs(report.queueDepth.mean - littleDepth) / littleDepth).toBeLessThan(0.03);
  });

  it('failover: the crash restarts, breakers open on the failing agent and close again, retries absorb the rest', () => {
    const report = run('failover.yaml');
    conserved(report);
    expect(report.decisions['restart-host']).toBe(1);
    expect(report.decisions['breaker-open']).toBeGreaterThanOrEqual(1);
    expect(report.decisions['breaker-closed']).toBeGreaterThanOrEqual(1);
    expect(report.attempts.retries).toBeGreaterThan(0);
    expect(report.tasks.completed / report.tasks.submitted).toBeGreaterThan(0.99);
  });

  it('diurnal autoscaler: the fleet grows for the peak and shrinks after it, holding utilization near its target', () => {
    const report = run('diurnal-autoscaler.yaml');
    conserved(report);
    expect(report.agents.max).toBeGreaterThan(40);
    expect(report.decisions['agent-stopped']).toBeGreaterThan(0);
    expect(report.utilization.mean).toBeGreaterThan(0.55);
    expect(report.utilization.mean).toBeLessThan(0.85);
  });

  it('Mooncake cache affinity: consistent hashing hits the prefix cache far more often than power-of-two, and is faster for it', () => {
    const scenario = loadScenario(example('mooncake-cache-affinity.yaml'));
    const hashed = simulate(toSimConfig(scenario));
    const balanced = simulate(toSimConfig(withOverrides(scenario, { strategy: 'power-of-two' })));
    conserved(hashed);
    const hashedRate = hashed.prefixCache?.hitRate ?? 0;
    const balancedRate = balanced.prefixCache?.hitRate ?? 1;
    expect(hashedRate).toBeGreaterThan(2 * balancedRate);
    expect(hashed.latency.mean).toBeLessThan(balanced.latency.mean);
  });

  it('the LLM fleet on the Azure conversation trace (the main job) replays the whole trace', () => {
    const report = run('llm-azure-conv.yaml');
    conserved(report);
    expect(report.tasks.submitted).toBe(19_366);
  });
});
