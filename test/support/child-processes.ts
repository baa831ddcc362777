import type { ChildProcess } from 'node:child_process';

/**
 * Processes tests started that still run. A suite whose set-up timed out while one was starting
 * never gets its handle, so its afterAll cannot end it; they are ended with the test process
 * instead of running on after the run (a worker and a redis-server of 08-redis-outage once did).
 */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Ends `child` with the test process if nothing has ended it by then. */
export function endedWithTests(child: ChildProcess): ChildProcess {
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}
