import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BROKER_URL } from './broker.js';

/** The compiled `flotilla` CLI (the test command builds before it runs tests). */
const CLI = fileURLToPath(new URL('../../../sim/dist/cli/main.js', import.meta.url));

/** A `flotilla agent` child process, as a user would start one. */
export interface AgentChild {
  readonly child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM, then resolves with the exit code once it has drained and exited. */
  stop(): Promise<number | null>;
}

/** Starts `flotilla agent --broker … --prefix … <args>` and resolves once it says it is serving. */
export async function startAgentChild(prefix: string, args: readonly string[]): Promise<AgentChild> {
  const child = spawn(process.execPath, [CLI, 'agent', '--broker', BROKER_URL, '--prefix', prefix, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes(': serving ')) resolve();
    });
    void exited.then((code) =>
      reject(new Error(`flotilla agent exited (${code}) before serving:\n${stderr}`)),
    );
  });
  return {
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Tasks an agent process says it completed when it drained (`… drained (N completed, …)`). */
export function completedBy(agent: AgentChild): number {
  return Number(/drained \((\d+) completed/.exec(agent.stderr())?.[1] ?? NaN);
}
