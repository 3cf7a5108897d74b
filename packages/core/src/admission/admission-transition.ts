/** The delegator's admission modes, as far as queue depth decides them. */
export const ADMISSION_MODES = ['accepting', 'backpressure'] as const;

/**
 * One of {@link ADMISSION_MODES}:
 * - `accepting`: every priority is admitted while the queue has room;
 * - `backpressure`: the shed priorities are refused until the queue drains to the low watermark.
 */
export type AdmissionMode = (typeof ADMISSION_MODES)[number];

/** The queue-depth watermarks of the hysteresis; `0 ≤ lowWatermark < highWatermark`. */
export interface Watermarks {
  /** Enter `backpressure` when the queue depth reaches this. */
  readonly highWatermark: number;
  /** Leave `backpressure` when the queue depth falls to this. */
  readonly lowWatermark: number;
}

/** The admission state: the mode and the watermarks that move it. Plain data, safe to serialize. */
export interface AdmissionState extends Watermarks {
  readonly mode: AdmissionMode;
}

/**
 * The pure hysteresis step (XState-style `transition`): the state after the queue depth became `depth`.
 * `accepting` turns to `backpressure` at `depth ≥ highWatermark`; `backpressure` turns back at
 * `depth ≤ lowWatermark`; in between the mode holds, so a queue hovering around one watermark does not flap.
 *
 * Returns `state` itself when the mode does not change, so `next !== state` tells a crossing (the moment an
 * actor raises a control event) without comparing fields, and the common case allocates nothing.
 *
 * The watermarks are trusted as given: build the first state with {@link initialAdmissionState}, which
 * validates them.
 *
 * @example
 * ```ts
 * let state = initialAdmissionState({ maxQueueDepth: 100, maxConcurrency: 8, highWatermark: 80, lowWatermark: 40 });
 * state = admissionTransition(state, 85); // mode 'backpressure'
 * state = admissionTransition(state, 60); // still 'backpressure' (same object)
 * state = admissionTransition(state, 40); // mode 'accepting'
 * ```
 */
export function admissionTransition(state: AdmissionState, depth: number): AdmissionState {
  if (state.mode === 'accepting') {
    return depth >= state.highWatermark ? { ...state, mode: 'backpressure' } : state;
  }
  return depth <= state.lowWatermark ? { ...state, mode: 'accepting' } : state;
}
