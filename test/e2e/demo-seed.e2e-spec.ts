import { environmentSchema, loadEnvironment } from '../../config/environment';
import { DEMO_PEOPLE, ensureDemoPeople } from '../../apps/cli/src/demo-people';
import { seedDemo } from '../../apps/cli/src/seed/seed';
import { RunningApi, startApi } from '../support/api';
import { dropDatabase, freshDatabase } from '../support/database';

/** The demo seed in a database of its own, read back through the API as an officer would. */
describe('the Thái Nguyên demo seed', () => {
  const url = (process.env.DATABASE_URL as string).replace(/\/([^/]+)$/, '/$1_seed');
  let api: RunningApi;

  beforeAll(async () => {
    await freshDatabase(url);
    api = await startApi({ DATABASE_URL: url });
  });
  afterAll(async () => {
    await api?.close();
    await dropDatabase(url);
  });

  async function all(path: string): Promise<any[]> {
    const items: any[] = [];
    let cursor: string | null = null;
    do {
      const sep = path.includes('?') ? '&' : '?';
      const res: any = await api.call(
        'GET',
        `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        { key: api.adminKey },
      );
      expect(res.status).toBe(200);
      items.push(...res.body.items);
      cursor = res.body.nextCursor;
    } while (cursor);
    return items;
  }

  it('reproduces the province figures and adds nothing when run again', async () => {
    const env = loadEnvironment(environmentSchema, { ...process.env, DATABASE_URL: url });
    const progress: string[] = [];
    const first = await seedDemo(env, (line) => progress.push(line));
    // a first run takes a while: it says what it is about to do, then where it is every 10 producers
    expect(progress[0]).toMatch(/^Seeding the Thái Nguyên catalogue: 53 producers, \d+ products…$/);
    expect(progress.slice(1).map((line) => line.trim().split(' producers')[0])).toEqual([
      '10 of 53',
      '20 of 53',
      '30 of 53',
      '40 of 53',
      '50 of 53',
      '53 of 53',
    ]);
    expect(progress[progress.length - 1]).toContain(
      `new this run: 53 producers, ${first.productsCreated} products`,
    );
    expect(first.productsCreated).toBeGreaterThanOrEqual(173);
    expect(first.assessmentsCreated).toBeGreaterThan(173);

    const active = await all('/v1/ocop-certificates?status=active');
    expect(active).toHaveLength(173);
    const byStars = (n: number) => active.filter((a) => a.stars === n).length;
    expect([byStars(3), byStars(4), byStars(5)]).toEqual([91, 80, 2]);

    const products = await all('/v1/products');
    expect(products.length).toBeGreaterThanOrEqual(173);
    const certified = products.filter((p) => p.ocop !== null);
    expect(certified).toHaveLength(173);
    expect(certified.filter((p) => p.category === 'tea')).toHaveLength(121);
    const teaShare = products.filter((p) => p.category === 'tea').length / products.length;
    expect(teaShare).toBeGreaterThan(0.65);

    const five = certified
      .filter((p) => p.ocop.stars === 5)
      .map((p) => p.name)
      .sort();
    expect(five).toEqual(['Chè tôm nõn Hảo Đạt', 'Miến dong Việt Cường']);
    const haoDat = certified.find((p) => p.name === 'Chè tôm nõn Hảo Đạt');
    const history = await all(`/v1/products/${haoDat.id}/ocop-assessments`);
    expect(history.map((a) => [a.score.total, a.status])).toEqual([
      [90.86, 'active'],
      [90.86, 'superseded'],
    ]);

    const everything = await all('/v1/ocop-certificates');
    const statuses = new Set(everything.map((a) => a.status));
    expect([...statuses].sort()).toEqual(['active', 'expired', 'revoked', 'superseded']);
    const soon = await all('/v1/ocop-certificates?expiringWithinDays=90');
    expect(soon.length).toBeGreaterThan(0);
    const years = new Set(everything.map((a) => a.decidedAt.slice(0, 4)));
    expect(years.size).toBeGreaterThanOrEqual(4);

    const second = await seedDemo(env);
    expect(second).toMatchObject({ cooperativesCreated: 0, productsCreated: 0, assessmentsCreated: 0 });
    expect(await all('/v1/ocop-certificates?status=active')).toHaveLength(173);
  });

  it('makes the three demo sign-ins, and gives them the password of this run when run again', async () => {
    const endpoints = { api: api.url, adminKey: api.adminKey };
    const signIn = (email: string, password: string) =>
      api.call('POST', '/v1/sessions', { body: { email, password } });
    const first = await ensureDemoPeople(endpoints, 'demo-first-password');
    expect(first.map((p) => [p.role, p.email])).toEqual(DEMO_PEOPLE.map((p) => [p.role, p.email]));
    const haoDat = (await all('/v1/cooperatives?q=Hao%20Dat')).find((c) => c.name === 'HTX chè Hảo Đạt');
    const users = await all('/v1/users');
    const staff = users.find((u) => u.email === DEMO_PEOPLE[2].email);
    expect(staff).toMatchObject({ role: 'cooperative', cooperativeId: haoDat.id, disabled: false });
    for (const person of DEMO_PEOPLE) {
      expect((await signIn(person.email, 'demo-first-password')).status).toBe(201);
    }
    // someone disabled the officer and demoted the staff member between runs
    const officer = users.find((u) => u.email === DEMO_PEOPLE[1].email);
    await api.call('PATCH', `/v1/users/${officer.id}`, { key: api.adminKey, body: { disabled: true } });
    await api.call('PATCH', `/v1/users/${staff.id}`, { key: api.adminKey, body: { role: 'officer' } });

    await ensureDemoPeople(endpoints, 'demo-second-password');
    for (const person of DEMO_PEOPLE) {
      expect((await signIn(person.email, 'demo-first-password')).status).toBe(401);
      const res = await signIn(person.email, 'demo-second-password');
      expect(res.status).toBe(201);
      expect(res.body.user).toMatchObject({ role: person.role, disabled: false });
    }
    expect((await all('/v1/users')).filter((u) => DEMO_PEOPLE.some((p) => p.email === u.email))).toHaveLength(
      3,
    );
    const again = (await all('/v1/users')).find((u) => u.email === DEMO_PEOPLE[2].email);
    expect(again.cooperativeId).toBe(haoDat.id);
  });
});
