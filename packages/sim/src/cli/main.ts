#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { Command, InvalidArgumentError } from 'commander';
import { isFlotillaError, STRATEGY_NAMES, type StrategyName } from '@flotilla/core';
import { simulate } from '../kernel/simulate.js';
import { loadScenario } from '../scenario/load.js';
import { withOverrides } from '../scenario/overrides.js';
import { toSimConfig } from '../run/to-sim-config.js';
import { formatReport } from './format-report.js';
import { compareCommand } from '../compare/command.js';
import { countArg, strategyListArg } from './compare-args.js';
import { agentCommand } from './agent-command.js';

const seedArg = (value: string): number => {
  const seed = Number(value);
  if (!Number.isSafeInteger(seed) || seed < 0)
    throw new InvalidArgumentError(`--seed must be a non-negative integer, got ${JSON.stringify(value)}`);
  return seed;
};
const strategyArg = (value: string): StrategyName => {
  if (!(STRATEGY_NAMES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(
      `--strategy must be one of ${STRATEGY_NAMES.join(' | ')}, got ${JSON.stringify(value)}`,
    );
  }
  return value as StrategyName;
};

// `flotilla sim … | head`: a reader that closes the pipe early has all it wanted; end quietly, not with EPIPE.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

const program = new Command()
  .name('flotilla')
  .description('Simulate delegation to fleets of agents, deterministically, and serve agents from a broker.');

program
  .command('sim')
  .description('run one scenario and print its report')
  .argument('<scenario>', 'a scenario YAML file')
  .option('--seed <n>', 'override the scenario seed', seedArg)
  .option('--strategy <name>', `override the strategy (${STRATEGY_NAMES.join(', ')})`, strategyArg)
  .option('--json <file>', 'also write the report as JSON')
  .action((file: string, options: { seed?: number; strategy?: StrategyName; json?: string }) => {
    const scenario = withOverrides(loadScenario(file), {
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.strategy === undefined ? {} : { strategy: options.strategy }),
    });
    const report = simulate(toSimConfig(scenario));
    process.stdout.write(`${formatReport(report, scenario.name ?? file)}\n`);
    process.stdout.write(
      `replay: npx --yes pnpm@10.34.8 flotilla sim ${file} --seed ${report.seed} --strategy ${report.strategy}\n`,
    );
    if (options.json !== undefined) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  });

program
  .command('compare')
  .description(
    'run the scenario for each strategy and seed; print each metric with a 95% confidence interval',
  )
  .argument('<scenario>', 'a scenario YAML file')
  .requiredOption(
    '--strategies <list>',
    `comma-separated strategies to compare (${STRATEGY_NAMES.join(', ')})`,
    strategyListArg,
  )
  .option(
    '--seeds <n>',
    'seeds per strategy: the scenario seed and the next n − 1 (at least 2)',
    countArg('--seeds', 2, 10_000),
    10,
  )
  .option('--seed <n>', 'first seed (default: the scenario seed)', seedArg)
  .option(
    '--threads <n>',
    'worker threads (default and ceiling: the number of cores)',
    countArg('--threads', 1, 1024),
  )
  .option('--json <file>', 'also write the summary and every run report as JSON')
  .action(
    async (
      file: string,
      options: { strategies: StrategyName[]; seeds: number; seed?: number; threads?: number; json?: string },
    ) => {
      await compareCommand(file, options);
    },
  );

agentCommand(program);

program
  .command('demo')
  .description('the strategy race: every strategy on one seeded synthetic load')
  .allowUnknownOption()
  .allowExcessArguments() // --seed and --tasks belong to the demo's own parser
  .action(async () => {
    process.argv.splice(2, 1); // the demo parses its own options
    await import('../demo/main.js');
  });

try {
  await program.parseAsync();
} catch (error) {
  // Bad scenarios and bad flags end with the message and a non-zero status, before anything runs.
  if (isFlotillaError(error)) {
    process.stderr.write(`${error.message}\n`);
    process.exit(2);
  }
  throw error;
}
