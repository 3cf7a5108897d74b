export { simulate, type SimConfig, type SimAgentType, type OutcomeCounts } from './simulate.js';
export type { SimReport, LatencyStats, WaitStats } from './report.js';
export { TraceHash } from './trace-hash.js';
