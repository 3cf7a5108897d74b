import { InvalidArgumentError } from 'commander';
import { STRATEGY_NAMES, type StrategyName } from '@flotilla/core';

/**
 * Parses `--strategies a,b,c`: known names, no repeats, at least one. The error names the offending value,
 * and commander then exits non-zero before anything runs.
 *
 * @example
 * ```ts
 * strategyListArg('random,power-of-two'); // ['random', 'power-of-two']
 * strategyListArg('random,fastest'); // throws: --strategies: unknown strategy "fastest"; must be one of …
 * ```
 */
export function strategyListArg(value: string): StrategyName[] {
  const names = value.split(',').map((name) => name.trim());
  if (names.length === 0 || names.every((name) => name === '')) {
    throw new InvalidArgumentError(
      `--strategies must name at least one strategy, got ${JSON.stringify(value)}`,
    );
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (!(STRATEGY_NAMES as readonly string[]).includes(name)) {
      throw new InvalidArgumentError(
        `--strategies: unknown strategy ${JSON.stringify(name)}; must be one of ${STRATEGY_NAMES.join(' | ')}`,
      );
    }
    if (seen.has(name))
      throw new InvalidArgumentError(`--strategies: ${JSON.stringify(name)} is listed twice`);
    seen.add(name);
  }
  return names as StrategyName[];
}

/**
 * A parser for an integer flag in `[min, max]`, whose error names the flag and the value.
 *
 * @example
 * ```ts
 * countArg('--seeds', 2, 10_000)('1'); // throws: --seeds must be an integer in [2, 10000], got "1"
 * ```
 */
export function countArg(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const count = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(count) || count < min || count > max) {
      throw new InvalidArgumentError(
        `${flag} must be an integer in [${min}, ${max}], got ${JSON.stringify(value)}`,
      );
    }
    return count;
  };
}
