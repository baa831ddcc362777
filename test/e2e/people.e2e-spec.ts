import { randomUUID } from 'node:crypto';
import { Clock } from '@ocop/common';
import { type Answer, type RunningApi, startApi } from '../support/api';
import { newCooperative, newKey, newProduct } from '../support/factories';

/** Issue 14, "People and sign-in": accounts, sessions, CSRF, the actor of stock changes. */

const PASSWORD = 'chè-tân-cương-2026';
const email = (who = 'nguoi') => `${who}-${randomUUID().slice(0, 8)}@haodat.example`;

interface Session {
  cookie: string;
  csrf: string;
  setCookie: string;
  user: any;
}

/** The `name=value` part of a Set-Cookie header. */
const cookieOf = (setCookie: string) => setCookie.split(';')[0]!;

async function signIn(api: RunningApi, address: string, password = PASSWORD): Promise<Session> {
  const res = await api.call('POST', '/v1/sessions', { body: { email: address, password } });
  if (res.status !== 201) throw new Error(`sign-in refused: ${res.status} ${res.text}`);
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = cookieOf(setCookie);
  const me = await api.call('GET', '/v1/me', { headers: { cookie } });
  return { cookie, csrf: me.body.csrfToken, setCookie, user: res.body.user };
}

/** A call made as the browser of a session: the cookie, and the CSRF token unless told otherwise. */
function asSession(
  api: RunningApi,
  session: Session,
  method: string,
  path: string,
  options: { body?: unknown; csrf?: string | null } = {},
): Promise<Answer> {
  const csrf = options.csrf === undefined ? session.csrf : options.csrf;
  return api.call(method, path, {
    body: options.body,
    headers: { cookie: session.cookie, ...(csrf === null ? {} : { 'x-csrf-token': csrf }) },
  });
}

