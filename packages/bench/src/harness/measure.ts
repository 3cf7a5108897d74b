import Benchmark from 'benchmark';

/** How long the benchmark package samples each case, seconds. Short: the suites have many cases. */
export interface MeasureOptions {
  readonly maxTimeSec?: number;
  /** Called after every sampling cycle, untimed: a case uses it to restore its starting state. */
  readonly onCycle?: () => void;
}

/**
 * Runs `body` under the benchmark package and returns operations per second, where one call of `body`
 * performs `opsPerCall` operations (batching keeps the harness's per-call overhead out of fast cases).
 */
export function measure(
  name: string,
  body: () => void,
  opsPerCall: number,
  options: MeasureOptions = {},
): { opsPerSec: number; rmePercent: number } {
  const bench = new Benchmark(name, body, {
    maxTime: options.maxTimeSec ?? 1.5,
    minSamples: 5,
    ...(options.onCycle === undefined ? {} : { onCycle: options.onCycle }),
  });
  bench.run({ async: false });
  if (bench.error) throw bench.error;
  return { opsPerSec: bench.hz * opsPerCall, rmePercent: bench.stats.rme };
}
