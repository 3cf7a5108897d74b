import type { SerializedError } from '../errors/flotilla-error.js';

/** Why a task was refused at submission or before it ran. */
export const REJECT_REASONS = ['backpressure', 'invalid', 'breaker-open', 'shutting-down'] as const;
/** One of {@link REJECT_REASONS}. */
export type RejectReason = (typeof REJECT_REASONS)[number];

/** Where a task's time ran out: its TTL while waiting, or its deadline while running. */
export type ExpiryPhase = 'waiting' | 'running';

/**
 * The one terminal outcome every submitted task ends in, exactly once (the reliability contract):
 * - `completed` — a handler returned a result;
 * - `failed` — a final failure with no dead-letter queue to hold it (non-retryable, or retries exhausted);
 * - `dead-lettered` — retries exhausted (or non-retryable), parked in the dead-letter queue for redrive;
 * - `expired` — TTL elapsed while waiting, or `timeoutMs` elapsed while running with no attempts left;
 * - `rejected` — refused with a reason, before running;
 * - `cancelled` — cancelled by the caller.
 */
export type TaskOutcome<R = unknown> =
  | { readonly kind: 'completed'; readonly result: R; readonly attempts: number }
  | { readonly kind: 'failed'; readonly error: SerializedError; readonly attempts: number }
  | { readonly kind: 'dead-lettered'; readonly error: SerializedError; readonly attempts: number }
  | { readonly kind: 'expired'; readonly phase: ExpiryPhase; readonly attempts: number }
  | { readonly kind: 'rejected'; readonly reason: RejectReason; readonly message: string }
  | { readonly kind: 'cancelled'; readonly attempts: number };

/** The `kind` of a {@link TaskOutcome}. */
export type OutcomeKind = TaskOutcome['kind'];

/** Every outcome kind, in the order reports list them. */
export const OUTCOME_KINDS: readonly OutcomeKind[] = [
  'completed',
  'failed',
  'dead-lettered',
  'expired',
  'rejected',
  'cancelled',
];
