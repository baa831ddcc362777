import { ChildProcess, spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Issue 14: no password, hash, salt, session token, invitation token or CSRF token in any answer
 * it was not meant for, nor in the API's log. The API runs as its own process from dist/ with
 * LOG_LEVEL=trace, so every line it writes is read, as an operator's log collector would.
 */
describe('secrets of people and sessions stay out of answers and logs', () => {
  let child: ChildProcess;
  let output = '';
  let url: string;
  const answers: string[] = [];

  async function call(
    method: string,
    path: string,
    options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const res = await fetch(url + path, {
      method,
      headers: {
        ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...options.headers,
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    return { status: res.status, text, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  }

  beforeAll(async () => {
    const main = join(__dirname, '..', '..', '..', 'dist', 'apps', 'api', 'src', 'main.js');
    child = spawn(process.execPath, [main], {
      env: { ...process.env, LOG_LEVEL: 'trace', PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`api did not start:\n${output}`)), 30_000);
      const check = setInterval(() => {
        const found = /"msg":"listening","url":"([^"]+)"/.exec(output);
        if (found) {
          clearInterval(check);
          clearTimeout(timer);
          resolve(found[1]!);
        }
      }, 50);
    });
  }, 40_000);

  afterAll(async () => {
    if (child.exitCode === null) {
      await new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      });
    }
  });

  it('holds none of them after a round of every people and session route', async () => {
    const admin = process.env.ADMIN_API_KEY as string;
    const first = 'mat-khau-dau-tien-2026';
    const second = 'mat-khau-thu-hai-2026';
    const coop = await call('POST', '/v1/cooperatives', {
      key: admin,
      body: {
        name: `HTX ${randomUUID().slice(0, 8)}`,
        kind: 'cooperative',
        province: 'Thái Nguyên',
        commune: 'Tân Cương',
      },
    });
    const product = await call('POST', '/v1/products', {
      key: admin,
      body: {
        cooperativeId: coop.body.id,
        name: 'Chè',
        category: 'tea',
        skus: [
          { code: `T-${randomUUID().slice(0, 6)}`, name: 'Hộp', priceVnd: 1000, weightGrams: 100, onHand: 5 },
        ],
      },
    });
    const staff = await call('POST', '/v1/users', {
      key: admin,
      body: {
        email: `nv-${randomUUID().slice(0, 8)}@haodat.example`,
        name: 'Nhân viên',
        role: 'cooperative',
        cooperativeId: coop.body.id,
        password: first,
      },
    });
    const invited = await call('POST', '/v1/users', {
      key: admin,
      body: { email: `moi-${randomUUID().slice(0, 8)}@haodat.example`, name: 'Mời', role: 'officer' },
    });
    const inviteToken = (invited.body.inviteUrl as string).split('#/invite/')[1]!;
    const wrong = await call('POST', '/v1/sessions', {
      body: { email: staff.body.email, password: 'sai-mat-khau-1' },
    });
    const signedIn = await call('POST', '/v1/sessions', {
      body: { email: staff.body.email, password: first },
    });
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    const sessionToken = cookie.split('=')[1]!;
    const me = await call('GET', '/v1/me', { headers: { cookie } });
    const csrf = me.body.csrfToken as string;
    const adjusted = await call('POST', `/v1/skus/${product.body.skus[0].id}/stock-adjustments`, {
      body: { delta: 1, reason: 'nhập' },
      headers: { cookie, 'x-csrf-token': csrf },
    });
    const noCsrf = await call('PUT', `/v1/skus/${product.body.skus[0].id}/stock`, {
      body: { onHand: 1, reason: 'x' },
      headers: { cookie },
    });
    const accepted = await call('POST', '/v1/invites/accept', {
      body: { token: inviteToken, password: second },
    });
    const secondToken = accepted.headers.get('set-cookie')!.split(';')[0]!.split('=')[1]!;
    const reinvite = await call('POST', `/v1/users/${staff.body.id}/invites`, { key: admin });
    const listed = await call('GET', '/v1/users?limit=200', { key: admin });
    const patched = await call('PATCH', `/v1/users/${staff.body.id}`, {
      key: admin,
      body: { name: 'Nhân viên 2' },
    });
    const out = await call('DELETE', '/v1/sessions/current', { headers: { cookie, 'x-csrf-token': csrf } });
    const after = await call('GET', '/v1/me', { headers: { cookie } });
    expect([
      staff.status,
      invited.status,
      wrong.status,
      signedIn.status,
      me.status,
      adjusted.status,
      noCsrf.status,
      accepted.status,
      reinvite.status,
      listed.status,
      patched.status,
      out.status,
      after.status,
    ]).toEqual([201, 201, 401, 201, 200, 201, 403, 201, 201, 200, 200, 204, 401]);
    answers.push(
      staff.text,
      wrong.text,
      signedIn.text,
      adjusted.text,
      noCsrf.text,
      accepted.text,
      listed.text,
      patched.text,
      after.text,
    );

    const db = new Client({ connectionString: process.env.DATABASE_URL });
    await db.connect();
    const stored: string[] = [];
    try {
      for (const sql of [
        `SELECT password_hash AS v FROM users WHERE password_hash IS NOT NULL`,
        `SELECT token_hash AS v FROM user_sessions`,
        `SELECT token_hash AS v FROM user_invites`,
      ]) {
        stored.push(...(await db.query<{ v: string }>(sql)).rows.map((r) => r.v));
      }
    } finally {
      await db.end();
    }
    expect(stored.length).toBeGreaterThanOrEqual(4);
    const salts = stored.filter((v) => v.startsWith('$scrypt$')).map((v) => v.split('$')[3]!);
    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    const secrets: Record<string, string> = {
      'first password': first,
      'second password': second,
      'session token': sessionToken,
      'second session token': secondToken,
      'invitation token': inviteToken,
      'csrf token': csrf,
      'session token hash': sha(sessionToken),
      'invitation token hash': sha(inviteToken),
      ...Object.fromEntries(stored.map((v, i) => [`stored #${i}`, v])),
      ...Object.fromEntries(salts.map((v, i) => [`salt #${i}`, v])),
    };
    // give the last request's log line a moment to be written
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(output).toContain('"route":"/v1/sessions"');
    expect(output).toContain('"route":"/v1/invites/accept"');
    const leaks = Object.entries(secrets).flatMap(([name, value]) => [
      ...(output.includes(value) ? [`log holds the ${name}`] : []),
      ...answers.filter((text) => text.includes(value)).map(() => `an answer holds the ${name}`),
    ]);
    expect(leaks).toEqual([]);
    expect(output).not.toMatch(/scrypt|password_?hash|token_?hash/i);
    expect(answers.join('\n')).not.toMatch(/scrypt|passwordHash|tokenHash/i);
  });
});
