export { studentCriticalValue, studentTwoSidedProbability } from './student-t.js';
export { confidenceInterval, type ConfidenceInterval } from './confidence.js';
export { COMPARE_METRICS, type CompareMetric, type MetricDirection } from './metrics.js';
export { summarizeGrid, type CompareSummary, type MetricComparison } from './summarize.js';
export { gridSeeds, gridJobs, type GridJob } from './grid.js';
export { runGrid, gridThreads, GRID_FAILED, type RunGridOptions } from './run-grid.js';
export { runCell } from './run-cell.js';
export { formatComparison, formatInterval } from './format-compare.js';
export { progressAllowed, gridProgress, PROGRESS_AFTER_MS, type GridProgress } from './progress.js';
