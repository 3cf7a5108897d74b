/** One measured number, in the shape every suite's JSON uses. */
export interface BenchResult {
  readonly name: string;
  readonly params: Readonly<Record<string, number | string>>;
  readonly value: number;
  readonly unit: string;
  /** Relative margin of error at 95% confidence, percent (from the benchmark package). */
  readonly rmePercent?: number;
}

/** Ours against a peer, measured in the same run. */
export interface BenchComparison {
  readonly name: string;
  readonly ours: number;
  readonly peer: number;
  readonly ratio: number;
  readonly unit: string;
}

/** A suite's report: `pnpm bench <suite> --json FILE` writes it. */
export interface SuiteReport {
  readonly suite: string;
  readonly results: BenchResult[];
  readonly comparisons?: BenchComparison[];
  readonly checks?: BenchCheck[];
}

/** A target the issue tracker fixes, evaluated on this run's own numbers. */
export interface BenchCheck {
  readonly name: string;
  readonly value: number;
  readonly limit: number;
  readonly pass: boolean;
  readonly description: string;
}

/** Renders rows as an aligned plain-text table. */
export function formatTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** 1234567.8 → "1,234,568". */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** The middle value of interleaved runs (the upper middle for an even count). */
export function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
}

/** Ours against a peer, with the ratio worked out once. */
export function comparison(name: string, ours: number, peer: number, unit = 'tasks/s'): BenchComparison {
  return { name, ours, peer, ratio: ours / peer, unit };
}
