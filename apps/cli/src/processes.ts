import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

export type ProcessName = 'api' | 'worker' | 'marketplace-sandbox';

/**
 * Runs the connector's processes side by side, as an operator would with a process manager:
 * a signal stops them all gracefully; one dying stops the others, with its exit code.
 */
export function runProcesses(names: ProcessName[], env: NodeJS.ProcessEnv): Promise<number> {
  const children = new Map<ProcessName, ChildProcess>();
  let stopping = false;
  return new Promise((resolve) => {
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
          resolve(code);
        }
      }, 100);
    };
    for (const name of names) {
      const child = spawn(process.execPath, [join(__dirname, '..', '..', name, 'src', 'main.js')], {
        env,
        stdio: 'inherit',
      });
      children.set(name, child);
      child.on('exit', (code, signal) => {
        if (!stopping) {
          console.error(`${name} stopped (${signal ?? `exit ${code}`}); stopping the others`);
          stopAll(code ?? 1);
        }
      });
    }
    process.once('SIGINT', () => stopAll(0));
    process.once('SIGTERM', () => stopAll(0));
  });
}
