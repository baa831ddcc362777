import type { INestApplicationContext } from '@nestjs/common';
import { getQueueToken } from '@nestjs/bullmq';
import type { Queue, QueueEvents } from 'bullmq';
import { QueueEvents as BullQueueEvents } from 'bullmq';
import { DataSource } from 'typeorm';
import { addDays, addMonths, Clock, vietnamDate } from '@ocop/common';
import { Outbox } from '@ocop/database';
import { CertificatesService, validUntil } from '@ocop/ocop';
import { QUEUES } from '@ocop/jobs';
import { RunningApi, startApi } from '../support/api';
import { newCooperative, newKey, newProduct } from '../support/factories';
import { startWorker } from '../support/worker';

const today = () => vietnamDate(new Date());

/** A decision date whose certificate's last day is `today + days`. */
function decidedFor(lastDay: string): string {
  const guess = addMonths(addDays(lastDay, 1), -36);
  if (validUntil(guess, 36) !== lastDay) throw new Error(`no decision date ends on ${lastDay}`);
  return guess;
}

function levelFor(stars: number, decidedAt: string): string {
  if (stars === 5) return 'central';
  if (stars === 4) return 'province';
  return decidedAt < '2025-07-06' ? 'district' : 'province';
}

const assessment = (stars: 3 | 4 | 5, decidedAt: string, extra: Record<string, unknown> = {}) => {
  const parts = { 3: [24, 15, 21], 4: [32, 20, 28], 5: [36.3, 22.86, 31.7] }[stars];
  return {
    partA: parts[0],
    partB: parts[1],
    partC: parts[2],
    mandatoryCriteriaMet: true,
    level: levelFor(stars, decidedAt),
    decisionNo: `${Math.floor(Math.random() * 9000) + 1000}/QĐ-UBND`,
    decidedAt,
    ...extra,
  };
};

