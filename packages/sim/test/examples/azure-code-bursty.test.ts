import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/kernel/simulate.js';
import { toSimConfig } from '../../src/run/to-sim-config.js';
import { loadScenario } from '../../src/scenario/load.js';

const file = fileURLToPath(new URL('../../../../examples/scenarios/azure-code-bursty.yaml', import.meta.url));
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe('examples/scenarios/azure-code-bursty.yaml', () => {
  it('replays the whole trace, and its bounded queue refuses or expires load instead of losing it', () => {
    const scenario = loadScenario(file);
    const report = simulate(toSimConfig(scenario));
    const t = report.tasks;
    expect(t.submitted).toBe(8819); // every row of the trace
    expect(t.completed + t.rejected + t.expired).toBe(t.submitted);
    expect(t.rejected).toBeGreaterThan(0); // the bursts outrun 8 slots: backpressure acts
    expect(t.expired).toBeGreaterThan(0); // and the TTL bounds what waiting costs
    expect(report.queueDepth.max).toBeLessThanOrEqual(scenario.queue.maxDepth);
    // Low priority is refused first under backpressure, so it completes the smallest share of its arrivals
    // (the mix is 1 : 2 : 1, high : medium : low).
    expect(report.byPriority.low.completed).toBeLessThan(report.byPriority.high.completed);
  });

  it('runs with the one command the README gives', () => {
    const result = spawnSync(process.execPath, [cli, 'sim', file], { encoding: 'utf8' });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('Bursty Azure code trace with backpressure');
    expect(result.stdout).toMatch(/rejected [1-9]\d*/);
  });
});
