import { PRIORITIES } from '@flotilla/core';
import type { SimReport } from '../kernel/report.js';

const fixed = (value: number, digits = 3): string =>
  Number.isFinite(value) ? value.toFixed(digits) : String(value);

/** The readable summary `flotilla sim` prints; `--json` writes the full report instead. */
export function formatReport(report: SimReport, title: string): string {
  const t = report.tasks;
  const lines = [
    `${title}  (strategy ${report.strategy}, seed ${report.seed})`,
    `simulated ${fixed(report.simulatedTime, 1)} s in ${report.wallMs} ms of wall time · trace ${report.traceHash}`,
    '',
    `tasks      submitted ${t.submitted}  completed ${t.completed}  rejected ${t.rejected}  expired ${t.expired}  failed ${t.failed}  dead-lettered ${t.deadLettered}  cancelled ${t.cancelled}`,
    `latency s  mean ${fixed(report.latency.mean)}  p50 ${fixed(report.latency.p50)}  p90 ${fixed(report.latency.p90)}  p99 ${fixed(report.latency.p99)}  p99.9 ${fixed(report.latency.p999)}  max ${fixed(report.latency.max)}`,
    `wait s     mean ${fixed(report.wait.mean)}  p50 ${fixed(report.wait.p50)}  p99 ${fixed(report.wait.p99)}  P(wait) ${fixed(report.wait.probWait)}`,
    `throughput ${fixed(report.throughput, 2)} tasks/s · utilization ${fixed(report.utilization.mean)} · queue depth mean ${fixed(report.queueDepth.mean, 2)} max ${report.queueDepth.max} · fairness ${fixed(report.fairness)}`,
    `attempts   ${report.attempts.started} (${report.attempts.retries} retries) · agents mean ${fixed(report.agents.mean, 1)} max ${report.agents.max}`,
  ];
  if (report.prefixCache !== undefined)
    lines.push(
      `prefix cache hit rate ${fixed(report.prefixCache.hitRate)} of ${report.prefixCache.blocksLookedUp} blocks looked up`,
    );
  const decisions = Object.entries(report.decisions);
  if (decisions.length > 0)
    lines.push(`decisions  ${decisions.map(([name, count]) => `${name} ${count}`).join(' · ')}`);
  const active = PRIORITIES.filter((p) => report.byPriority[p].completed > 0);
  if (active.length > 1) {
    lines.push('', 'by priority   completed  mean latency s  p99 latency s  mean wait s');
    for (const p of active) {
      const b = report.byPriority[p];
      lines.push(
        `  ${p.padEnd(10)}  ${String(b.completed).padStart(9)}  ${fixed(b.latency.mean).padStart(14)}  ${fixed(b.latency.p99).padStart(13)}  ${fixed(b.wait.mean).padStart(11)}`,
      );
    }
  }
  return lines.join('\n');
}
