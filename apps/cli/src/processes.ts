import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export type ProcessName = 'api' | 'worker' | 'marketplace-sandbox';

/**
 * Node flags each process starts with (also in package.json's start scripts, which a unit test
 * keeps equal). The worker's old generation is capped at 160 MB: left to V8's default (a quarter of
 * the machine's memory) it kept garbage until its RSS passed 360 MB in a 20,000-order burst, while
 * what it really held stayed under 100 MB (bench:import and bench:sync with the cap: 182–212 MB;
 * docs/operations.md has the speeds). Its young generation is kept at Node 20's 16 MB semi-spaces,
 * where those figures were measured: Node 24 sizes them from the heap and reserved 352 MB for the
 * same cap. A worker that ever needs more dies of "heap out of memory" and is restarted by its
 * process manager; raise the figure there (docs/operations.md).
 */
export const NODE_FLAGS: Record<ProcessName, readonly string[]> = {
  api: [],
  worker: ['--max-old-space-size=160', '--max-semi-space-size=16'],
  'marketplace-sandbox': [],
};

export interface RunningProcesses {
  /** Starts one more process in the group (the demo starts the worker once its shops are set up). */
  start(name: ProcessName): void;
  /** Settles when all have stopped, with the exit code of the one that stopped first. */
  exited: Promise<number>;
}

/**
 * Runs the connector's processes side by side, as an operator would with a process manager:
 * a signal stops them all gracefully; one dying stops the others, with its exit code.
 */
export function runProcesses(names: ProcessName[], env: NodeJS.ProcessEnv): RunningProcesses {
  const children = new Map<ProcessName, ChildProcess>();
  let stopping = false;
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => (resolveExit = resolve));
  const stopAll = (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const child of children.values()) if (child.exitCode === null) child.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const child of children.values()) if (child.exitCode === null) child.kill('SIGKILL');
    }, 10_000);
    force.unref();
    const wait = setInterval(() => {
      if ([...children.values()].every((c) => c.exitCode !== null || c.signalCode !== null)) {
        clearInterval(wait);
        resolveExit(code);
      }
    }, 100);
  };
  const start = (name: ProcessName) => {
    if (stopping) return;
    const child = spawn(
      process.execPath,
      [...NODE_FLAGS[name], join(__dirname, '..', '..', name, 'src', 'main.js')],
      {
        env,
        stdio: 'inherit',
      },
    );
    children.set(name, child);
    child.on('exit', (code, signal) => {
      if (!stopping) {
        console.error(`${name} stopped (${signal ?? `exit ${code}`}); stopping the others`);
        stopAll(code ?? 1);
      }
    });
  };
  for (const name of names) start(name);
  process.once('SIGINT', () => stopAll(0));
  process.once('SIGTERM', () => stopAll(0));
  return { start, exited };
}
