import { Presets, SingleBar } from 'cli-progress';

/** Runs predicted to take longer than this get a progress bar. */
export const PROGRESS_AFTER_MS = 1000;

/**
 * Whether a progress bar may be drawn: only for a person at a terminal. Not when standard output is piped
 * or redirected (a script is reading it), and not under CI (`CI` set to anything but `false` or `0`), where
 * a redrawn line only fills the log.
 *
 * @example
 * ```ts
 * progressAllowed({ isTTY: true }, { CI: 'true' }); // false
 * ```
 */
export function progressAllowed(
  stdout: { readonly isTTY?: boolean | undefined },
  env: Readonly<Record<string, string | undefined>>,
): boolean {
  const ci = env['CI'];
  const underCi = ci !== undefined && ci !== '' && ci !== 'false' && ci !== '0';
  return stdout.isTTY === true && !underCi;
}

/** A progress display over `total` cells; {@link GridProgress.stop} before printing anything else. */
export interface GridProgress {
  update(done: number): void;
  stop(): void;
}

/**
 * A progress bar on standard error that appears only once the run is predicted to last longer than
 * {@link PROGRESS_AFTER_MS}: at each finished cell the elapsed time is extrapolated to all cells. (The
 * library code may not schedule host timers, so the prediction is made when a cell finishes, not on a
 * timer; a grid whose first cell alone takes minutes shows its bar from that cell on.)
 *
 * @param nowMs - wall clock in milliseconds (`systemClock.now` in the CLI, a fake in tests).
 *
 * @example
 * ```ts
 * const progress = gridProgress(40, { enabled: progressAllowed(process.stdout, process.env), nowMs: () => systemClock.now() });
 * await runGrid({ ..., onProgress: (done) => progress.update(done) });
 * progress.stop();
 * ```
 */
export function gridProgress(
  total: number,
  options: {
    readonly enabled: boolean;
    readonly nowMs: () => number;
    readonly stream?: NodeJS.WritableStream;
  },
): GridProgress {
  const startMs = options.nowMs();
  let bar: SingleBar | undefined;
  return {
    update(done) {
      if (bar !== undefined) {
        bar.update(done);
        return;
      }
      if (!options.enabled || done <= 0 || done >= total) return;
      const predictedMs = ((options.nowMs() - startMs) * total) / done;
      if (predictedMs <= PROGRESS_AFTER_MS) return;
      bar = new SingleBar(
        {
          format: 'simulating {bar} {value}/{total} runs · {percentage}% · eta {eta_formatted}',
          hideCursor: true,
          clearOnComplete: true,
          ...(options.stream === undefined ? {} : { stream: options.stream }),
        },
        Presets.shades_classic,
      );
      bar.start(total, done);
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
