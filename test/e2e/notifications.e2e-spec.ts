import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { getQueueToken } from '@nestjs/bullmq';
import type { INestApplicationContext } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { SMTPServer } from 'smtp-server';
import { DataSource } from 'typeorm';
import { addDays, addMonths, vietnamDate } from '@ocop/common';
import { QUEUES } from '@ocop/jobs';
import { CertificateExpiryNotices, EXPIRY_NOTICES_JOB } from '@ocop/notifications';
import { validUntil } from '@ocop/ocop';
import { type Answer, type RunningApi, startApi } from '../support/api';
import { fourStarAssessment, newCooperative, newKey, newProduct } from '../support/factories';
import { newPerson, signedIn } from '../support/people';
import { eventually, startWorker } from '../support/worker';

/**
 * Issue 15, "Notices", and its second acceptance bullet: a certificate expiring in 29 days
 * produces exactly one notice to the producer's people and to each officer — in the app, and one
 * e-mail each in an SMTP sink — even when the nightly job runs twice and the worker restarts in
 * between; then the routes of the bell, as people and as what they may not do.
 */

interface Mail {
  to: string[];
  raw: string;
}

/** An SMTP server in this process that keeps what it receives. */
async function startSmtpSink(): Promise<{ url: string; mails: Mail[]; close: () => Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A quoted-printable body as text (nodemailer's encoding of non-ASCII text). */
function quotedPrintable(raw: string): string {
  const joined = raw.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i += 1) {
    const hex = joined[i] === '=' ? /^[0-9A-F]{2}/.exec(joined.slice(i + 1, i + 3)) : null;
    if (hex) {
      bytes.push(parseInt(hex[0], 16));
      i += 2;
    } else bytes.push(...Buffer.from(joined[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** A decision date whose certificate's last day is `lastDay` (36 months of validity). */
function decidedFor(lastDay: string): string {
  const decided = addMonths(addDays(lastDay, 1), -36);
  if (validUntil(decided, 36) !== lastDay) throw new Error(`no decision date ends on ${lastDay}`);
  return decided;
}

describe('notices: the nightly certificate notices, their e-mails, and the bell’s routes', () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;
  let api: RunningApi;
  let worker: INestApplicationContext | undefined;
  let officerKey: string;
  let coop: Awaited<ReturnType<typeof newCooperative>>;
  let queue: Queue;
  const people = {} as Record<
    'staff' | 'officer1' | 'officer2' | 'admin' | 'otherStaff',
    { id: string; email: string }
  >;
  const sessions = {} as Record<'staff' | 'officer1', { cookie: string; csrf: string }>;
  let certificateId: string;

  const as = (
    session: { cookie: string; csrf: string },
    method: string,
    path: string,
    csrf: string | null = session.csrf,
  ): Promise<Answer> =>
    api.call(method, path, {
      headers: { cookie: session.cookie, ...(csrf === null ? {} : { 'x-csrf-token': csrf }) },
    });

  /** Runs the nightly job now, as its schedule would, and waits until a worker has finished it. */
  const runNightly = async (jobId: string) => {
    await queue.add(EXPIRY_NOTICES_JOB, {}, { jobId });
    await eventually(async () => (await queue.getJobState(jobId)) === 'completed', 30_000);
  };
  const rows = async (subject: string) =>
    (await api.app
      .get(DataSource)
      .query(
        `SELECT recipient_id, email_status FROM notifications WHERE subject = $1 ORDER BY recipient_id`,
        [subject],
      )) as { recipient_id: string; email_status: string }[];

  beforeAll(async () => {
    sink = await startSmtpSink();
    api = await startApi({ SMTP_URL: sink.url });
    queue = api.app.get<Queue>(getQueueToken(QUEUES.notifications));
    officerKey = await newKey(api, 'officer');
    coop = await newCooperative(api);
    const other = await newCooperative(api);
    people.staff = await newPerson(api, 'cooperative', coop.id);
    people.otherStaff = await newPerson(api, 'cooperative', other.id);
    people.officer1 = await newPerson(api, 'officer');
    people.officer2 = await newPerson(api, 'officer');
    people.admin = await newPerson(api, 'admin');
    sessions.staff = await signedIn(api, people.staff.email);
    sessions.officer1 = await signedIn(api, people.officer1.email);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await sink?.close();
  });

  it('a certificate expiring in 29 days: one notice and one e-mail to each, however often the job runs', async () => {
    const today = vietnamDate(new Date());
    const product = await newProduct(api, coop, { name: 'Chè búp Tân Cương' });
    const record = async (productId: string, lastDay: string) => {
      const res = await api.call('POST', `/v1/products/${productId}/ocop-assessments`, {
        key: officerKey,
        body: fourStarAssessment(decidedFor(lastDay)),
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ stars: 4, status: 'active', validUntil: lastDay });
      return res.body.id as string;
    };
    certificateId = await record(product.id, addDays(today, 29));
    // 40 days ahead: outside the window, no notice yet
    const later = await record((await newProduct(api, coop)).id, addDays(today, 40));

    worker = await startWorker({ SMTP_URL: sink.url });
    await runNightly(`nightly-${randomUUID()}`);
    const expected = [people.staff.id, people.officer1.id, people.officer2.id].sort();
    const subject = `certificate-expiring:${certificateId}`;
    expect((await rows(subject)).map((r) => r.recipient_id)).toEqual(expected);
    await eventually(async () => (await rows(subject)).every((r) => r.email_status === 'sent'));

    // the worker restarts, and the job runs a second time
    await worker.close();
    worker = await startWorker({ SMTP_URL: sink.url });
    await runNightly(`nightly-${randomUUID()}`);
    expect((await rows(subject)).map((r) => r.recipient_id)).toEqual(expected);
    expect(await rows(`certificate-expiring:${later}`)).toEqual([]);

    // in the app: exactly one notice each, naming the product, producer, stars and last day
    for (const session of [sessions.staff, sessions.officer1]) {
      const listed = await as(session, 'GET', '/v1/notifications?limit=200');
      expect(listed.status).toBe(200);
      const about = listed.body.items.filter((n: { subject: string }) => n.subject === subject);
      expect(about).toHaveLength(1);
      expect(about[0]).toMatchObject({
        kind: 'certificate_expiring',
        link: `#/certificates/${certificateId}`,
        readAt: null,
        emailStatus: 'sent',
      });
      expect(about[0].body).toContain('Chè búp Tân Cương');
      expect(about[0].body).toContain(coop.body.name);
      expect(about[0].body).toContain('4★');
      const [y, m, d] = addDays(today, 29).split('-');
      expect(about[0].body).toContain(`${d}/${m}/${y}`);
    }

    // by e-mail: one each, to each person's address, with the notice's own Message-ID
    const about = sink.mails.filter((mail) => quotedPrintable(mail.raw).includes(certificateId));
    expect(
      about
        .map((mail) => mail.to)
        .flat()
        .sort(),
    ).toEqual([people.staff.email, people.officer1.email, people.officer2.email].sort());
    for (const mail of about) {
      expect(mail.raw).toMatch(/^Message-ID: <notice-[0-9a-f-]{36}@127\.0\.0\.1>$/im);
      expect(quotedPrintable(mail.raw)).toContain('Chè búp Tân Cương');
    }
    expect(new Set(about.map((mail) => /^Message-ID: (.*)$/im.exec(mail.raw)![1])).size).toBe(3);
  });

  it('an e-mail whose job was lost is sent by the next worker as it starts', async () => {
    await worker!.close();
    worker = undefined;
    const product = await newProduct(api, coop, { name: 'Miến dong Việt Cường' });
    const today = vietnamDate(new Date());
    const res = await api.call('POST', `/v1/products/${product.id}/ocop-assessments`, {
      key: officerKey,
      body: fourStarAssessment(decidedFor(addDays(today, 10))),
    });
    expect(res.status).toBe(201);
    // the API process writes the notices (as a worker would) while no worker runs, and Redis
    // forgets the job that would have sent their e-mails at once
    expect(await api.app.get(CertificateExpiryNotices).run()).toBe(3);
    await queue.drain(true);
    const subject = `certificate-expiring:${res.body.id}`;
    expect((await rows(subject)).map((r) => r.email_status)).toEqual(['pending', 'pending', 'pending']);

    worker = await startWorker({ SMTP_URL: sink.url });
    await eventually(async () => (await rows(subject)).every((r) => r.email_status === 'sent'), 20_000);
    const sent = sink.mails.filter((mail) => quotedPrintable(mail.raw).includes(res.body.id));
    expect(sent).toHaveLength(3);
  });

  it('lists a person’s own notices newest first, unread ones alone, and marks one read once', async () => {
    const list = await as(sessions.staff, 'GET', '/v1/notifications?limit=1');
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(1);
    expect(list.body.nextCursor).toEqual(expect.any(String));
    const next = await as(sessions.staff, 'GET', `/v1/notifications?limit=1&cursor=${list.body.nextCursor}`);
    expect(next.body.items).toHaveLength(1);
    expect(next.body.items[0].createdAt <= list.body.items[0].createdAt).toBe(true);
    expect(next.body.items[0].id).not.toBe(list.body.items[0].id);

    const count = async () => (await as(sessions.staff, 'GET', '/v1/notifications/unread-count')).body.count;
    expect(await count()).toBe(2);
    const notice = list.body.items[0];
    // API.md: 204, no body; the notice's readAt is read back from the list
    const readAtOf = async (id: string) =>
      (await as(sessions.staff, 'GET', '/v1/notifications?limit=200')).body.items.find(
        (n: { id: string }) => n.id === id,
      ).readAt as string | null;
    const read = await as(sessions.staff, 'POST', `/v1/notifications/${notice.id}/read`);
    expect(read.status).toBe(204);
    expect(read.text).toBe('');
    const firstReading = await readAtOf(notice.id);
    expect(firstReading).toEqual(expect.any(String));
    // idempotent: read again, the first reading's time stays
    const again = await as(sessions.staff, 'POST', `/v1/notifications/${notice.id}/read`);
    expect(again.status).toBe(204);
    expect(await readAtOf(notice.id)).toBe(firstReading);
    expect(await count()).toBe(1);
    const unread = await as(sessions.staff, 'GET', '/v1/notifications?unread=true');
    expect(unread.body.items.map((n: { id: string }) => n.id)).not.toContain(notice.id);
    expect(unread.body.items).toHaveLength(1);

    // another person's notice is not found, and stays unread for its owner
    const ofOfficer = (await as(sessions.officer1, 'GET', '/v1/notifications?unread=true')).body.items[0];
    expect((await as(sessions.staff, 'POST', `/v1/notifications/${ofOfficer.id}/read`)).status).toBe(404);
    expect((await as(sessions.officer1, 'GET', '/v1/notifications/unread-count')).body.count).toBe(2);
    // the producer's other people and producers hear nothing of it
    const otherStaff = await signedIn(api, people.otherStaff.email);
    expect((await as(otherStaff, 'GET', '/v1/notifications')).body).toEqual({ items: [], nextCursor: null });
    const admin = await signedIn(api, people.admin.email);
    expect((await as(admin, 'GET', '/v1/notifications/unread-count')).body.count).toBe(0);
  });

  it('refuses what is not a person’s own business, in the error shape', async () => {
    // an API key has no notices
    for (const [method, path] of [
      ['GET', '/v1/notifications'],
      ['GET', '/v1/notifications/unread-count'],
      ['POST', `/v1/notifications/${randomUUID()}/read`],
    ] as const) {
      const res = await api.call(method, path, { key: officerKey });
      expect(res.status).toBe(403);
      expect(res.body.error.message).toMatch(/API key has none/);
    }
    // a cookie write without its CSRF token
    const notice = (await as(sessions.officer1, 'GET', '/v1/notifications?unread=true')).body.items[0];
    const noToken = await as(sessions.officer1, 'POST', `/v1/notifications/${notice.id}/read`, null);
    expect(noToken.status).toBe(403);
    expect(noToken.body.error.code).toBe('forbidden');
    expect((await as(sessions.officer1, 'GET', `/v1/notifications?unread=true`)).body.items[0].id).toBe(
      notice.id,
    );
    // bad input
    expect((await as(sessions.officer1, 'GET', '/v1/notifications?unread=yes')).status).toBe(400);
    expect((await as(sessions.officer1, 'GET', '/v1/notifications?cursor=forged')).status).toBe(400);
    expect((await as(sessions.officer1, 'POST', '/v1/notifications/not-a-uuid/read')).status).toBe(404);
    expect((await api.call('GET', '/v1/notifications')).status).toBe(401);

    // encoded paths around a real id: never that notice read, never a 5xx, always the error shape
    for (const path of [
      `/v1/notifications/..%2F${notice.id}/read`,
      `/v1/notifications/%2e%2e/${notice.id}/read`,
      `/v1/notifications/${notice.id}%2Fread`,
      `/v1/notifications/%7B${notice.id}%7D/read`,
      `/v1/notifications/${'a'.repeat(5000)}/read`,
    ]) {
      const res = await as(sessions.officer1, 'POST', path);
      expect([400, 404, 414]).toContain(res.status);
      expect(typeof res.body.error.code).toBe('string');
    }
    // another person's notice by its upper-cased id is still not theirs
    expect(
      (await as(sessions.staff, 'POST', `/v1/notifications/${notice.id.toUpperCase()}/read`)).status,
    ).toBe(404);
    expect((await as(sessions.officer1, 'GET', `/v1/notifications?unread=true`)).body.items[0].id).toBe(
      notice.id,
    );

    // the route reads no body: one that tries to set fields sets none, a hostile one is refused
    const withBody = (raw: string, contentType = 'application/json') =>
      api.call('POST', `/v1/notifications/${notice.id}/read`, {
        raw,
        headers: {
          cookie: sessions.officer1.cookie,
          'x-csrf-token': sessions.officer1.csrf,
          'content-type': contentType,
        },
      });
    const tooLong = await withBody(JSON.stringify({ note: 'x'.repeat(5 * 1024 * 1024) }));
    expect(tooLong.status).toBe(413);
    expect(typeof tooLong.body.error.code).toBe('string');
    const malformed = await withBody('{"readAt": ');
    expect(malformed.status).toBe(400);
    expect(typeof malformed.body.error.code).toBe('string');
    expect((await withBody('<notice/>', 'application/xml')).status).toBe(415);
    const forged = await withBody(
      JSON.stringify({ readAt: '2000-01-01T00:00:00.000Z', recipientId: people.staff.id, title: 'đã đổi' }),
    );
    expect(forged.status).toBe(204);
    const [row] = (await api.app
      .get(DataSource)
      .query(`SELECT recipient_id, title, read_at FROM notifications WHERE id = $1`, [notice.id])) as {
      recipient_id: string;
      title: string;
      read_at: Date;
    }[];
    expect(row.read_at.toISOString()).not.toBe('2000-01-01T00:00:00.000Z');
    expect(row.title).toBe(notice.title);
    expect({ recipient_id: row.recipient_id, title: row.title }).toEqual({
      recipient_id: people.officer1.id,
      title: notice.title,
    });
  });
});
