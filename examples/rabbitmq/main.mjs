// One command for the whole example: two `flotilla agent` processes and the delegator, on one machine,
// through the RabbitMQ broker on 127.0.0.1:5672. Run from the repository root:
//   npx --yes pnpm@10.34.8 example:rabbitmq
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = (file) => fileURLToPath(new URL(file, import.meta.url));
const cli = here('../../packages/sim/dist/cli/main.js');
const broker = process.env.FLOTILLA_BROKER_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

const agents = [1, 2].map(() =>
  spawn(
    process.execPath,
    [
      cli,
      'agent',
      '--broker',
      broker,
      '--prefix',
      'flotilla-example',
      '--module',
      here('summarize.mjs'),
      '--type',
      'summarize',
      '--capacity',
      '8',
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  ),
);
const delegator = spawn(process.execPath, [here('delegator.mjs')], { stdio: 'inherit' });
const code = await new Promise((resolve) => delegator.once('exit', resolve));
// SIGTERM drains each agent process: it finishes what it holds, takes nothing new, then exits.
await Promise.all(
  agents.map((agent) => new Promise((resolve) => (agent.once('exit', resolve), agent.kill('SIGTERM')))),
);
process.exit(code ?? 1);
