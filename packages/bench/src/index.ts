export { runCoreSuite } from './suites/core.js';
export type { BenchResult, BenchComparison, BenchCheck, SuiteReport } from './harness/report.js';
