import { checkInteger, checkName, checkNumber, checkPositive, ConfigError } from '@flotilla/core';

/** Most agents of one type an autoscaler may ask for: a limit on everything. */
export const MAX_AGENTS_LIMIT = 100_000;

/** Options of an autoscaler for one agent type. */
export interface AutoscalerConfig {
  /** The agent type it scales. */
  readonly type: string;
  /** Floor, an integer ≥ 0 (0 allows scaling to zero). */
  readonly minAgents: number;
  /** Ceiling, an integer in `[max(1, minAgents), 100000]`. */
  readonly maxAgents: number;
  /** Busy share of the agents to aim for, in `(0, 1]`. */
  readonly targetUtilization: number;
  /**
   * Scale up when more than this many tasks wait per agent, whatever the utilization (a backlog of long
   * tasks can sit behind busy agents at moderate utilization). ≥ 0, or `Infinity` to scale on utilization
   * only.
   */
  readonly scaleUpQueuePerAgent: number;
  /**
   * Half-width of the dead band around the target, as a fraction of it, in `[0, 1)`: scale up above
   * `target · (1 + hysteresis)`, down below `target · (1 − hysteresis)`, hold in between.
   */
  readonly hysteresis: number;
  /** Time after a scaling action is applied during which no decision is made; ≥ 0. */
  readonly cooldownMs: number;
  /** Agents added per scale-up, an integer ≥ 1; default 1. Scale-down always drains one agent. */
  readonly step?: number;
  /**
   * How long to wait for the runtime's `SCALED` report before entering cooldown anyway (the runtime may
   * have lost it; the next `EVALUATE` reports the real agent count). > 0; default `max(cooldownMs, 1000)`.
   */
  readonly applyTimeoutMs?: number;
}

/** An {@link AutoscalerConfig} checked and with its defaults filled in. */
export type ResolvedAutoscalerConfig = Required<AutoscalerConfig>;

/**
 * Checks an autoscaler config and fills in its defaults. Throws a {@link ConfigError} naming the first bad
 * field and its value (e.g. `maxAgents must be ≥ minAgents (4), got 2`).
 *
 * @example
 * ```ts
 * validateAutoscalerConfig({
 *   type: 'writer', minAgents: 1, maxAgents: 8, targetUtilization: 0.7,
 *   scaleUpQueuePerAgent: 4, hysteresis: 0.1, cooldownMs: 30_000,
 * }); // { …, step: 1, applyTimeoutMs: 30_000 }
 * ```
 */
export function validateAutoscalerConfig(config: AutoscalerConfig): ResolvedAutoscalerConfig {
  if (typeof config !== 'object' || config === null) throw new ConfigError('config', 'be an object', config);
  const type = checkName('type', config.type);
  const minAgents = checkInteger('minAgents', config.minAgents, 0, MAX_AGENTS_LIMIT);
  const maxAgents = checkInteger('maxAgents', config.maxAgents, 1, MAX_AGENTS_LIMIT);
  if (maxAgents < minAgents) throw new ConfigError('maxAgents', `be ≥ minAgents (${minAgents})`, maxAgents);
  const targetUtilization = checkNumber('targetUtilization', config.targetUtilization, { max: 1 });
  if (targetUtilization <= 0) throw new ConfigError('targetUtilization', 'be in (0, 1]', targetUtilization);
  const scaleUpQueuePerAgent =
    config.scaleUpQueuePerAgent === Number.POSITIVE_INFINITY
      ? config.scaleUpQueuePerAgent
      : checkNumber('scaleUpQueuePerAgent', config.scaleUpQueuePerAgent, { min: 0 });
  const hysteresis = checkNumber('hysteresis', config.hysteresis, { min: 0 });
  if (hysteresis >= 1) throw new ConfigError('hysteresis', 'be in [0, 1)', hysteresis);
  const cooldownMs = checkNumber('cooldownMs', config.cooldownMs, { min: 0 });
  const step = config.step === undefined ? 1 : checkInteger('step', config.step, 1, MAX_AGENTS_LIMIT);
  const applyTimeoutMs =
    config.applyTimeoutMs === undefined
      ? Math.max(cooldownMs, 1000)
      : checkPositive('applyTimeoutMs', config.applyTimeoutMs);
  return {
    type,
    minAgents,
    maxAgents,
    targetUtilization,
    scaleUpQueuePerAgent,
    hysteresis,
    cooldownMs,
    step,
    applyTimeoutMs,
  };
}
