import { writeFileSync } from 'node:fs';
import { systemClock, type StrategyName } from '@flotilla/core';
import type { SimReport } from '../kernel/report.js';
import { toSimConfig } from '../run/to-sim-config.js';
import { loadScenario } from '../scenario/load.js';
import { withOverrides } from '../scenario/overrides.js';
import { formatComparison } from './format-compare.js';
import { gridSeeds } from './grid.js';
import { gridProgress, progressAllowed } from './progress.js';
import { gridThreads, runGrid } from './run-grid.js';
import { summarizeGrid, type CompareSummary } from './summarize.js';

/** The options of `flotilla compare`, already checked by the CLI's argument parsers. */
export interface CompareOptions {
  readonly strategies: readonly StrategyName[];
  readonly seeds: number;
  /** First seed; default the scenario's. */
  readonly seed?: number;
  readonly threads?: number;
  readonly json?: string;
}

/** What `flotilla compare --json` writes: the summary, the run's wall time, and every cell's full report. */
export interface CompareJson extends CompareSummary {
  readonly threads: number;
  readonly wallMs: number;
  /** Every cell's report, strategy-major (`runs[s · seeds + k]`). */
  readonly runs: readonly SimReport[];
}

/**
 * `flotilla compare`: loads and checks the scenario (nothing runs if it is invalid or asks for something
 * the simulator does not run), runs the strategy × seed grid on worker threads, prints the table and
 * writes the JSON.
 *
 * @example
 * ```ts
 * await compareCommand('examples/scenarios/mmc.yaml', { strategies: ['random', 'power-of-two'], seeds: 10 });
 * ```
 */
export async function compareCommand(file: string, options: CompareOptions): Promise<CompareJson> {
  const startMs = systemClock.now();
  const scenario = withOverrides(
    loadScenario(file),
    options.seed === undefined ? {} : { seed: options.seed },
  );
  // Refuse what the kernel cannot run here, before any thread starts (each cell would refuse it anyway).
  toSimConfig(scenario);
  const seeds = gridSeeds(scenario.seed, options.seeds);
  const cells = options.strategies.length * seeds.length;
  const threads = gridThreads(options.threads, cells);
  const progress = gridProgress(cells, {
    enabled: progressAllowed(process.stdout, process.env),
    nowMs: () => systemClock.now(),
  });
  let reports: SimReport[][];
  try {
    reports = await runGrid({
      scenario,
      strategies: options.strategies,
      seeds,
      threads,
      onProgress: (done) => progress.update(done),
    });
  } finally {
    progress.stop();
  }
  const summary = summarizeGrid(file, options.strategies, seeds, reports);
  const wallMs = Math.round(systemClock.now() - startMs);
  const title = scenario.name ?? file;
  process.stdout.write(`${formatComparison(summary, { title, threads, wallMs })}\n\n`);
  const last = options.strategies[options.strategies.length - 1] as string;
  process.stdout.write(
    `replay one run: npx --yes pnpm@10.34.8 flotilla sim ${file} --seed ${seeds[0]} --strategy ${last}\n`,
  );
  const json: CompareJson = { ...summary, threads, wallMs, runs: reports.flat() };
  if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify(json, null, 2)}\n`);
  return json;
}
