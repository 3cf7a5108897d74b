import fc from 'fast-check';

/**
 * fast-check parameters whose failure message ends with the command that replays exactly the failing case
 * (vitest.setup.ts reads FC_SEED and FC_PATH), after fast-check's own report of the counterexample.
 * `Ts` is the tuple of the property's generated values.
 */
export function replayable<Ts>(testFile: string): { reporter: (details: fc.RunDetails<Ts>) => void } {
  return {
    reporter(details) {
      if (!details.failed) return;
      const cause = String(details.errorInstance);
      throw new Error(
        `${fc.defaultReportMessage(details) ?? 'property failed'}\n${cause}\nreplay: FC_SEED=${details.seed} FC_PATH=${details.counterexamplePath ?? ''} npx --yes pnpm@10.34.8 exec vitest run ${testFile}`,
      );
    },
  };
}