async function newUser(api: RunningApi, body: Record<string, unknown>) {
  const res = await api.call('POST', '/v1/users', {
    key: api.adminKey,
    body: { email: email(), name: 'Nguyễn Thị Lan', password: PASSWORD, ...body },
  });
  if (res.status !== 201) throw new Error(`user not created: ${res.status} ${res.text}`);
  return res.body;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

describe('people and sign-in', () => {
  let api: RunningApi;
  let officerKey: string;
  let a: Awaited<ReturnType<typeof newCooperative>>;
  let b: Awaited<ReturnType<typeof newCooperative>>;
  let productOfA: any;
  let productOfB: any;

  beforeAll(async () => {
    api = await startApi();
    officerKey = await newKey(api, 'officer');
    a = await newCooperative(api);
    b = await newCooperative(api);
    productOfA = await newProduct(api, a);
    productOfB = await newProduct(api, b);
  });
  afterAll(() => api.close());

  describe('accounts (admin)', () => {
    it('creates a person with a password: 201 with the person, the email normalised, never a password or hash', async () => {
      const address = email('Lan');
      const res = await api.call('POST', '/v1/users', {
        key: api.adminKey,
        body: {
          email: `  ${address.toUpperCase()} `,
          name: 'Nguyễn Thị Lan',
          role: 'cooperative',
          cooperativeId: a.id,
          password: PASSWORD,
        },
      });
      expect(res.status).toBe(201);
      expect(Object.keys(res.body).sort()).toEqual(
        ['cooperativeId', 'createdAt', 'disabled', 'email', 'id', 'name', 'role'].sort(),
      );
      expect(res.body).toMatchObject({
        email: address.toLowerCase(),
        name: 'Nguyễn Thị Lan',
        role: 'cooperative',
        cooperativeId: a.id,
        disabled: false,
      });
      expect(res.text).not.toContain(PASSWORD);
      expect(res.text).not.toContain('scrypt');
      // and the normalised address signs in whatever case it is typed in
      const session = await signIn(api, ` ${address.toUpperCase()}`);
      expect(session.user.id).toBe(res.body.id);
    });

    it('creates a person without a password with a one-time inviteUrl', async () => {
      const res = await api.call('POST', '/v1/users', {
        key: api.adminKey,
        body: { email: email(), name: 'Lê Thu Hà', role: 'officer' },
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ role: 'officer', cooperativeId: null, disabled: false });
      expect(res.body.inviteUrl).toMatch(/^https?:\/\/[^/]+\/app\/#\/invite\/[A-Za-z0-9_-]{43}$/);
    });

    it('validates in the error shape, naming the field; 409 on a taken email, 404 on an unknown producer', async () => {
      const base = { email: email(), name: 'x', role: 'officer', password: PASSWORD };
      const cases: [Record<string, unknown>, string][] = [
        [{ email: 'not an email' }, 'email'],
        [{ email: undefined }, 'email'],
        [{ name: '' }, 'name'],
        [{ role: 'root' }, 'role'],
        [{ role: 'cooperative' }, 'cooperativeId'],
        [{ cooperativeId: a.id }, 'cooperativeId'],
        [{ password: 'short' }, 'password'],
        [{ password: 'x'.repeat(201) }, 'password'],
        [{ zzz: 1 }, 'zzz'],
      ];
      for (const [change, field] of cases) {
        const res = await api.call('POST', '/v1/users', { key: api.adminKey, body: { ...base, ...change } });
        expect({ change, status: res.status, code: res.body.error.code }).toEqual({
          change,
          status: 400,
          code: 'validation_failed',
        });
        expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
      }
      const unknownCoop = await api.call('POST', '/v1/users', {
        key: api.adminKey,
        body: { ...base, role: 'cooperative', cooperativeId: randomUUID() },
      });
      expect(unknownCoop.status).toBe(404);

      const first = await api.call('POST', '/v1/users', { key: api.adminKey, body: base });
      expect(first.status).toBe(201);
      const again = await api.call('POST', '/v1/users', {
        key: api.adminKey,
        body: { ...base, email: ` ${base.email.toUpperCase()}  ` },
      });
      expect(again.status).toBe(409);
      expect(again.body.error.code).toBe('conflict');
    });

    it('lists people, newest first and paged, without a password or hash', async () => {
      const made = await newUser(api, { role: 'officer' });
      const res = await api.call('GET', '/v1/users?limit=200', { key: api.adminKey });
      expect(res.status).toBe(200);
      expect(res.body.items[0]).toEqual(made);
      expect(res.text).not.toMatch(/scrypt|password|hash|token/i);
      const one = await api.call('GET', '/v1/users?limit=1', { key: api.adminKey });
      expect(one.body.items).toHaveLength(1);
      const next = await api.call('GET', `/v1/users?limit=1&cursor=${one.body.nextCursor}`, {
        key: api.adminKey,
      });
      expect(next.body.items[0].id).not.toBe(one.body.items[0].id);
    });

    it('changes name and role (taking effect on the open session at once) and validates the change', async () => {
      const user = await newUser(api, { role: 'cooperative', cooperativeId: a.id });
      const session = await signIn(api, user.email);
      const renamed = await api.call('PATCH', `/v1/users/${user.id}`, {
        key: api.adminKey,
        body: { name: 'Trần Văn Đạt', role: 'officer' },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ name: 'Trần Văn Đạt', role: 'officer', cooperativeId: null });
      const me = await asSession(api, session, 'GET', '/v1/me');
      expect(me.body).toMatchObject({ kind: 'user', role: 'officer', cooperativeId: null });

      const noProducer = await api.call('PATCH', `/v1/users/${user.id}`, {
        key: api.adminKey,
        body: { role: 'cooperative' },
      });
      expect(noProducer.status).toBe(400);
      expect(noProducer.body.error.details[0].field).toBe('cooperativeId');
      const producerForOfficer = await api.call('PATCH', `/v1/users/${user.id}`, {
        key: api.adminKey,
        body: { cooperativeId: b.id },
      });
      expect(producerForOfficer.status).toBe(400);
      const back = await api.call('PATCH', `/v1/users/${user.id}`, {
        key: api.adminKey,
        body: { role: 'cooperative', cooperativeId: b.id },
      });
      expect(back.body).toMatchObject({ role: 'cooperative', cooperativeId: b.id });
      for (const body of [{ disabled: 'yes' }, { name: null }, { role: 'root' }, { email: 'x@y.z' }]) {
        const bad = await api.call('PATCH', `/v1/users/${user.id}`, { key: api.adminKey, body });
        expect({ body, status: bad.status }).toEqual({ body, status: 400 });
      }
      const unknown = await api.call('PATCH', `/v1/users/${randomUUID()}`, {
        key: api.adminKey,
        body: { name: 'x' },
      });
      expect(unknown.status).toBe(404);
    });

    it('keeps both of two changes made at once: a rename does not write back the old role', async () => {
      for (let round = 0; round < 5; round += 1) {
        const user = await newUser(api, { role: 'officer' });
        const [rename, move] = await Promise.all([
          api.call('PATCH', `/v1/users/${user.id}`, { key: api.adminKey, body: { name: `Tên ${round}` } }),
          api.call('PATCH', `/v1/users/${user.id}`, {
            key: api.adminKey,
            body: { role: 'cooperative', cooperativeId: a.id },
          }),
        ]);
        expect([rename.status, move.status]).toEqual([200, 200]);
        const now = await api.call('GET', `/v1/users?limit=200`, { key: api.adminKey });
        const stored = now.body.items.find((item: { id: string }) => item.id === user.id);
        expect(stored).toMatchObject({ name: `Tên ${round}`, role: 'cooperative', cooperativeId: a.id });
      }
    });

    it('refuses officers and cooperatives, by key or by session, with 403', async () => {
      const officer = await newUser(api, { role: 'officer' });
      const staff = await newUser(api, { role: 'cooperative', cooperativeId: a.id });
      const target = await newUser(api, { role: 'officer' });
      const sessions = [await signIn(api, officer.email), await signIn(api, staff.email)];
      const calls: [string, string, unknown?][] = [
        ['POST', '/v1/users', { email: email(), name: 'x', role: 'admin', password: PASSWORD }],
        ['GET', '/v1/users'],
        ['PATCH', `/v1/users/${target.id}`, { role: 'admin' }],
        ['POST', `/v1/users/${target.id}/invites`],
      ];
      for (const [method, path, body] of calls) {
        for (const key of [officerKey, a.key]) {
          const res = await api.call(method, path, { key, body });
          expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
          expect(res.body.error.code).toBe('forbidden');
        }
        for (const session of sessions) {
          const res = await asSession(api, session, method, path, { body });
          expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
        }
      }
      const after = await api.call('GET', '/v1/users?limit=200', { key: api.adminKey });
      expect(after.body.items.find((u: any) => u.id === target.id).role).toBe('officer');
    });
  });

  describe('sessions', () => {
    it('signs in with an httpOnly, SameSite=Lax cookie; GET /v1/me answers for it as for a key', async () => {
      const user = await newUser(api, { role: 'cooperative', cooperativeId: a.id });
      const res = await api.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ user });
      expect(res.headers.get('cache-control')).toBe('no-store');
      const setCookie = res.headers.get('set-cookie')!;
      expect(setCookie).toMatch(/^ocop_session=[A-Za-z0-9_-]{43}; /);
      expect(setCookie).toContain('HttpOnly');
      expect(setCookie).toContain('SameSite=Lax');
      expect(setCookie).toContain('Path=/');
      expect(setCookie).not.toContain('Secure');
      expect(setCookie).not.toContain('Domain');
      // the cookie lives as long as the session may (SESSION_MAX_DAYS, 7 by default)
      expect(Number(/Max-Age=(\d+)/.exec(setCookie)![1])).toBeGreaterThan(7 * 24 * 3600 - 60);
      expect(res.text).not.toContain(cookieOf(setCookie).split('=')[1]);

      const me = await api.call('GET', '/v1/me', { headers: { cookie: cookieOf(setCookie) } });
      expect(me.status).toBe(200);
      expect(me.body).toEqual({
        kind: 'user',
        role: 'cooperative',
        cooperativeId: a.id,
        user,
        csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      });
      expect(me.text).not.toContain(cookieOf(setCookie).split('=')[1]);

      const byKey = await api.call('GET', '/v1/me', { key: a.key });
      expect(byKey.body).toEqual({ kind: 'key', role: 'cooperative', cooperativeId: a.id });
      const byAdmin = await api.call('GET', '/v1/me', { key: api.adminKey });
      expect(byAdmin.body).toEqual({ kind: 'key', role: 'admin', cooperativeId: null });
    });

    it('answers a wrong password and an unknown email alike, in a similar time', async () => {
      // at production's scrypt cost, not the tests' lower one (test/support/env.ts): the hash is what
      // each refusal must spend alike, and at the tests' cost it would be lost in the noise
      const atProductionCost = await startApi({ PASSWORD_SCRYPT_LN: '15' });
      try {
        const user = await newUser(atProductionCost, { role: 'officer' });
        const invited = await atProductionCost.call('POST', '/v1/users', {
          key: atProductionCost.adminKey,
          body: { email: email(), name: 'chưa đặt mật khẩu', role: 'officer' },
        });
        const times: Record<'wrong' | 'unknown' | 'noPassword', number[]> = {
          wrong: [],
          unknown: [],
          noPassword: [],
        };
        const bodies = new Set<string>();
        // one try per address, so no limit is reached; alternated so load on the machine hits all alike
        for (let i = 0; i < 4; i += 1) {
          for (const [kind, address] of [
            ['wrong', i === 0 ? user.email : (await newUser(atProductionCost, { role: 'officer' })).email],
            ['unknown', email('khong-co')],
            [
              'noPassword',
              i === 0
                ? invited.body.email
                : (
                    await atProductionCost.call('POST', '/v1/users', {
                      key: atProductionCost.adminKey,
                      body: { email: email(), name: 'x', role: 'officer' },
                    })
                  ).body.email,
            ],
          ] as ['wrong' | 'unknown' | 'noPassword', string][]) {
            const started = performance.now();
            const res = await atProductionCost.call('POST', '/v1/sessions', {
              body: { email: address, password: 'sai-mat-khau-123' },
            });
            times[kind].push(performance.now() - started);
            expect(res.status).toBe(401);
            expect(res.headers.get('set-cookie')).toBeNull();
            bodies.add(res.text);
          }
        }
        expect(bodies.size).toBe(1);
        expect(JSON.parse([...bodies][0]!).error).toEqual({
          code: 'unauthorized',
          message: 'The email or password is not right',
          details: [],
        });
        // every refusal derives a scrypt hash (tens of milliseconds), known account or not
        const [wrong, unknown, noPassword] = [
          median(times.wrong),
          median(times.unknown),
          median(times.noPassword),
        ];
        for (const other of [unknown, noPassword]) {
          expect(other / wrong).toBeGreaterThan(0.5);
          expect(other / wrong).toBeLessThan(2);
        }
        expect(Math.min(wrong, unknown, noPassword)).toBeGreaterThan(15);
      } finally {
        await atProductionCost.close();
      }
    });

    it('answers 429 with Retry-After from the 6th failure per email in 15 minutes, per email only', async () => {
      const victim = await newUser(api, { role: 'officer' });
      const bystander = await newUser(api, { role: 'officer' });
      for (let i = 1; i <= 5; i += 1) {
        const res = await api.call('POST', '/v1/sessions', {
          body: { email: victim.email, password: `sai-${i}-xxxxxxx` },
        });
        expect({ attempt: i, status: res.status }).toEqual({ attempt: i, status: 401 });
      }
      const sixth = await api.call('POST', '/v1/sessions', {
        body: { email: victim.email, password: 'sai-6-xxxxxxx' },
      });
      expect(sixth.status).toBe(429);
      expect(sixth.body.error.code).toBe('rate_limited');
      const retryAfter = Number(sixth.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(14 * 60);
      expect(retryAfter).toBeLessThanOrEqual(15 * 60);
      // the right password does not get through meanwhile, whatever the case of the address
      const right = await api.call('POST', '/v1/sessions', {
        body: { email: victim.email.toUpperCase(), password: PASSWORD },
      });
      expect(right.status).toBe(429);
      // another email is not affected, and its success does not clear the victim's count
      expect((await signIn(api, bystander.email)).user.id).toBe(bystander.id);
      const stillLocked = await api.call('POST', '/v1/sessions', {
        body: { email: victim.email, password: PASSWORD },
      });
      expect(stillLocked.status).toBe(429);
      // unknown emails are counted the same, so the 429 tells nothing about who has an account
      const nobody = email('khong-co');
      const statuses: number[] = [];
      for (let i = 0; i < 6; i += 1) {
        statuses.push(
          (await api.call('POST', '/v1/sessions', { body: { email: nobody, password: 'x' } })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    });

    it('gives an email its tries back on a successful sign-in (its own only)', async () => {
      const user = await newUser(api, { role: 'officer' });
      for (let i = 0; i < 4; i += 1) {
        expect(
          (await api.call('POST', '/v1/sessions', { body: { email: user.email, password: 'sai-mat-khau' } }))
            .status,
        ).toBe(401);
      }
      await signIn(api, user.email);
      for (let i = 0; i < 5; i += 1) {
        expect(
          (await api.call('POST', '/v1/sessions', { body: { email: user.email, password: 'sai-mat-khau' } }))
            .status,
        ).toBe(401);
      }
      expect(
        (await api.call('POST', '/v1/sessions', { body: { email: user.email, password: 'sai-mat-khau' } }))
          .status,
      ).toBe(429);
    });

    it('validates sign-in bodies and takes only JSON (a cross-site form cannot sign anyone in)', async () => {
      for (const body of [
        {},
        { email: 'x@y.z' },
        { password: 'x' },
        { email: 1, password: 'x' },
        { email: 'x@y.z', password: 'x', role: 'admin' },
      ]) {
        const res = await api.call('POST', '/v1/sessions', { body });
        expect({ body, status: res.status }).toEqual({ body, status: 400 });
        expect(res.body.error.code).toBe('validation_failed');
      }
      const user = await newUser(api, { role: 'officer' });
      for (const [type, raw] of [
        [
          'application/x-www-form-urlencoded',
          `email=${encodeURIComponent(user.email)}&password=${encodeURIComponent(PASSWORD)}`,
        ],
        ['text/plain', JSON.stringify({ email: user.email, password: PASSWORD })],
      ]) {
        const res = await api.call('POST', '/v1/sessions', { raw, headers: { 'content-type': type! } });
        expect({ type, status: res.status }).toEqual({ type, status: expect.any(Number) });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(res.headers.get('set-cookie')).toBeNull();
      }
      const invite = await api.call('POST', '/v1/users', {
        key: api.adminKey,
        body: { email: email(), name: 'x', role: 'officer' },
      });
      const token = (invite.body.inviteUrl as string).split('#/invite/')[1]!;
      const formAccept = await api.call('POST', '/v1/invites/accept', {
        raw: `token=${token}&password=${encodeURIComponent(PASSWORD)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
      expect(formAccept.status).toBe(400);
      expect(formAccept.headers.get('set-cookie')).toBeNull();
    });

    it('refuses a cookie write without the X-CSRF-Token, or with a wrong one, for every write method; reads need none', async () => {
      const user = await newUser(api, { role: 'cooperative', cooperativeId: a.id });
      const session = await signIn(api, user.email);
      const other = await signIn(
        api,
        (await newUser(api, { role: 'cooperative', cooperativeId: a.id })).email,
      );
      const sku = productOfA.skus[0];
      const writes: [string, string, unknown?][] = [
        ['POST', `/v1/skus/${sku.id}/stock-adjustments`, { delta: 1, reason: 'nhập thêm' }],
        ['PUT', `/v1/skus/${sku.id}/stock`, { onHand: 50, reason: 'kiểm kê' }],
        ['PATCH', `/v1/products/${productOfA.id}`, { name: 'Chè đã đổi tên' }],
        ['DELETE', '/v1/sessions/current'],
      ];
      for (const [method, path, body] of writes) {
        for (const csrf of [null, '', 'x'.repeat(43), other.csrf, `${session.csrf}x`]) {
          const res = await asSession(api, session, method, path, { body, csrf });
          expect({ method, csrf, status: res.status, code: res.body?.error?.code }).toEqual({
            method,
            csrf,
            status: 403,
            code: 'forbidden',
          });
        }
      }
      const product = await asSession(api, session, 'GET', `/v1/products/${productOfA.id}`, { csrf: null });
      expect(product.status).toBe(200);
      expect(product.body.name).toBe(productOfA.name);
      expect(product.body.skus[0].onHand).toBe(sku.onHand);
      expect((await asSession(api, session, 'GET', '/v1/me', { csrf: null })).status).toBe(200);

      // with the token each goes through
      for (const [method, path, body] of writes) {
        const res = await asSession(api, session, method, path, { body });
        expect({ method, status: res.status }).toEqual({
          method,
          status: method === 'DELETE' ? 204 : method === 'POST' ? 201 : 200,
        });
      }
    });

    it('needs no CSRF token with a key, even beside a cookie (the key decides)', async () => {
      const officer = await signIn(api, (await newUser(api, { role: 'officer' })).email);
      const sku = productOfA.skus[0];
      const byKey = await api.call('POST', `/v1/skus/${sku.id}/stock-adjustments`, {
        key: a.key,
        body: { delta: 1, reason: 'bằng khóa' },
      });
      expect(byKey.status).toBe(201);
      // an officer's cookie beside a cooperative key: the key's rights, not the officer's 403
      const both = await api.call('POST', `/v1/skus/${sku.id}/stock-adjustments`, {
        key: a.key,
        body: { delta: 1, reason: 'khóa và cookie' },
        headers: { cookie: officer.cookie },
      });
      expect(both.status).toBe(201);
      const badKeyWithCookie = await api.call('GET', '/v1/products', {
        key: 'ocop_not-a-key',
        headers: { cookie: officer.cookie },
      });
      expect(badKeyWithCookie.status).toBe(401);
    });

    it('signs out: 204, the cookie cleared and refused from then on; a key cannot sign out', async () => {
      const user = await newUser(api, { role: 'officer' });
      const session = await signIn(api, user.email);
      const second = await signIn(api, user.email);
      const out = await asSession(api, session, 'DELETE', '/v1/sessions/current');
      expect(out.status).toBe(204);
      expect(out.headers.get('set-cookie')).toMatch(/^ocop_session=; .*Max-Age=0/);
      const after = await asSession(api, session, 'GET', '/v1/products');
      expect(after.status).toBe(401);
      expect(after.body.error.code).toBe('unauthorized');
      expect((await asSession(api, session, 'DELETE', '/v1/sessions/current')).status).toBe(401);
      // only that session ended
      expect((await asSession(api, second, 'GET', '/v1/products')).status).toBe(200);
      const byKey = await api.call('DELETE', '/v1/sessions/current', { key: officerKey });
      expect(byKey.status).toBe(403);
      const nobody = await api.call('DELETE', '/v1/sessions/current');
      expect(nobody.status).toBe(401);
    });

    it('disabling a person ends their sessions at once and refuses their sign-in alike; enabling lets them back', async () => {
      const user = await newUser(api, { role: 'cooperative', cooperativeId: a.id });
      const session = await signIn(api, user.email);
      const disabled = await api.call('PATCH', `/v1/users/${user.id}`, {
        key: api.adminKey,
        body: { disabled: true },
      });
      expect(disabled.status).toBe(200);
      expect(disabled.body.disabled).toBe(true);
      expect((await asSession(api, session, 'GET', '/v1/products')).status).toBe(401);
      const refused = await api.call('POST', '/v1/sessions', {
        body: { email: user.email, password: PASSWORD },
      });
      expect(refused.status).toBe(401);
      expect(refused.body.error.message).toBe('The email or password is not right');
      const enabled = await api.call('PATCH', `/v1/users/${user.id}`, {
        key: api.adminKey,
        body: { disabled: false },
      });
      expect(enabled.body.disabled).toBe(false);
      // the old cookie stays dead; a new sign-in works
      expect((await asSession(api, session, 'GET', '/v1/products')).status).toBe(401);
      expect((await signIn(api, user.email)).user.id).toBe(user.id);
    });

    it("shows a cooperative person exactly what the cooperative's key shows, and nothing of another producer", async () => {
      const staff = await signIn(
        api,
        (await newUser(api, { role: 'cooperative', cooperativeId: a.id })).email,
      );
      for (const path of [
        '/v1/products?limit=200',
        '/v1/cooperatives?limit=200',
        `/v1/skus/${productOfA.skus[0].id}/stock-movements`,
        `/v1/products?cooperativeId=${b.id}`,
      ]) {
        const byKey = await api.call('GET', path, { key: a.key });
        const bySession = await asSession(api, staff, 'GET', path);
        expect({ path, status: bySession.status, body: bySession.body }).toEqual({
          path,
          status: byKey.status,
          body: byKey.body,
        });
      }
      const sku = productOfB.skus[0];
      const calls: [string, string, unknown?][] = [
        ['GET', `/v1/products/${productOfB.id}`],
        ['PATCH', `/v1/products/${productOfB.id}`, { name: 'Chè giả mạo' }],
        ['POST', `/v1/skus/${sku.id}/stock-adjustments`, { delta: 5, reason: 'steal' }],
        ['PUT', `/v1/skus/${sku.id}/stock`, { onHand: 0, reason: 'steal' }],
        ['GET', `/v1/skus/${sku.id}/stock-movements`],
        ['GET', `/v1/cooperatives/${b.id}`],
      ];
      for (const [method, path, body] of calls) {
        const res = await asSession(api, staff, method, path, { body });
        expect({ method, path, status: res.status }).toEqual({ method, path, status: 404 });
      }
      const after = await api.call('GET', `/v1/products/${productOfB.id}`, { key: b.key });
      expect(after.body.name).toBe(productOfB.name);
      expect(after.body.skus[0].onHand).toBe(sku.onHand);
    });

    it('lets an officer person read everything and refuses its writes with 403', async () => {
      const officer = await signIn(api, (await newUser(api, { role: 'officer' })).email);
      expect((await asSession(api, officer, 'GET', `/v1/products/${productOfB.id}`)).status).toBe(200);
      const write = await asSession(api, officer, 'PATCH', `/v1/products/${productOfB.id}`, {
        body: { name: 'x' },
      });
      expect(write.status).toBe(403);
      expect(write.body.error.code).toBe('forbidden');
    });
  });

  describe('invitations', () => {
    async function invited(role = 'officer') {
      const res = await api.call('POST', '/v1/users', {
        key: api.adminKey,
        body: { email: email('moi'), name: 'Người được mời', role },
      });
      expect(res.status).toBe(201);
      return { user: res.body, token: (res.body.inviteUrl as string).split('#/invite/')[1]! };
    }

    it('sets the password once and signs the person in; the link cannot be used twice', async () => {
      const { user, token } = await invited();
      const short = await api.call('POST', '/v1/invites/accept', { body: { token, password: 'ngan' } });
      expect(short.status).toBe(400);
      expect(short.body.error.details[0].field).toBe('password');

      const accepted = await api.call('POST', '/v1/invites/accept', { body: { token, password: PASSWORD } });
      expect(accepted.status).toBe(201);
      expect(accepted.body.user).toMatchObject({ id: user.id, email: user.email, disabled: false });
      expect(accepted.text).not.toContain(token);
      const cookie = cookieOf(accepted.headers.get('set-cookie')!);
      expect(accepted.headers.get('set-cookie')).toContain('HttpOnly');
      expect((await api.call('GET', '/v1/me', { headers: { cookie } })).body.user.id).toBe(user.id);

      const twice = await api.call('POST', '/v1/invites/accept', {
        body: { token, password: 'mat-khau-khac-123' },
      });
      expect(twice.status).toBe(404);
      expect(twice.body.error.code).toBe('not_found');
      // the password set the first time is the one that works
      expect((await signIn(api, user.email)).user.id).toBe(user.id);
      const other = await api.call('POST', '/v1/sessions', {
        body: { email: user.email, password: 'mat-khau-khac-123' },
      });
      expect(other.status).toBe(401);
    });

    it('lets one of two concurrent acceptances through', async () => {
      const { token } = await invited();
      const answers = await Promise.all(
        ['mat-khau-mot-111', 'mat-khau-hai-222'].map((password) =>
          api.call('POST', '/v1/invites/accept', { body: { token, password } }),
        ),
      );
      expect(answers.map((r) => r.status).sort()).toEqual([201, 404]);
    });

    it('refuses an unknown, replaced, expired or disabled person’s invitation', async () => {
      const unknown = await api.call('POST', '/v1/invites/accept', {
        body: { token: 'x'.repeat(43), password: PASSWORD },
      });
      expect(unknown.status).toBe(404);

      const { user, token } = await invited();
      const renewed = await api.call('POST', `/v1/users/${user.id}/invites`, { key: api.adminKey });
      expect(renewed.status).toBe(201);
      expect(renewed.body.inviteUrl).toMatch(/#\/invite\/[A-Za-z0-9_-]{43}$/);
      expect(new Date(renewed.body.expiresAt).getTime() - Date.now()).toBeGreaterThan(7 * 24 * 3600e3 - 60e3);
      const replaced = await api.call('POST', '/v1/invites/accept', { body: { token, password: PASSWORD } });
      expect(replaced.status).toBe(404);

      const disabledOne = await invited();
      await api.call('PATCH', `/v1/users/${disabledOne.user.id}`, {
        key: api.adminKey,
        body: { disabled: true },
      });
      const whileDisabled = await api.call('POST', '/v1/invites/accept', {
        body: { token: disabledOne.token, password: PASSWORD },
      });
      expect(whileDisabled.status).toBe(404);
      const reinviteDisabled = await api.call('POST', `/v1/users/${disabledOne.user.id}/invites`, {
        key: api.adminKey,
      });
      expect(reinviteDisabled.status).toBe(409);

      // seven days later the link is dead (the API's clock is moved, not the test's patience)
      const late = await invited();
      const clock = api.app.get(Clock, { strict: false });
      const real = clock.now.bind(clock);
      clock.now = () => new Date(real().getTime() + 7 * 24 * 3600e3 + 60e3);
      try {
        const expired = await api.call('POST', '/v1/invites/accept', {
          body: { token: late.token, password: PASSWORD },
        });
        expect(expired.status).toBe(404);
      } finally {
        clock.now = real;
      }
      const stillValid = await api.call('POST', '/v1/invites/accept', {
        body: { token: late.token, password: PASSWORD },
      });
      expect(stillValid.status).toBe(201);
    });

    it('a new password ends the sessions opened with the old one', async () => {
      const user = await newUser(api, { role: 'officer' });
      const session = await signIn(api, user.email);
      const renewed = await api.call('POST', `/v1/users/${user.id}/invites`, { key: api.adminKey });
      // until the new link is used, the old password and session still work
      expect((await asSession(api, session, 'GET', '/v1/me')).status).toBe(200);
      const token = (renewed.body.inviteUrl as string).split('#/invite/')[1]!;
      expect(
        (await api.call('POST', '/v1/invites/accept', { body: { token, password: 'mat-khau-moi-2026' } }))
          .status,
      ).toBe(201);
      expect((await asSession(api, session, 'GET', '/v1/me')).status).toBe(401);
      expect(
        (await api.call('POST', '/v1/sessions', { body: { email: user.email, password: PASSWORD } })).status,
      ).toBe(401);
    });
  });

  describe('who made a stock change', () => {
    it('records the key or the person on each movement, and nobody for the connector', async () => {
      const staff = await newUser(api, { role: 'cooperative', cooperativeId: a.id, name: 'Trần Văn Đạt' });
      const session = await signIn(api, staff.email);
      const product = await newProduct(api, a);
      const sku = product.skus[0];
      expect(
        (
          await asSession(api, session, 'POST', `/v1/skus/${sku.id}/stock-adjustments`, {
            body: { delta: 3, reason: 'nhập kho' },
          })
        ).status,
      ).toBe(201);
      expect(
        (
          await asSession(api, session, 'PUT', `/v1/skus/${sku.id}/stock`, {
            body: { onHand: 20, reason: 'kiểm kê' },
          })
        ).status,
      ).toBe(200);
      expect(
        (
          await api.call('POST', `/v1/skus/${sku.id}/stock-adjustments`, {
            key: api.adminKey,
            body: { delta: -1, reason: 'hỏng' },
          })
        ).status,
      ).toBe(201);

      const movements = await api.call('GET', `/v1/skus/${sku.id}/stock-movements`, { key: a.key });
      const byReason = Object.fromEntries(movements.body.items.map((m: any) => [m.reason, m.actor]));
      expect(byReason).toEqual({
        'opening stock': { kind: 'key', id: a.keyId, name: 'test' },
        'nhập kho': { kind: 'user', id: staff.id, name: 'Trần Văn Đạt' },
        'kiểm kê': { kind: 'user', id: staff.id, name: 'Trần Văn Đạt' },
        hỏng: { kind: 'key', id: '00000000-0000-0000-0000-000000000000', name: 'ADMIN_API_KEY' },
      });
      // the name is the one of that moment
      await api.call('PATCH', `/v1/users/${staff.id}`, {
        key: api.adminKey,
        body: { name: 'Trần Văn Đạt (nghỉ)' },
      });
      const again = await api.call('GET', `/v1/skus/${sku.id}/stock-movements`, { key: a.key });
      expect(again.body.items.find((m: any) => m.reason === 'nhập kho').actor.name).toBe('Trần Văn Đạt');
    });

    it('names the person who changed a product, as named then', async () => {
      const staff = await newUser(api, { role: 'cooperative', cooperativeId: a.id, name: 'Lê Thị Hoa' });
      const session = await signIn(api, staff.email);
      const product = await newProduct(api, a);
      const patched = await asSession(api, session, 'PATCH', `/v1/products/${product.id}`, {
        body: { description: 'Chè búp Tân Cương' },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({
        createdBy: { kind: 'key', id: a.keyId, name: 'test' },
        updatedBy: { kind: 'user', id: staff.id, name: 'Lê Thị Hoa' },
      });
      await api.call('PATCH', `/v1/users/${staff.id}`, {
        key: api.adminKey,
        body: { name: 'Lê Thị Hoa (cũ)' },
      });
      const read = await api.call('GET', `/v1/products/${product.id}`, { key: a.key });
      expect(read.body.updatedBy.name).toBe('Lê Thị Hoa');
    });
  });
});

describe('session lifetimes', () => {
  it('ends a session after SESSION_IDLE_SECONDS without a request, and a request keeps it alive', async () => {
    const api = await startApi({ SESSION_IDLE_SECONDS: '2' });
    try {
      const user = await newUser(api, { role: 'officer' });
      const session = await signIn(api, user.email);
      const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
      for (let i = 0; i < 3; i += 1) {
        await sleep(1200);
        expect((await asSession(api, session, 'GET', '/v1/me')).status).toBe(200);
      }
      await sleep(2300);
      const idle = await asSession(api, session, 'GET', '/v1/me');
      expect(idle.status).toBe(401);
      expect(idle.body.error.message).toMatch(/session has ended/);
    } finally {
      await api.close();
    }
  });

  it('ends a busy session SESSION_MAX_DAYS after its sign-in', async () => {
    const api = await startApi({ SESSION_MAX_DAYS: '1', SESSION_IDLE_SECONDS: String(3 * 24 * 3600) });
    try {
      const user = await newUser(api, { role: 'officer' });
      const session = await signIn(api, user.email);
      const clock = api.app.get(Clock, { strict: false });
      const real = clock.now.bind(clock);
      const later = (ms: number) => (clock.now = () => new Date(real().getTime() + ms));
      try {
        later(23 * 3600e3);
        expect((await asSession(api, session, 'GET', '/v1/me')).status).toBe(200);
        later(24 * 3600e3 + 60e3);
        expect((await asSession(api, session, 'GET', '/v1/me')).status).toBe(401);
      } finally {
        clock.now = real;
      }
    } finally {
      await api.close();
    }
  });
});

describe('the Secure flag of the session cookie', () => {
  async function setCookieWith(overrides: Record<string, string>, headers: Record<string, string> = {}) {
    const api = await startApi(overrides);
    try {
      const user = await newUser(api, { role: 'officer' });
      const res = await api.call('POST', '/v1/sessions', {
        body: { email: user.email, password: PASSWORD },
        headers,
      });
      expect(res.status).toBe(201);
      return res.headers.get('set-cookie')!;
    } finally {
      await api.close();
    }
  }

  it('is set when PUBLIC_BASE_URL is https, or a trusted proxy says the request came over https', async () => {
    expect(await setCookieWith({ PUBLIC_BASE_URL: 'https://ocop.example.vn' })).toMatch(/; Secure/);
    expect(await setCookieWith({ TRUST_PROXY: '127.0.0.1' }, { 'x-forwarded-proto': 'https' })).toMatch(
      /; Secure/,
    );
    // an untrusted client cannot claim https for itself, and plain http gets no Secure
    expect(await setCookieWith({ TRUST_PROXY: '' }, { 'x-forwarded-proto': 'https' })).not.toMatch(/Secure/);
  });
});
