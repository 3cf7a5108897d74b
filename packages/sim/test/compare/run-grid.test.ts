import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFlotillaError } from '@flotilla/core';
import { GRID_FAILED, runGrid } from '../../src/compare/run-grid.js';
import { runCell } from '../../src/compare/run-cell.js';
import { parseScenario } from '../../src/scenario/load.js';

const dir = mkdtempSync(join(tmpdir(), 'flotilla-grid-'));
const trace = join(dir, 'trace.csv');
writeFileSync(
  trace,
  'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.00,100,10\n2023-11-16 18:17:04.00,100,20\n',
);
const scenario = parseScenario(
  `seed: 3
stop: { tasks: 2 }
agents: [{ type: llm, count: 2, service: { model: tokens, base: 0.1, perOutputToken: 0.01 } }]
workload: [{ arrivals: { process: trace, source: trace.csv }, type: llm }]
`,
  join(dir, 'scenario.yaml'),
);

describe('runGrid (worker threads, from the build output)', () => {
  it('returns each cell in grid order, equal to running the cell alone', async () => {
    const reports = await runGrid({
      scenario,
      strategies: ['random', 'round-robin'],
      seeds: [3, 4],
      threads: 2,
    });
    expect(reports.map((row) => row.map((r) => `${r.strategy}@${r.seed}`))).toEqual([
      ['random@3', 'random@4'],
      ['round-robin@3', 'round-robin@4'],
    ]);
    const alone = runCell(scenario, { strategy: 'round-robin', seed: 4 });
    expect({ ...reports[1]?.[1], wallMs: 0 }).toEqual({ ...alone, wallMs: 0 });
  });

  it('ends with an error naming the failed cell', async () => {
    rmSync(trace); // the scenario was resolved while the file existed; the cells find it gone
    const error: unknown = await runGrid({
      scenario,
      strategies: ['random'],
      seeds: [3, 4],
      threads: 1,
    }).catch((e: unknown) => e);
    expect(isFlotillaError(error) && error.code).toBe(GRID_FAILED);
    expect((error as Error).message).toMatch(/^random with seed 3 failed: .*trace\.csv/);
  });
});