describe('OCOP ratings: assessments, certificates, expiry and revocation', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;
  let officer: string;
  let coop: Awaited<ReturnType<typeof newCooperative>>;

  beforeAll(async () => {
    api = await startApi();
    worker = await startWorker();
    officer = await newKey(api, 'officer');
    coop = await newCooperative(api);
  });
  afterAll(async () => {
    await worker.close();
    await api.close();
  });

  const record = (productId: string, body: unknown, key = officer) =>
    api.call('POST', `/v1/products/${productId}/ocop-assessments`, { key, body });
  const events = async (aggregateId: string) =>
    (await api.app.get(Outbox).history(api.app.get(DataSource).manager, aggregateId)).map((e) => e.type);

  it('records a certificate: the service computes total and stars, the product shows its badge', async () => {
    const product = await newProduct(api, coop);
    const res = await record(product.id, assessment(5, '2024-03-15'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      productId: product.id,
      cooperativeId: coop.id,
      score: { partA: 36.3, partB: 22.86, partC: 31.7, total: 90.86 },
      stars: 5,
      level: 'central',
      decidedAt: '2024-03-15',
      validUntil: '2027-03-14',
      status: 'active',
      revokedReason: null,
    });
    const withBadge = await api.call('GET', `/v1/products/${product.id}`, { key: coop.key });
    expect(withBadge.body.ocop).toEqual({ certificateId: res.body.id, stars: 5, validUntil: '2027-03-14' });
    const fiveStars = await api.call('GET', `/v1/products?cooperativeId=${coop.id}&stars=5`, {
      key: officer,
    });
    expect(fiveStars.body.items.map((p: any) => p.id)).toEqual([product.id]);
    expect(await events(res.body.id)).toEqual(['ocop.certificate.activated']);
  });

  it('never takes the total or the stars from the client', async () => {
    const product = await newProduct(api, coop);
    for (const extra of [{ total: 99 }, { stars: 5 }]) {
      const res = await record(product.id, assessment(3, '2024-01-10', extra));
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('checks each part against its maximum and refuses three decimals', async () => {
    const product = await newProduct(api, coop);
    const atMax = await record(product.id, {
      ...assessment(5, '2024-05-01'),
      partA: 40,
      partB: 25,
      partC: 35,
    });
    expect(atMax.status).toBe(201);
    expect(atMax.body.score.total).toBe(100);
    for (const [field, value] of [
      ['partA', 40.01],
      ['partB', 25.01],
      ['partC', 35.01],
      ['partA', -1],
    ] as const) {
      const res = await record(product.id, { ...assessment(4, '2024-05-01'), [field]: value });
      expect(res.status).toBe(400);
      expect(res.body.error.details.map((d: any) => d.field)).toContain(field);
    }
    const threeDecimals = await record(product.id, { ...assessment(4, '2024-05-01'), partA: 30.125 });
    expect(threeDecimals.status).toBe(400);
    expect(threeDecimals.body.error.details[0].field).toBe('partA');
    const badDate = await record(product.id, assessment(4, '2025-02-30'));
    expect(badDate.status).toBe(400);
    const future = await record(product.id, assessment(4, addDays(today(), 2)));
    expect(future.status).toBe(400);
  });

  it('applies who recognises what, by stars and decision date', async () => {
    const product = await newProduct(api, coop);
    const before = await record(product.id, { ...assessment(3, '2025-07-05'), level: 'district' });
    expect(before.status).toBe(201);
    const after = await record(product.id, { ...assessment(3, '2025-07-06'), level: 'district' });
    expect(after.status).toBe(422);
    expect(after.body.error.code).toBe('rule_violation');
    expect(after.body.error.message).toMatch(/provincial People’s Committee/);
    const provinceFive = await record(product.id, { ...assessment(5, '2025-08-01'), level: 'province' });
    expect(provinceFive.status).toBe(422);
    const centralFive = await record(product.id, { ...assessment(5, '2025-08-01'), level: 'central' });
    expect(centralFive.status).toBe(201);
  });

  it('keeps assessments below 3 stars or with mandatory criteria unmet as not_certified history', async () => {
    const product = await newProduct(api, coop);
    const low = await record(product.id, { ...assessment(3, '2024-06-01'), partA: 20, partB: 10, partC: 15 });
    expect(low.status).toBe(201);
    expect(low.body).toMatchObject({ stars: 2, status: 'not_certified', validUntil: null });
    const unmet = await record(product.id, { ...assessment(4, '2024-06-01'), mandatoryCriteriaMet: false });
    expect(unmet.body).toMatchObject({ stars: 4, status: 'not_certified', validUntil: null });
    const read = await api.call('GET', `/v1/products/${product.id}`, { key: coop.key });
    expect(read.body.ocop).toBeNull();
    const history = await api.call('GET', `/v1/products/${product.id}/ocop-assessments`, { key: coop.key });
    expect(history.body.items).toHaveLength(2);
    expect(await events(low.body.id)).toEqual([]);
  });

  it('computes validity: 2023-04-10 → 2026-04-09 (already expired), 2024-02-29 → 2027-02-28', async () => {
    const old = await record((await newProduct(api, coop)).id, assessment(4, '2023-04-10'));
    expect(old.body).toMatchObject({ validUntil: '2026-04-09', status: 'expired' });
    const leap = await record((await newProduct(api, coop)).id, assessment(4, '2024-02-29'));
    expect(leap.body).toMatchObject({ validUntil: '2027-02-28', status: 'active' });
  });

  it('reads expired the day after validUntil, before any job ran; the nightly job persists it once', async () => {
    const product = await newProduct(api, coop);
    const lastDay = today();
    const cert = await record(product.id, assessment(4, decidedFor(lastDay)));
    expect(cert.body).toMatchObject({ validUntil: lastDay, status: 'active' });

    const apiClock = api.app.get(Clock);
    const workerClock = worker.get(Clock);
    const tomorrow = new Date(Date.now() + 24 * 3600 * 1000);
    const realNow = apiClock.now;
    apiClock.now = () => tomorrow;
    workerClock.now = () => tomorrow;
    try {
      const read = await api.call('GET', `/v1/ocop-certificates/${cert.body.id}`, { key: officer });
      expect(read.body.status).toBe('expired');
      const productRead = await api.call('GET', `/v1/products/${product.id}`, { key: officer });
      expect(productRead.body.ocop).toBeNull();
      const stars = await api.call('GET', `/v1/products?cooperativeId=${coop.id}&stars=4&limit=200`, {
        key: officer,
      });
      expect(stars.body.items.map((p: any) => p.id)).not.toContain(product.id);
      expect(await events(cert.body.id)).toEqual(['ocop.certificate.activated']);

      // the nightly job, through the real queue and worker
      const queue = worker.get<Queue>(getQueueToken(QUEUES.ocopCertificates));
      const queueEvents: QueueEvents = new BullQueueEvents(QUEUES.ocopCertificates, {
        connection: queue.opts.connection,
        prefix: queue.opts.prefix,
      });
      await queueEvents.waitUntilReady();
      try {
        for (let run = 0; run < 2; run += 1) {
          const job = await queue.add('persist-expiries', {});
          await job.waitUntilFinished(queueEvents, 15_000);
        }
      } finally {
        await queueEvents.close();
      }
      expect(await events(cert.body.id)).toEqual([
        'ocop.certificate.activated',
        'ocop.certificate.deactivated',
      ]);
    } finally {
      apiClock.now = realNow;
      workerClock.now = realNow;
    }
    const [stored] = await api.app
      .get(DataSource)
      .query(`SELECT status FROM ocop_assessments WHERE id = $1`, [cert.body.id]);
    expect(stored.status).toBe('expired');
  });

  it('supersedes the active certificate on re-assessment, with one event each way', async () => {
    const product = await newProduct(api, coop);
    const first = await record(product.id, assessment(3, '2024-01-15'));
    const second = await record(product.id, assessment(4, '2025-03-01'));
    expect(second.body.status).toBe('active');
    const firstNow = await api.call('GET', `/v1/ocop-certificates/${first.body.id}`, { key: officer });
    expect(firstNow.body).toMatchObject({ status: 'superseded', supersededBy: second.body.id });
    const read = await api.call('GET', `/v1/products/${product.id}`, { key: coop.key });
    expect(read.body.ocop).toMatchObject({ certificateId: second.body.id, stars: 4 });
    expect(await events(first.body.id)).toEqual([
      'ocop.certificate.activated',
      'ocop.certificate.deactivated',
    ]);
    expect(await events(second.body.id)).toEqual(['ocop.certificate.activated']);

    // an older decision recorded late is history, not a new active certificate
    const late = await record(product.id, assessment(3, '2024-06-01'));
    expect(late.body).toMatchObject({ status: 'superseded', supersededBy: second.body.id });
    expect(await events(late.body.id)).toEqual([]);
    const history = await api.call('GET', `/v1/products/${product.id}/ocop-assessments`, { key: coop.key });
    expect(history.body.items.map((a: any) => a.decidedAt)).toEqual([
      '2025-03-01',
      '2024-06-01',
      '2024-01-15',
    ]);
  });

  it('records who recorded a decision and who revoked it, as named then; nobody for the connector', async () => {
    const product = await newProduct(api, coop);
    const cert = await record(product.id, assessment(4, '2024-09-09'));
    expect(cert.body).toMatchObject({
      recordedBy: { kind: 'key', id: expect.any(String), name: expect.any(String) },
      revokedBy: null,
    });
    const revoked = await api.call('POST', `/v1/ocop-certificates/${cert.body.id}/revoke`, {
      key: api.adminKey,
      body: { reason: 'Vi phạm quy định ghi nhãn hàng hóa' },
    });
    expect(revoked.body).toMatchObject({
      recordedBy: cert.body.recordedBy,
      revokedBy: { kind: 'key', id: '00000000-0000-0000-0000-000000000000', name: 'ADMIN_API_KEY' },
    });
    // the demo seed's decisions are the connector's own
    const seeded = await api.app
      .get(CertificatesService)
      .record({}, product.id, { ...assessment(3, '2025-01-10'), level: 'district' }, null);
    expect(seeded).toMatchObject({ recordedBy: null, revokedBy: null });
  });

  it('revokes with a reason: the badge goes, the event is recorded once, and a second revoke is refused', async () => {
    const product = await newProduct(api, coop);
    const cert = await record(product.id, assessment(4, '2024-09-09'));
    const revoked = await api.call('POST', `/v1/ocop-certificates/${cert.body.id}/revoke`, {
      key: officer,
      body: { reason: 'Vi phạm quy định ghi nhãn hàng hóa' },
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({
      status: 'revoked',
      revokedReason: 'Vi phạm quy định ghi nhãn hàng hóa',
    });
    const read = await api.call('GET', `/v1/products/${product.id}`, { key: coop.key });
    expect(read.body.ocop).toBeNull();
    const again = await api.call('POST', `/v1/ocop-certificates/${cert.body.id}/revoke`, {
      key: officer,
      body: { reason: 'again' },
    });
    expect(again.status).toBe(409);
    const noReason = await api.call('POST', `/v1/ocop-certificates/${cert.body.id}/revoke`, {
      key: officer,
      body: {},
    });
    expect(noReason.status).toBe(400);
    expect(await events(cert.body.id)).toEqual([
      'ocop.certificate.activated',
      'ocop.certificate.deactivated',
    ]);
  });

  it('lets a cooperative read only its own certificates, and never record or revoke', async () => {
    const other = await newCooperative(api);
    const mine = await newProduct(api, coop);
    const theirs = await newProduct(api, other);
    const myCert = await record(mine.id, assessment(3, '2024-02-02'));
    const theirCert = await record(theirs.id, assessment(3, '2024-02-02'));
    expect((await record(mine.id, assessment(3, '2024-02-03'), coop.key)).status).toBe(403);
    const revoke = await api.call('POST', `/v1/ocop-certificates/${myCert.body.id}/revoke`, {
      key: coop.key,
      body: { reason: 'x' },
    });
    expect(revoke.status).toBe(403);
    const list = await api.call('GET', '/v1/ocop-certificates?limit=200', { key: coop.key });
    expect(list.body.items.every((a: any) => a.cooperativeId === coop.id)).toBe(true);
    expect(list.body.items.map((a: any) => a.id)).toContain(myCert.body.id);
    expect(
      (await api.call('GET', `/v1/ocop-certificates/${theirCert.body.id}`, { key: coop.key })).status,
    ).toBe(404);
    expect(
      (await api.call('GET', `/v1/products/${theirs.id}/ocop-assessments`, { key: coop.key })).status,
    ).toBe(404);
    const officerList = await api.call('GET', `/v1/ocop-certificates?cooperativeId=${other.id}`, {
      key: officer,
    });
    expect(officerList.body.items.map((a: any) => a.id)).toEqual([theirCert.body.id]);
  });

  it('expiringWithinDays=30 returns exactly the active certificates ending in the next 30 days', async () => {
    const c = await newCooperative(api);
    const t = today();
    const make = async (lastDay: string) => {
      const product = await newProduct(api, c);
      const res = await record(product.id, assessment(4, decidedFor(lastDay)));
      expect(res.status).toBe(201);
      return res.body;
    };
    const endsToday = await make(t);
    const endsIn30 = await make(addDays(t, 30));
    await make(addDays(t, 31));
    const lapsed = await make(addDays(t, -1));
    expect(lapsed.status).toBe('expired');
    const revoked = await make(addDays(t, 10));
    await api.call('POST', `/v1/ocop-certificates/${revoked.id}/revoke`, {
      key: officer,
      body: { reason: 'x' },
    });
    const res = await api.call('GET', `/v1/ocop-certificates?cooperativeId=${c.id}&expiringWithinDays=30`, {
      key: officer,
    });
    expect(res.status).toBe(200);
    expect(res.body.items.map((a: any) => a.id).sort()).toEqual([endsToday.id, endsIn30.id].sort());
    const active = await api.call('GET', `/v1/ocop-certificates?cooperativeId=${c.id}&status=active`, {
      key: officer,
    });
    expect(active.body.items).toHaveLength(3);
    const expired = await api.call('GET', `/v1/ocop-certificates?cooperativeId=${c.id}&status=expired`, {
      key: officer,
    });
    expect(expired.body.items.map((a: any) => a.id)).toEqual([lapsed.id]);
    const bad = await api.call('GET', '/v1/ocop-certificates?status=golden', { key: officer });
    expect(bad.status).toBe(400);
  });
});
