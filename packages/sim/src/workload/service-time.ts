import { checkNumber } from '@flotilla/core';
import { checkOptions, fieldPath } from './validate.js';
import type { Arrival } from './workload.js';

/**
 * Service time as a function of the task itself rather than a draw from a distribution: how long an agent
 * of speed 1 needs for `arrival`, in simulated ms. The kernel divides by the agent's speed factor.
 */
export interface ServiceTimeModel {
  readonly kind: string;
  /** Milliseconds of work in `arrival`, finite and ≥ 0. Pure: same arrival, same answer. */
  serviceMs(arrival: Arrival): number;
}

/** Parameters of {@link tokenServiceTime}. */
export interface TokenServiceTimeOptions {
  /** Fixed cost per task, ms, ≥ 0 (request overhead, time to first token). */
  readonly baseMs: number;
  /** Cost per generated token, ms, ≥ 0 (decode). */
  readonly perOutputTokenMs: number;
  /** Cost per prompt token, ms, ≥ 0 (prefill; default 0). */
  readonly perInputTokenMs?: number;
}

/** The model {@link tokenServiceTime} returns. */
export interface TokenServiceTime extends ServiceTimeModel, Required<TokenServiceTimeOptions> {
  readonly kind: 'tokens';
}

/**
 * The linear cost model of LLM serving: `baseMs + perOutputTokenMs × outputTokens + perInputTokenMs ×
 * inputTokens`. Decoding is sequential, one token per step, so generated tokens dominate; prefill is
 * parallel over the prompt and much cheaper per token. An arrival without a size (from a synthetic
 * workload) counts as 0 tokens and costs `baseMs`, rather than failing mid-run.
 *
 * @param field - where the options sit in a config, prefixed to names in errors (`agents[0].service.baseMs`).
 * @throws {@link ConfigError} unless each coefficient is a finite number ≥ 0.
 *
 * @example
 * ```ts
 * const model = tokenServiceTime({ baseMs: 200, perOutputTokenMs: 20, perInputTokenMs: 0.1 });
 * model.serviceMs({ type: 'llm', priority: 'medium', inputTokens: 1000, outputTokens: 211 }); // 4520
 * ```
 */
export function tokenServiceTime(options: TokenServiceTimeOptions, field = ''): TokenServiceTime {
  checkOptions(field, options);
  const baseMs = checkNumber(fieldPath(field, 'baseMs'), options.baseMs, { min: 0 });
  const perOutputTokenMs = checkNumber(fieldPath(field, 'perOutputTokenMs'), options.perOutputTokenMs, {
    min: 0,
  });
  const perInputTokenMs = checkNumber(fieldPath(field, 'perInputTokenMs'), options.perInputTokenMs ?? 0, {
    min: 0,
  });
  return {
    kind: 'tokens',
    baseMs,
    perOutputTokenMs,
    perInputTokenMs,
    serviceMs: (arrival) =>
      baseMs + perOutputTokenMs * (arrival.outputTokens ?? 0) + perInputTokenMs * (arrival.inputTokens ?? 0),
  };
}
