import { describe, expect, it } from 'vitest';
import { createFleet } from '../../src/index.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const readyAgents = (fleet: ReturnType<typeof createFleet>, type: string) =>
  fleet.stats().types[type]?.agents.filter((a) => a.state === 'ready').length ?? 0;

describe('fleet.autoscale', () => {
  it('adds agents under a backlog, then drains idle ones back to the minimum', async () => {
    const fleet = createFleet({ agents: [{ type: 'work', handler: () => sleep(15), replicas: 1 }] });
    await fleet.ready();
    const autoscaling = fleet.autoscale('work', {
      minAgents: 1,
      maxAgents: 4,
      targetUtilization: 0.6,
      scaleUpQueuePerAgent: 2,
      hysteresis: 0.1,
      cooldownMs: 20,
      evaluateEveryMs: 5,
    });
    const handles = fleet.submitMany(Array.from({ length: 60 }, () => ({ type: 'work' })));
    let peak = 1;
    const watch = setInterval(() => (peak = Math.max(peak, readyAgents(fleet, 'work'))), 2);
    await Promise.all(handles.map((h) => h.result));
    await sleep(300); // idle: the autoscaler drains back down, one agent per cooldown
    clearInterval(watch);
    expect(peak).toBeGreaterThan(1);
    expect(peak).toBeLessThanOrEqual(4);
    expect(readyAgents(fleet, 'work')).toBe(1);
    const kinds = autoscaling.decisions().map((d) => d.kind);
    expect(kinds).toContain('scale-up');
    expect(kinds).toContain('scale-down');
    await fleet.close();
  });

  it('never adds agents that the rate limit would leave idle, and says so', async () => {
    const fleet = createFleet({
      agents: [
        {
          type: 'api',
          handler: () => undefined,
          replicas: 1,
          rateLimit: { requests: { limit: 2, intervalMs: 1000 } },
        },
      ],
    });
    await fleet.ready();
    const autoscaling = fleet.autoscale('api', {
      minAgents: 1,
      maxAgents: 5,
      targetUtilization: 0.5,
      scaleUpQueuePerAgent: 1,
      hysteresis: 0.1,
      cooldownMs: 10,
      evaluateEveryMs: 5,
    });
    const handles = fleet.submitMany(Array.from({ length: 20 }, () => ({ type: 'api' })));
    await sleep(80);
    expect(readyAgents(fleet, 'api')).toBe(1);
    expect(autoscaling.decisions().some((d) => d.reason === 'rate-limited')).toBe(true);
    expect(autoscaling.decisions().some((d) => d.kind === 'scale-up')).toBe(false);
    await fleet.close({ drain: false });
    expect(
      (await Promise.all(handles.map((h) => h.outcome))).every(
        (o) => o.kind === 'completed' || o.kind === 'rejected',
      ),
    ).toBe(true);
  });
});
