import { ConfigError } from '../errors/config-error.js';
import { checkOneOf } from '../errors/validate.js';
import type { Priority } from '../task/priority.js';
import {
  resolveAdmissionOptions,
  type AdmissionControllerOptions,
  type ResolvedAdmissionOptions,
} from './admission-options.js';
import {
  ADMISSION_MODES,
  admissionTransition,
  type AdmissionMode,
  type AdmissionState,
} from './admission-transition.js';

/** The answer of {@link AdmissionController.admit}. */
export type AdmissionDecision =
  { readonly admitted: true } | { readonly admitted: false; readonly reason: 'backpressure' };

// Shared frozen answers: admission runs once per submitted task and should not allocate.
const ADMITTED: AdmissionDecision = Object.freeze({ admitted: true });
const REFUSED: AdmissionDecision = Object.freeze({ admitted: false, reason: 'backpressure' });

/**
 * Admission control and backpressure for the delegator's central queue: a stateful wrapper around the pure
 * {@link admissionTransition}. The delegator reports every depth change through
 * {@link AdmissionController.onDepthChanged} and raises a control event (its XState machine's
 * `accepting` ⇄ `backpressure`) only when that returns true; per task it asks
 * {@link AdmissionController.admit} and {@link AdmissionController.canStart}.
 *
 * The rules of `admit(priority, queueDepth, inFlight)`, in order:
 * 1. a task that would start at once — nothing queued and a free slot — is admitted: shedding it relieves
 *    no queue;
 * 2. at or over `maxQueueDepth`, everything is refused;
 * 3. in `backpressure`, the `shedPriorities` are refused;
 * 4. everything else is admitted.
 *
 * @example
 * ```ts
 * const admission = new AdmissionController({ maxQueueDepth: 100, maxConcurrency: 8, highWatermark: 80, lowWatermark: 40 });
 * if (admission.onDepthChanged(queue.size)) delegator.send({ type: 'ADMISSION.MODE', mode: admission.mode });
 * const decision = admission.admit('low', queue.size, running);
 * if (!decision.admitted) reject(task, decision.reason); // 'backpressure'
 * ```
 */
export class AdmissionController {
  readonly options: ResolvedAdmissionOptions;
  private current: AdmissionState;
  private readonly shed: ReadonlySet<string>;

  constructor(options: AdmissionControllerOptions) {
    this.options = resolveAdmissionOptions(options);
    this.current = {
      mode: 'accepting',
      highWatermark: this.options.highWatermark,
      lowWatermark: this.options.lowWatermark,
    };
    this.shed = new Set(this.options.shedPriorities);
  }

  /** The current mode. */
  get mode(): AdmissionMode {
    return this.current.mode;
  }

  /** The current state, plain data for a snapshot or a report. */
  get state(): AdmissionState {
    return this.current;
  }

  /**
   * Feeds the new queue depth through the hysteresis; true exactly when the mode changed, i.e. the depth
   * crossed a watermark in the direction that matters.
   */
  onDepthChanged(depth: number): boolean {
    checkCount('depth', depth);
    const next = admissionTransition(this.current, depth);
    if (next === this.current) return false;
    this.current = next;
    return true;
  }

  /** Whether a task of `priority` may enter a queue `queueDepth` deep while `inFlight` tasks run. */
  admit(priority: Priority, queueDepth: number, inFlight: number): AdmissionDecision {
    checkCount('queueDepth', queueDepth);
    checkCount('inFlight', inFlight);
    if (queueDepth === 0 && inFlight < this.options.maxConcurrency) return ADMITTED;
    if (queueDepth >= this.options.maxQueueDepth) return REFUSED;
    if (this.current.mode === 'backpressure' && this.shed.has(priority)) return REFUSED;
    return ADMITTED;
  }

  /** Whether one more task may start while `inFlight` run: `inFlight < maxConcurrency`. */
  canStart(inFlight: number): boolean {
    checkCount('inFlight', inFlight);
    return inFlight < this.options.maxConcurrency;
  }

  /** Puts the controller back in `mode`, e.g. when its owner is restored from a snapshot. */
  restore(mode: AdmissionMode): void {
    const checked = checkOneOf('mode', mode, ADMISSION_MODES);
    if (checked !== this.current.mode) this.current = { ...this.current, mode: checked };
  }
}

/** Hot-path guard: a cheap check that turns a NaN or negative count into a named error, not a wrong answer. */
function checkCount(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new ConfigError(field, 'be an integer ≥ 0', value);
}
