export { LatencyHistogram, type LatencyHistogramOptions, type LatencySummary } from './latency-histogram.js';
export { Counter } from './counter.js';
export { CounterSet } from './counter-set.js';
export { TimeWeightedGauge, type TimeWeightedGaugeOptions } from './time-weighted-gauge.js';
export { jainFairness } from './jain-fairness.js';
