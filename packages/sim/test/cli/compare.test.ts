import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built CLI, as `pnpm flotilla` runs it (the test command builds first).
const cli = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flotilla-compare-'));
const file = join(dir, 'dispatch.yaml');
writeFileSync(
  file,
  `name: dispatch on arrival
seed: 11
stop: { tasks: 3000 }
warmup: { tasks: 300 }
strategy: random
agents:
  - type: w
    count: 8
    capacity: 1
    queueLimit: unbounded
    service: { dist: exponential, mean: 1.0 }
workload:
  - arrivals: { process: poisson, rate: 6.4 }
    type: w
    priority: medium
`,
);

// Piped output and CI=true: never a progress bar.
const run = (...args: string[]) =>
  spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', env: { ...process.env, CI: 'true' } });

interface CompareJson {
  strategies: string[];
  seeds: number[];
  threads: number;
  wallMs: number;
  metrics: { name: string; best?: string; byStrategy: Record<string, { mean: number; halfWidth: number }> }[];
  runs: { strategy: string; seed: number; traceHash: string; wallMs: number }[];
}

const readJson = (path: string): CompareJson => JSON.parse(readFileSync(path, 'utf8')) as CompareJson;
/** The JSON without what measures the machine rather than the simulation. */
const stable = (json: CompareJson): string =>
  JSON.stringify({ ...json, threads: 0, wallMs: 0, runs: json.runs.map((r) => ({ ...r, wallMs: 0 })) });

describe('flotilla compare', () => {
  it('runs the grid on worker threads, prints intervals and the best, and writes the JSON', () => {
    const out = join(dir, 'two-threads.json');
    const result = run('compare', file, '--strategies', 'random,power-of-two', '--seeds', '3', '--json', out);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain('2 strategies × 3 seeds = 6 runs (seeds 11..13)');
    expect(result.stdout).toContain('95% confidence interval (Student t, 2 degrees of freedom)');
    expect(result.stdout).toMatch(/↓ latency\.mean \(s\)\s+\S+ ± \S+\s+\S+ ± \S+ \*{1,2}/);
    expect(result.stdout).toContain('replay one run: npx --yes pnpm@10.34.8 flotilla sim');
    expect(result.stdout + result.stderr).not.toContain('\u001b['); // no bar drawn into a pipe
    const json = readJson(out);
    expect(json.strategies).toEqual(['random', 'power-of-two']);
    expect(json.seeds).toEqual([11, 12, 13]);
    expect(json.runs.map((r) => `${r.strategy}@${r.seed}`)).toEqual([
      'random@11',
      'random@12',
      'random@13',
      'power-of-two@11',
      'power-of-two@12',
      'power-of-two@13',
    ]);
    // At 80% load on 8 agents, two choices beat one by far more than three seeds' noise.
    expect(json.metrics.find((m) => m.name === 'latency.mean')?.best).toBe('power-of-two');

    // Each cell is exactly the run `flotilla sim` gives for that seed and strategy.
    const single = join(dir, 'single.json');
    expect(run('sim', file, '--seed', '12', '--strategy', 'power-of-two', '--json', single).status).toBe(0);
    expect(JSON.parse(readFileSync(single, 'utf8'))).toEqual({ ...json.runs[4], wallMs: expect.any(Number) });

    // The same grid on one thread gives the same numbers.
    const oneThread = join(dir, 'one-thread.json');
    const again = run(
      'compare',
      file,
      '--strategies',
      'random,power-of-two',
      '--seeds',
      '3',
      '--threads',
      '1',
      '--json',
      oneThread,
    );
    expect(again.status, again.stderr).toBe(0);
    expect(readJson(oneThread).threads).toBe(1);
    expect(stable(readJson(oneThread))).toBe(stable(json));
  });

  it.each([
    [['--strategies', 'random,fastest'], 'unknown strategy "fastest"'],
    [['--strategies', 'random,random'], '"random" is listed twice'],
    [['--strategies', 'random', '--seeds', '1'], '--seeds must be an integer in [2, 10000], got "1"'],
    [['--strategies', 'random', '--seeds', 'ten'], '--seeds must be an integer in [2, 10000], got "ten"'],
    [['--strategies', 'random', '--threads', '0'], '--threads must be an integer in [1, 1024], got "0"'],
    [['--seeds', '3'], "required option '--strategies <list>' not specified"],
  ])('refuses %j without running anything', (args, message) => {
    const out = join(dir, 'never.json');
    const result = run('compare', file, ...args, '--json', out);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('refuses an invalid scenario with its path and value', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(file, 'utf8').replace('count: 8', 'count: 0'));
    const result = run('compare', bad, '--strategies', 'random');
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('agents[0].count');
    expect(result.stdout).toBe('');
  });
});
