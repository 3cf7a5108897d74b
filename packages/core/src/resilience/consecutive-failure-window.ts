import { ConfigError } from '../errors/config-error.js';
import { checkInteger } from '../errors/validate.js';
import type {
  BreakerWindow,
  BreakerWindowState,
  CallOutcome,
  TripReason,
  WindowSnapshot,
} from './breaker-window.js';
import { rateSnapshot } from './rate-thresholds.js';

/** Options of a {@link ConsecutiveFailureWindow}. */
export interface ConsecutiveFailureWindowOptions {
  /** Trip after this many failures in a row; an integer ≥ 1. */
  readonly threshold: number;
}

/**
 * Trips after `threshold` consecutive failures; any success starts the count over. Its "window" is the
 * current streak of failures, so the snapshot reports that streak (`calls === failures`, no slow calls):
 * durations play no part here.
 *
 * @example
 * ```ts
 * const window = new ConsecutiveFailureWindow({ threshold: 2 });
 * window.record({ success: false, durationMs: 5 }, 0);
 * window.record({ success: false, durationMs: 5 }, 1);
 * window.shouldTrip(); // true
 * window.tripReason(); // 'consecutive-failures'
 * ```
 */
export class ConsecutiveFailureWindow implements BreakerWindow {
  readonly kind = 'consecutive';
  readonly threshold: number;
  private consecutiveFailures = 0;

  constructor(options: ConsecutiveFailureWindowOptions) {
    this.threshold = checkInteger('threshold', options.threshold, 1);
  }

  record(outcome: CallOutcome, _nowMs: number): void {
    this.consecutiveFailures = outcome.success ? 0 : this.consecutiveFailures + 1;
  }

  advanceTo(_nowMs: number): void {}

  shouldTrip(): boolean {
    return this.consecutiveFailures >= this.threshold;
  }

  tripReason(): TripReason | undefined {
    return this.shouldTrip() ? 'consecutive-failures' : undefined;
  }

  snapshot(): WindowSnapshot {
    return rateSnapshot(this.consecutiveFailures, this.consecutiveFailures, 0);
  }

  reset(): void {
    this.consecutiveFailures = 0;
  }

  state(): BreakerWindowState {
    return { kind: 'consecutive', consecutiveFailures: this.consecutiveFailures };
  }

  restore(state: BreakerWindowState): void {
    if (state.kind !== 'consecutive') throw new ConfigError('state.kind', 'be "consecutive"', state.kind);
    this.consecutiveFailures = checkInteger('state.consecutiveFailures', state.consecutiveFailures, 0);
  }
}
