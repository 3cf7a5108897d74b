import { InvalidArgumentError, type Command } from 'commander';
import { ConfigError } from '@flotilla/core';
import { redactUrl, startAgentProcess, type ServedAgentType } from '@flotilla/actors';

interface AgentFlags {
  broker?: string;
  module: string[];
  type: string[];
  capacity: number;
  queueLimit: number;
  prefix?: string;
  queueType?: 'classic' | 'quorum';
  maxQueueLength?: number;
  hostId?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const intArg =
  (flag: string, min: number) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < min)
      throw new InvalidArgumentError(`${flag} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
    return n;
  };

/**
 * `flotilla agent`: an agent host process serving one or more types from the broker. Each `--module`
 * pairs with the `--type` at the same position. SIGTERM (or SIGINT), or a delegator's
 * `drainAgentProcess(hostId)`, drains it: in-flight tasks finish and are acknowledged, nothing new is
 * taken, then it exits.
 */
export function agentCommand(program: Command): void {
  program
    .command('agent')
    .description(
      'serve agent types from a RabbitMQ broker (several processes on several machines form one fleet)',
    )
    .option(
      '--broker <url>',
      'amqp:// or amqps:// URL (default: $FLOTILLA_BROKER_URL, else amqp://127.0.0.1:5672)',
    )
    .option(
      '--module <path>',
      'agent module (default export: async (payload, ctx) => result); repeatable',
      collect,
      [],
    )
    .option('--type <name>', 'agent type the module at the same position serves; repeatable', collect, [])
    .option('--capacity <n>', 'tasks run at once, per type', intArg('--capacity', 1), 1)
    .option(
      '--queue-limit <n>',
      'task messages held beyond capacity (prefetch = capacity + queue limit)',
      intArg('--queue-limit', 0),
      0,
    )
    .option('--prefix <name>', 'prefix of every exchange and queue (default flotilla)')
    .option('--host-id <id>', "this process's id, which delegators name to drain it (default: random)")
    .option('--queue-type <type>', 'classic (priorities) or quorum (replicated, delivery limit)')
    .option(
      '--max-queue-length <n>',
      'work queue bound; publishes past it are refused',
      intArg('--max-queue-length', 1),
    )
    .action(async (flags: AgentFlags) => {
      if (flags.module.length !== flags.type.length) {
        throw new ConfigError(
          '--module',
          `pair with a --type at the same position (got ${flags.module.length} modules and ${flags.type.length} types)`,
          flags.module,
        );
      }
      const agents: ServedAgentType[] = flags.type.map((type, i) => ({
        type,
        module: flags.module[i] as string,
        capacity: flags.capacity,
        queueLimit: flags.queueLimit,
      }));
      const agent = await startAgentProcess({
        agents,
        defaultCapacity: flags.capacity,
        ...(flags.broker === undefined ? {} : { url: flags.broker }),
        ...(flags.prefix === undefined ? {} : { prefix: flags.prefix }),
        ...(flags.queueType === undefined ? {} : { queueType: flags.queueType }),
        ...(flags.maxQueueLength === undefined ? {} : { maxQueueLength: flags.maxQueueLength }),
        ...(flags.hostId === undefined ? {} : { hostId: flags.hostId }),
      });
      const where = redactUrl(flags.broker ?? process.env.FLOTILLA_BROKER_URL ?? 'amqp://127.0.0.1:5672');
      const serving =
        agent.agentTypes.length === 0 ? 'the types delegators ask for' : agent.agentTypes.join(', ');
      process.stderr.write(`flotilla agent ${agent.hostId}: serving ${serving} from ${where}\n`);
      void agent.drained.then(() => {
        const { completed, failed, poison } = agent.stats;
        process.stderr.write(
          `flotilla agent ${agent.hostId}: drained (${completed} completed, ${failed} failed, ${poison} poison)\n`,
        );
        process.exit(0);
      });
      const stop = (signal: string): void => {
        process.stderr.write(`flotilla agent ${agent.hostId}: ${signal}, draining\n`);
        void agent.drain();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}
