import { exponential, type Priority } from '@flotilla/core';
import type { Workload } from '../../src/workload/workload.js';
import { confidenceInterval } from '../../src/compare/confidence.js';

/** A minimal Poisson source for kernel tests (the full workloads live in src/workload). */
export function poissonArrivals(ratePerSec: number, type: string, priority: Priority = 'medium'): Workload {
  const gap = exponential({ mean: 1000 / ratePerSec });
  return {
    name: 'poisson',
    start(context, rng) {
      const next = (): void => {
        if (!context.active()) return;
        context.submit({ type, priority });
        context.at(context.now() + gap.sample(rng), next);
      };
      context.at(gap.sample(rng), next);
    },
  };
}

/** Erlang C: probability that an arrival waits in an M/M/c queue with offered load a = λ/μ. */
export function erlangC(servers: number, offeredLoad: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < servers; k++) {
    term *= offeredLoad / k;
    sum += term;
  }
  const last = (term * offeredLoad) / servers / (1 - offeredLoad / servers);
  return last / (sum + last);
}

/**
 * Mean and 95% half-width (Student t) of independent replications: the library's own interval, with the
 * exact t quantile for any number of them (a table of a few counts fell back to 2.0 for others, too
 * narrow for small counts).
 */
export function confidence(values: readonly number[]): { mean: number; halfWidth: number } {
  const { mean, halfWidth } = confidenceInterval(values, 0.95);
  return { mean, halfWidth };
}
