import type { ConfidenceInterval } from './confidence.js';
import type { CompareSummary, MetricComparison } from './summarize.js';

/**
 * `mean ± halfWidth`, the mean rounded to the half-width's second significant digit: digits beyond what
 * the seeds support would be noise presented as fact.
 *
 * @example
 * ```ts
 * formatInterval({ mean: 2.60578, halfWidth: 0.0245 } as ConfidenceInterval); // "2.606 ± 0.025"
 * ```
 */
export function formatInterval(ci: Pick<ConfidenceInterval, 'mean' | 'halfWidth'>): string {
  // A spread at rounding-noise level (equal runs whose means differ in the 15th digit) is no spread.
  if (ci.halfWidth <= Math.abs(ci.mean) * 1e-9) return `${significant(ci.mean)} ± 0`;
  const decimals = Math.min(6, Math.max(0, 1 - Math.floor(Math.log10(ci.halfWidth))));
  return `${ci.mean.toFixed(decimals)} ± ${ci.halfWidth.toFixed(decimals)}`;
}

function significant(value: number): string {
  if (Number.isInteger(value)) return String(value);
  return Math.abs(value) >= 1e4 ? value.toFixed(0) : String(Number(value.toPrecision(4)));
}

const degrees = (df: number): string => `${df} degree${df === 1 ? '' : 's'} of freedom`;

const ARROW = { lower: '↓', higher: '↑', neutral: ' ' } as const;

function cell(metric: MetricComparison, strategy: string): string {
  const text = formatInterval(metric.byStrategy[strategy] as ConfidenceInterval);
  if (metric.best !== strategy) return `${text}  `;
  return `${text} ${metric.separated ? '**' : '* '}`;
}

/**
 * The table `flotilla compare` prints: one row per metric, one column per strategy, each cell the mean
 * over seeds ± the half-width of its confidence interval; `*` marks the best mean in the metric's
 * direction, `**` when the best's interval is also disjoint from every other strategy's.
 *
 * @example
 * ```ts
 * process.stdout.write(formatComparison(summary, { title: 'mmc.yaml', threads: 2, wallMs: 5300 }));
 * ```
 */
export function formatComparison(
  summary: CompareSummary,
  run: { readonly title: string; readonly threads: number; readonly wallMs: number },
): string {
  const seeds = summary.seeds;
  const runs = summary.strategies.length * seeds.length;
  const seedRange = seeds.length === 1 ? `seed ${seeds[0]}` : `seeds ${seeds[0]}..${seeds[seeds.length - 1]}`;
  const percent = Math.round(summary.level * 100);
  const header = [
    `${run.title}: ${summary.strategies.length} strategies × ${seeds.length} seeds = ${runs} runs (${seedRange}) on ${run.threads} threads in ${(run.wallMs / 1000).toFixed(1)} s`,
    `each cell: mean over seeds ± half-width of its ${percent}% confidence interval (Student t, ${degrees(seeds.length - 1)})`,
    '↓ lower is better (latency, wait, queue depth, lost tasks) · ↑ higher is better (throughput, fairness, completed)',
    '* best mean · ** best mean and its interval disjoint from every other strategy’s · unmarked rows are not ranked',
    '',
  ];
  const rows = summary.metrics.map((metric) => [
    `${ARROW[metric.direction]} ${metric.name}${metric.unit === '' ? '' : ` (${metric.unit})`}`,
    ...summary.strategies.map((strategy) => cell(metric, strategy)),
  ]);
  const table = [['  metric', ...summary.strategies], ...rows];
  const widths = (table[0] as string[]).map((_, c) => Math.max(...table.map((row) => (row[c] ?? '').length)));
  const lines = table.map((row) =>
    row
      .map((text, c) => (c === 0 ? text.padEnd(widths[c] as number) : text.padStart(widths[c] as number)))
      .join('   ')
      .trimEnd(),
  );
  return [...header, ...lines].join('\n');
}
