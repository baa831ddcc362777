import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import Redis from 'ioredis';
import { endedWithTests } from '../../support/child-processes';

/** A port nobody listens on right now (the OS hands out a free one, which is closed again). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A redis-server of the test's own on `port`, keeping nothing on disk: stopping it is an outage
 * no other suite sees, and starting it again gives an empty Redis, as a restarted production
 * Redis without persistence would.
 */
export class PrivateRedis {
  private child: ChildProcess | undefined;

  constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { stdio: 'ignore' },
    );
    this.child = child;
    endedWithTests(child);
    const probe = new Redis(this.url, {
      lazyConnect: true,
      retryStrategy: () => 100,
      maxRetriesPerRequest: 0,
    });
    try {
      const deadline = Date.now() + 10_000;
      for (;;) {
        if (child.exitCode !== null)
          throw new Error(`redis-server on ${this.port} exited with ${child.exitCode}`);
        try {
          if (probe.status === 'wait') await probe.connect();
          if ((await probe.ping()) === 'PONG') return;
        } catch {
          if (Date.now() > deadline) throw new Error(`redis-server on ${this.port} did not answer`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } finally {
      probe.disconnect();
    }
  }

  /** Ends the server at once (SIGKILL): connections drop as in a crash or a network cut. */
  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

/** How long a call took and what it answered; a call that does not answer within `abortMs` fails. */
export async function timed(
  call: (signal: AbortSignal) => Promise<Response>,
  abortMs = 5_000,
): Promise<{ status: number; ms: number; body: any }> {
  const started = performance.now();
  try {
    const res = await call(AbortSignal.timeout(abortMs));
    const text = await res.text();
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    return { status: res.status, ms: performance.now() - started, body };
  } catch (error) {
    return { status: 0, ms: performance.now() - started, body: String(error) };
  }
}
