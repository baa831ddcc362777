import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NODE_FLAGS } from '../../../apps/cli/src/processes';

/** A compiled process of the connector (dist-bench/, built by `npm run bench:build`). */
export interface BenchProcess {
  child: ChildProcess;
  output(): string;
  /** VmRSS and VmHWM (peak RSS) of the process, in kB, from /proc. */
  memory(): { rssKb: number; hwmKb: number };
  stop(): Promise<void>;
}

/** The worker as its own process, with the node flags the CLI starts it with. */
export function spawnBenchWorker(env: Record<string, string>): Promise<BenchProcess> {
  return spawnBenchProcess(
    join('apps', 'worker', 'src', 'main.js'),
    env,
    'consuming queues',
    NODE_FLAGS.worker,
  );
}

/** The API as its own process, listening on env.PORT. */
export function spawnBenchApi(env: Record<string, string>): Promise<BenchProcess> {
  return spawnBenchProcess(join('apps', 'api', 'src', 'main.js'), env, '"listening"', NODE_FLAGS.api);
}

/**
 * `script` (a path below dist-bench/) as its own process, answered once its output shows `ready`;
 * `nodeFlags` go to node before the script, then BENCH_NODE_FLAGS (space-separated, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof`, which node refuses in NODE_OPTIONS).
 */
export async function spawnBenchProcess(
  script: string,
  env: Record<string, string>,
  ready: string,
  nodeFlags: readonly string[] = [],
): Promise<BenchProcess> {
  const main = join(__dirname, '..', '..', '..', script);
  const extraFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeFlags, ...extraFlags, main], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start:\n${output}`)), 30_000);
    const check = setInterval(() => {
      if (output.includes(ready)) {
        clearInterval(check);
        clearTimeout(timer);
        resolve();
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(check);
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${output}`));
    });
  });
  const field = (status: string, name: string) =>
    Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return {
    child,
    output: () => output,
    memory: () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        return { rssKb: field(status, 'VmRSS'), hwmKb: field(status, 'VmHWM') };
      } catch {
        return { rssKb: 0, hwmKb: 0 };
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
