import { addDays, vietnamDate } from '@ocop/common';
import { loadReferenceData } from '../../config/reference-data';
import { RunningApi, startApi } from '../support/api';
import { fourStarAssessment, newCooperative, newKey, newProduct, uniqueCode } from '../support/factories';
import { newPerson, signedIn } from '../support/people';

/**
 * What the officers' workspace (issue 15) reads of the OCOP routes: certificates named by product,
 * producer and district, a district filter matched without accents, the rating rules' figures for
 * the assessment form, and the refusals its pages must show (another cooperative's certificate,
 * a cookie write without its CSRF token, hostile input).
 */
describe('OCOP certificates for the officers’ workspace', () => {
  let api: RunningApi;
  let officer: string;
  let daiTu: Awaited<ReturnType<typeof newCooperative>>;
  let phuLuong: Awaited<ReturnType<typeof newCooperative>>;
  let teaId: string;
  let honeyId: string;
  let teaCertificate: string;
  let honeyCertificate: string;
  const today = vietnamDate(new Date());
  const tag = uniqueCode('DT');

  const record = (productId: string, body: Record<string, unknown>, key = officer) =>
    api.call('POST', `/v1/products/${productId}/ocop-assessments`, {
      key,
      body: fourStarAssessment(addDays(today, -10), body),
    });

  beforeAll(async () => {
    api = await startApi();
    officer = await newKey(api, 'officer');
    daiTu = await newCooperative(api, { name: `HTX chè Đại Từ ${tag}`, district: 'Đại Từ' });
    phuLuong = await newCooperative(api, { name: `HTX ong Phú Lương ${tag}`, district: 'Phú Lương' });
    teaId = (await newProduct(api, daiTu, { name: `Chè búp Đại Từ ${tag}` })).id;
    honeyId = (await newProduct(api, phuLuong, { name: `Mật ong Phú Lương ${tag}`, category: 'honey' })).id;
    const tea = await record(teaId, {});
    expect(tea.status).toBe(201);
    teaCertificate = tea.body.id;
    const honey = await record(honeyId, {});
    expect(honey.status).toBe(201);
    honeyCertificate = honey.body.id;
  });
  afterAll(async () => {
    await api.close();
  });

  it('names the product, producer and district beside the ids, in the list and the single read', async () => {
    const one = await api.call('GET', `/v1/ocop-certificates/${teaCertificate}`, { key: officer });
    expect(one.status).toBe(200);
    expect(one.body).toMatchObject({
      productId: teaId,
      productName: `Chè búp Đại Từ ${tag}`,
      cooperativeId: daiTu.id,
      producerName: `HTX chè Đại Từ ${tag}`,
      district: 'Đại Từ',
      stars: 4,
      score: { total: 76 },
    });
    const list = await api.call('GET', '/v1/ocop-certificates?limit=200', { key: officer });
    const honey = list.body.items.find((c: { id: string }) => c.id === honeyCertificate);
    expect(honey).toMatchObject({ productName: `Mật ong Phú Lương ${tag}`, district: 'Phú Lương' });
    const history = await api.call('GET', `/v1/products/${teaId}/ocop-assessments`, { key: daiTu.key });
    expect(history.body.items[0]).toMatchObject({
      id: teaCertificate,
      producerName: `HTX chè Đại Từ ${tag}`,
    });
  });

  it('filters by the producer’s district without accents or case, beside the other filters', async () => {
    const ids = async (query: string) =>
      (await api.call('GET', `/v1/ocop-certificates?limit=200&${query}`, { key: officer })).body.items.map(
        (c: { id: string }) => c.id,
      );
    const daiTuOnly = await ids('district=dai%20TU');
    expect(daiTuOnly).toContain(teaCertificate);
    expect(daiTuOnly).not.toContain(honeyCertificate);
    expect(await ids('district=Ph%C3%BA%20L%C6%B0%C6%A1ng&stars=4&status=active')).toContain(
      honeyCertificate,
    );
    expect(await ids('district=Ph%C3%BA%20L%C6%B0%C6%A1ng&stars=5')).not.toContain(honeyCertificate);
    expect(await ids('district=Nowhere')).toEqual([]);
    // the producer filter and the district agree only on that producer's district
    expect(await ids(`district=Dai%20Tu&cooperativeId=${phuLuong.id}`)).toEqual([]);
    const expiring = await ids(`district=dai%20tu&expiringWithinDays=90`);
    expect(expiring).not.toContain(teaCertificate); // valid for three years
    const tooLong = await api.call('GET', `/v1/ocop-certificates?district=${'x'.repeat(101)}`, {
      key: officer,
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details[0].field).toBe('district');
  });

  it('gives any signed-in caller the rating rules’ figures, as config/reference holds them', async () => {
    const reference = loadReferenceData().ocop;
    const answer = await api.call('GET', '/v1/reference/ocop', { key: daiTu.key });
    expect(answer.status).toBe(200);
    expect(answer.body.scoreParts.map((p: { part: string; max: number }) => [p.part, p.max])).toEqual([
      ['partA', 40],
      ['partB', 25],
      ['partC', 35],
    ]);
    expect(answer.body).toEqual({
      scoreParts: reference.scoreParts,
      starBands: reference.starBands,
      levelRules: reference.levelRules,
      levels: reference.levels,
      validityMonths: reference.validityMonths,
      expiryNoticeDays: reference.expiryNoticeDays,
    });
    expect((await api.call('GET', '/v1/reference/ocop')).status).toBe(401);
  });

  it('never shows a cooperative another’s certificate', async () => {
    const theirs = await api.call('GET', `/v1/ocop-certificates/${honeyCertificate}`, { key: daiTu.key });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('not_found');
    const listed = await api.call('GET', `/v1/ocop-certificates?cooperativeId=${phuLuong.id}`, {
      key: daiTu.key,
    });
    expect(listed.body.items).toEqual([]);
    const byDistrict = await api.call('GET', '/v1/ocop-certificates?district=Phu%20Luong&limit=200', {
      key: daiTu.key,
    });
    expect(byDistrict.body.items).toEqual([]);
    const revoke = await api.call('POST', `/v1/ocop-certificates/${honeyCertificate}/revoke`, {
      key: daiTu.key,
      body: { reason: 'không phải của tôi' },
    });
    expect(revoke.status).toBe(403);
  });

  it('refuses a level that does not fit, a revoke without its CSRF token, and a reason too long', async () => {
    const mismatch = await record(teaId, { level: 'central' });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.message).toMatch(/recognised by a provincial People’s Committee/);

    const email = `${uniqueCode('canbo').toLowerCase()}@so-cong-thuong.example`;
    const password = 'mat-khau-can-bo-2026';
    const made = await api.call('POST', '/v1/users', {
      key: api.adminKey,
      body: { email, name: 'Trần Văn Minh', role: 'officer', password },
    });
    expect(made.status).toBe(201);
    const signedIn = await api.call('POST', '/v1/sessions', { body: { email, password } });
    const cookie = (signedIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = (await api.call('GET', '/v1/me', { headers: { cookie } })).body.csrfToken as string;
    const revoke = (body: unknown, headers: Record<string, string>) =>
      api.call('POST', `/v1/ocop-certificates/${teaCertificate}/revoke`, {
        body,
        headers: { cookie, ...headers },
      });

    const withoutToken = await revoke({ reason: 'Vi phạm ghi nhãn' }, {});
    expect(withoutToken.status).toBe(403);
    const tooLong = await revoke({ reason: 'x'.repeat(1001) }, { 'x-csrf-token': csrf });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details[0].field).toBe('reason');
    const blank = await revoke({ reason: '' }, { 'x-csrf-token': csrf });
    expect(blank.status).toBe(400);
    expect(
      (await api.call('GET', `/v1/ocop-certificates/${teaCertificate}`, { key: officer })).body.status,
    ).toBe('active');

    const revoked = await revoke({ reason: 'Vi phạm ghi nhãn' }, { 'x-csrf-token': csrf });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({
      status: 'revoked',
      revokedReason: 'Vi phạm ghi nhãn',
      revokedBy: { name: 'Trần Văn Minh' },
      productName: `Chè búp Đại Từ ${tag}`,
    });
  });

  it('answers a producer’s cookie session on another’s certificate as if it did not exist', async () => {
    const staff = await newPerson(api, 'cooperative', daiTu.id);
    const { cookie, csrf } = await signedIn(api, staff.email);
    const theirs = await api.call('GET', `/v1/ocop-certificates/${honeyCertificate.toUpperCase()}`, {
      headers: { cookie },
    });
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('not_found');
    const history = await api.call('GET', `/v1/products/${honeyId}/ocop-assessments`, {
      headers: { cookie },
    });
    expect(history.status).toBe(404);
    const own = await api.call('GET', `/v1/ocop-certificates?cooperativeId=${phuLuong.id}&limit=200`, {
      headers: { cookie },
    });
    expect(own.status).toBe(200);
    expect(own.body.items).toEqual([]);
    const revoke = await api.call('POST', `/v1/ocop-certificates/${honeyCertificate}/revoke`, {
      headers: { cookie, 'x-csrf-token': csrf },
      body: { reason: 'không phải của tôi' },
    });
    expect(revoke.status).toBe(403);
  });

  it('answers ids that cannot be a certificate’s 404, and hostile revokes and districts 400', async () => {
    for (const id of ['not-a-uuid', '%2e%2e', '..%2F..%2Fproducts', '00000000-0000-0000-0000-000000000000']) {
      const read = await api.call('GET', `/v1/ocop-certificates/${id}`, { key: officer });
      expect([id, read.status, read.body?.error?.code]).toEqual([id, 404, 'not_found']);
      const revoke = await api.call('POST', `/v1/ocop-certificates/${id}/revoke`, {
        key: officer,
        body: { reason: 'Vi phạm ghi nhãn' },
      });
      expect([id, revoke.status]).toEqual([id, 404]);
    }
    // a NUL anywhere in a request is refused before routing, as everywhere in the API
    const nul = await api.call('GET', `/v1/ocop-certificates/${honeyCertificate}%00`, { key: officer });
    expect(nul.status).toBe(400);
    const revoke = (body: unknown) =>
      api.call('POST', `/v1/ocop-certificates/${honeyCertificate}/revoke`, { key: officer, body });
    for (const body of [
      { reason: 123 },
      { reason: ['Vi phạm'] },
      { reason: null },
      {},
      { reason: 'Vi phạm ghi nhãn', status: 'active' },
      { reason: 'Vi phạm\u0000ghi nhãn' },
      ['Vi phạm ghi nhãn'],
    ]) {
      const refused = await revoke(body);
      expect([body, refused.status]).toEqual([body, 400]);
    }
    expect(
      (await api.call('GET', `/v1/ocop-certificates/${honeyCertificate}`, { key: officer })).body.status,
    ).toBe('active');

    const list = (query: string) => api.call('GET', `/v1/ocop-certificates?${query}`, { key: officer });
    for (const query of ['district=Dai%20Tu&district=Phu%20Luong', 'district[]=Dai%20Tu', 'district=%00']) {
      const refused = await list(query);
      expect([query, refused.status, refused.body.error?.details?.[0]?.field]).toEqual([
        query,
        400,
        expect.stringMatching(/^district/), // `district[]` is no field of the list's
      ]);
    }
    for (const query of ["district='%20OR%20'1'%3D'1", 'district=%25', 'district=%5C', 'district=']) {
      const answered = await list(`${query}&limit=200`);
      expect([query, answered.status, answered.body.items]).toEqual([query, 200, []]);
    }
  });
});
