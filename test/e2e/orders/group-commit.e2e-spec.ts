import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { RunningApi, startApi } from '../../support/api';
import { freshDatabase } from '../../support/database';
import { newCooperative } from '../../support/factories';
import { openShop, startMarketplaces } from '../../support/marketplaces';
import { freePort } from '../security/support';
import { type Sandbox, signedVosoWebhook, vietnamIso, vosoOrderNumber } from './support';

/**
 * Issue 17 part 2, acceptance: the webhook inbox's group commit acknowledges nothing it has not
 * committed. The suite runs a PostgreSQL cluster of its own (initdb into a temporary directory, its
 * own port and socket), so restarting it in the middle of a load disturbs no other suite.
 */
class PrivateCluster {
  readonly dir = mkdtempSync(join(tmpdir(), 'ocop-pg-'));
  private readonly bin: string;
  /** initdb and postgres refuse to run as root: as root, they run as the postgres user */
  private readonly asUser = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];

  constructor(readonly port: number) {
    const versions = spawnSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1'], {
      encoding: 'utf8',
    });
    this.bin = versions.stdout.trim();
    if (!this.bin) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
    if (this.asUser.length > 0) {
      const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim();
      const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim();
      chownSync(this.dir, Number(ids), Number(gid));
    }
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/ocop_group_commit`;
  }

  private run(tool: string, args: string[]): void {
    const [command, ...rest] = [...this.asUser, join(this.bin, tool), ...args];
    const done = spawnSync(command, rest, { encoding: 'utf8', timeout: 60_000 });
    if (done.status !== 0) throw new Error(`${tool} ${args.join(' ')}: ${done.stderr}${done.stdout}`);
  }

  init(): void {
    this.run('initdb', ['-D', join(this.dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
  }

  start(): void {
    this.run('pg_ctl', [
      'start',
      '-D',
      join(this.dir, 'data'),
      '-w',
      '-l',
      join(this.dir, 'log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`,
    ]);
  }

  /**
   * A crash and a restart: `immediate` writes nothing more, recovery replays what was committed.
   * Asynchronous: the API runs in this process and must keep answering meanwhile.
   */
  async restart(): Promise<void> {
    const [command, ...rest] = [
      ...this.asUser,
      join(this.bin, 'pg_ctl'),
      'restart',
      '-D',
      join(this.dir, 'data'),
      '-w',
      '-m',
      'immediate',
      '-l',
      join(this.dir, 'log'),
      '-o',
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1`,
    ];
    await promisify(execFile)(command, rest, { timeout: 60_000 });
  }

  destroy(): void {
    try {
      this.run('pg_ctl', ['stop', '-D', join(this.dir, 'data'), '-m', 'immediate']);
    } catch {
      // not running
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

describe('webhook inbox group commit: nothing acknowledged that is not committed', () => {
  let cluster: PrivateCluster;
  let sandbox: Sandbox;
  let api: RunningApi;
  let shop: { shopId: string; webhookSecret: string; connectionId: string };

  beforeAll(async () => {
    cluster = new PrivateCluster(await freePort());
    cluster.init();
    cluster.start();
    await freshDatabase(cluster.url);
    sandbox = await startMarketplaces();
    api = await startApi({ DATABASE_URL: cluster.url, DATABASE_CONNECT_TIMEOUT_MS: '1000' });
    const coop = await newCooperative(api);
    const opened = await openShop(sandbox, 'voso');
    const connected = await api.call('POST', `/v1/cooperatives/${coop.id}/connections`, {
      key: coop.key,
      body: {
        marketplace: 'voso',
        shopId: opened.shopId,
        baseUrl: sandbox.urls.voso,
        credentials: { ...opened.credentials, webhookSecret: opened.webhookSecret },
      },
    });
    expect(connected.status).toBe(201);
    shop = { shopId: opened.shopId, webhookSecret: opened.webhookSecret, connectionId: connected.body.id };
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await sandbox?.close();
    cluster?.destroy();
  });

  const push = (eventId?: string) => {
    const at = vietnamIso(new Date());
    return signedVosoWebhook(
      shop.shopId,
      shop.webhookSecret,
      {
        number: vosoOrderNumber(),
        status: 'CHO_DUYET',
        updatedAt: at,
        lines: [{ sku: 'TN-GC-1', quantity: 1, price: 180000 }],
      },
      eventId ? { eventId } : {},
    );
  };

  const deliver = async (hook: { body: string; headers: Record<string, string> }) => {
    try {
      const res = await fetch(`${api.url}/v1/webhooks/voso`, {
        method: 'POST',
        headers: hook.headers,
        body: hook.body,
        signal: AbortSignal.timeout(15_000),
      });
      return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
    } catch (error) {
      return { status: 0, body: String(error) };
    }
  };

  async function inboxEventIds(): Promise<Set<string>> {
    const db = new Client({ connectionString: cluster.url });
    await db.connect();
    try {
      const { rows } = await db.query(`SELECT event_id FROM webhook_inbox WHERE connection_id = $1`, [
        shop.connectionId,
      ]);
      return new Set(rows.map((r: { event_id: string }) => r.event_id));
    } finally {
      await db.end();
    }
  }

  it('answers 100 concurrent identical deliveries with exactly one duplicate: false, and stores one row', async () => {
    const hook = push(`same-${Date.now()}`);
    const answers = await Promise.all(Array.from({ length: 100 }, () => deliver(hook)));
    expect(answers.map((a) => a.status)).toEqual(Array(100).fill(200));
    expect(answers.filter((a) => a.body.duplicate === false)).toHaveLength(1);
    expect(answers.filter((a) => a.body.duplicate === true)).toHaveLength(99);
    const db = new Client({ connectionString: cluster.url });
    await db.connect();
    const { rows } = await db.query(`SELECT count(*)::int AS n FROM webhook_inbox WHERE event_id = $1`, [
      JSON.parse(hook.body).EVENT_ID,
    ]);
    await db.end();
    expect(rows[0].n).toBe(1);
  });

  it('loses no acknowledged webhook when PostgreSQL crashes and restarts under load; refusals are 5xx', async () => {
    const answered: { eventId: string; status: number }[] = [];
    let sending = true;
    const sender = async () => {
      while (sending) {
        const hook = push();
        const answer = await deliver(hook);
        answered.push({ eventId: JSON.parse(hook.body).EVENT_ID, status: answer.status });
      }
    };
    const senders = Array.from({ length: 16 }, () => sender());
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const storedBefore = answered.filter((a) => a.status === 200).length;
    // the load goes on while PostgreSQL is down and recovering
    await cluster.restart();
    const restartedAt = answered.length;
    // keep sending until the API stores again after the restart
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !answered.slice(restartedAt).some((a) => a.status === 200)) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
    sending = false;
    await Promise.all(senders);

    const statuses = new Set(answered.map((a) => a.status));
    // every answer either acknowledges (200) or asks the marketplace to send again (5xx)
    for (const status of statuses) expect(status === 200 || status >= 500).toBe(true);
    expect(storedBefore).toBeGreaterThan(0);
    expect(answered.slice(restartedAt).some((a) => a.status === 200)).toBe(true);
    const stored = await inboxEventIds();
    const acknowledged = answered.filter((a) => a.status === 200);
    const lost = acknowledged.filter((a) => !stored.has(a.eventId));
    expect(lost).toEqual([]);
    // the load really met the outage: requests were refused while PostgreSQL was away
    expect(answered.some((a) => a.status >= 500)).toBe(true);
  }, 60_000);
});
