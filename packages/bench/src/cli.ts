#!/usr/bin/env node
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { runAmqpSuite } from './suites/amqp/suite.js';
import { runCoreSuite } from './suites/core/suite.js';
import { runRuntimeSuite } from './suites/runtime/suite.js';
import { runSimSuite } from './suites/sim/suite.js';
import type { SuiteReport } from './harness/report.js';

const suites: Record<
  string,
  (log: (line: string) => void, only?: readonly string[]) => SuiteReport | Promise<SuiteReport>
> = {
  core: runCoreSuite,
  runtime: runRuntimeSuite,
  sim: runSimSuite,
  amqp: runAmqpSuite,
};

const program = new Command()
  .name('pnpm bench')
  .description("Flotilla's benchmarks, each measured against its peer in the same run.")
  .argument('<suite>', `one of: ${Object.keys(suites).join(', ')}`)
  .option('--json <file>', 'also write the report as JSON to this file')
  .option('--only <names>', 'comma-separated subset (core: strategy names)')
  .action(async (suite: string, options: { json?: string; only?: string }) => {
    const run = suites[suite];
    if (run === undefined) {
      return program.error(`unknown suite "${suite}"; choose one of: ${Object.keys(suites).join(', ')}`);
    }
    const log = (line: string): void => {
      process.stdout.write(`${line}\n`);
    };
    log(`suite ${suite} — node ${process.version}, ${process.arch}`);
    const report = await run(
      log,
      options.only?.split(',').map((name) => name.trim()),
    );
    if (options.json !== undefined) {
      writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
      log(`wrote ${options.json}`);
    }
    const failed = (report.checks ?? []).filter((check) => !check.pass);
    for (const check of failed)
      log(`target missed: ${check.name} = ${check.value.toFixed(2)} (limit ${check.limit})`);
  });

await program.parseAsync();
