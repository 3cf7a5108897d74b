// A fleet of LLM-like agents with a supervisor: one job is fanned out to research agents, then a
// synthesis agent writes the report. Run from the repository root:  npx --yes pnpm@10.34.8 example:llm
import { fileURLToPath } from 'node:url';
import { createFleet, fanOut, runPlan } from '@flotilla/actors';

const agent = (name) => fileURLToPath(new URL(`./agents/${name}.mjs`, import.meta.url));

const fleet = createFleet({
  agents: [
    // 4 research agents, 2 calls each at once, at most 20 calls per second between them.
    {
      type: 'research',
      module: agent('fake-llm'),
      replicas: 4,
      capacity: 2,
      rateLimit: { requests: { limit: 20, intervalMs: 1000 } },
    },
    { type: 'synthesize', module: agent('synthesize'), replicas: 1 },
  ],
  strategy: 'least-connections',
  threads: 2,
  seed: 42,
});
await fleet.ready();

const questions = [
  'What limits the throughput of an LLM serving cluster?',
  'How does prefix caching change routing decisions?',
  'When does power-of-two-choices beat least-connections?',
  'What is a good retry policy for rate-limited APIs?',
  'How should a fleet shed load under a traffic burst?',
  'What does a circuit breaker protect against?',
  'How do you size a queue for p99 latency?',
  'What makes a simulation result trustworthy?',
];
const plan = fanOut(questions, 'research', { synthesize: { type: 'synthesize' }, timeoutMs: 5_000 });

const started = Date.now();
const output = await runPlan(fleet, plan, {
  onProgress: (fraction, progress) => {
    const width = 30;
    const bar = '█'.repeat(Math.round(fraction * width)).padEnd(width, '·');
    console.log(
      `[${bar}] ${String(Math.round(fraction * 100)).padStart(3)}%  done ${progress.done}/${progress.total}, running ${progress.running}`,
    );
  },
});

if (output.status === 'done') console.log(`\n${output.result}\n`);
else console.log(`\nthe plan failed at step ${output.stepId}: ${output.error}\n`);

const stats = fleet.stats();
const research = stats.types.research;
console.log(
  `${Object.values(stats.outcomes).reduce((a, b) => a + b, 0)} tasks in ${Date.now() - started} ms; outcomes:`,
  stats.outcomes,
);
console.log(
  'research agents (completed tasks):',
  research.agents.map((a) => `${a.id}=${a.completed}`).join(', '),
  `· fairness ${research.loadDistribution.toFixed(2)}`,
);
await fleet.close();
