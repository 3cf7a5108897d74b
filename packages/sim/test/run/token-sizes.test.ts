import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/kernel/simulate.js';
import { toSimConfig } from '../../src/run/to-sim-config.js';
import { parseScenario } from '../../src/scenario/load.js';

/**
 * Synthetic arrivals with token sizes (a workload's `tokens`) through a size-based service model: the
 * sizes reach the service time. 100 agents at 21% load hardly ever queue, so latency is service time:
 * 0.2 s + 0.02 s × output tokens, exponential with mean 200, i.e. mean 4.2 s and σ 4 s.
 */
const SCENARIO = `
seed: 3
stop: { tasks: 5000 }
strategy: power-of-two
agents:
  - type: llm
    count: 100
    service: { model: tokens, base: 0.2, perOutputToken: 0.02 }
workload:
  - arrivals: { process: poisson, rate: 5 }
    type: llm
    tokens: { output: { dist: exponential, mean: 200 } }
`;

describe('workloads with token sizes', () => {
  it('size the service time: mean latency is base + perOutputToken × mean output tokens', () => {
    const report = simulate(toSimConfig(parseScenario(SCENARIO)));
    expect(report.tasks.completed).toBe(5000);
    expect(report.wait.probWait).toBeLessThan(0.01);
    // Six standard errors: fails with probability far below 1e-6 when the sizes reach the model.
    const standardError = 4 / Math.sqrt(report.tasks.completed);
    expect(Math.abs(report.latency.mean - 4.2)).toBeLessThanOrEqual(6 * standardError);
  });
});
