export { runCoreSuite } from './suites/core/suite.js';
export type { BenchResult, BenchComparison, BenchCheck, SuiteReport } from './harness/report.js';
