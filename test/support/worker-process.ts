import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { endedWithTests } from './child-processes';

/**
 * The real worker as its own operating-system process (the compiled dist/, which `npm test` builds
 * first), so a test can SIGKILL it or run two side by side.
 */
export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export async function spawnWorker(env: Record<string, string> = {}): Promise<WorkerProcess> {
  const main = join(__dirname, '..', '..', 'dist', 'apps', 'worker', 'src', 'main.js');
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  endedWithTests(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    // a worker that never says it started is ended here: the suite that failed cannot (it never got
    // the handle), and it would go on consuming its queues after the run
    const timer = setTimeout(() => {
      clearInterval(check);
      child.kill('SIGKILL');
      reject(new Error(`worker did not start:\n${output}`));
    }, 30_000);
    const check = setInterval(() => {
      if (output.includes('consuming queues')) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 50);
    child.once('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`worker exited with ${code}:\n${output}`));
    });
  });
  return {
    child,
    output: () => output,
    kill: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
}
