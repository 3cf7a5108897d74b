import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built CLI, as `pnpm flotilla` runs it (the test command builds first).
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-'));

const scenario = (tasks: number, extra = ''): string => {
  const file = join(dir, `s-${tasks}-${extra.length}.yaml`);
  writeFileSync(
    file,
    `seed: 5
stop: { tasks: ${tasks} }
strategy: power-of-two
agents:
  - type: w
    count: 4
    capacity: 1
    queueLimit: 0
    service: { dist: exponential, mean: 1.0 }
workload:
  - arrivals: { process: poisson, rate: 3 }
    type: w
    priority: medium
${extra}`,
  );
  return file;
};

const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });

describe('flotilla sim', () => {
  it('writes byte-identical reports (but wallMs) from separate processes, and another hash for another seed', () => {
    const file = scenario(3000);
    const reports = [1, 2].map((i) => {
      const out = join(dir, `r${i}.json`);
      const result = run('sim', file, '--json', out);
      expect(result.status, result.stderr).toBe(0);
      return JSON.parse(readFileSync(out, 'utf8')) as { wallMs: number; traceHash: string };
    });
    const strip = (r: { wallMs: number }) => JSON.stringify({ ...r, wallMs: 0 });
    expect(strip(reports[0] as never)).toBe(strip(reports[1] as never));
    const other = join(dir, 'r3.json');
    expect(run('sim', file, '--seed', '6', '--json', other).status).toBe(0);
    expect((JSON.parse(readFileSync(other, 'utf8')) as { traceHash: string }).traceHash).not.toBe(
      reports[0]?.traceHash,
    );
  });

  it('refuses an invalid scenario with the path and value, exits non-zero and runs nothing', () => {
    const file = scenario(100).replace('.yaml', '-bad.yaml');
    writeFileSync(file, readFileSync(scenario(100), 'utf8').replace('capacity: 1', 'capacity: 0'));
    const result = run('sim', file, '--json', join(dir, 'never.json'));
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('agents[0].capacity');
    expect(result.stderr).toContain('got 0');
    expect(result.stdout).toBe('');
  });

  it('refuses an unknown strategy flag', () => {
    const result = run('sim', scenario(100), '--strategy', 'fastest');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('--strategy must be one of');
  });

  it('runs the strategy race with its own --seed and --tasks', () => {
    const result = run('demo', '--tasks', '500', '--seed', '3');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('500 tasks, seed 3');
    expect(result.stdout).toContain('lowest mean latency');
  });
});
