import { randomUUID } from 'node:crypto';
import { UsersService } from '@ocop/auth';
import { EVERYTHING } from '@ocop/common';
import type { Marketplace } from '@ocop/marketplaces';
import { NotificationsModule } from '@ocop/notifications';
import { DeadWebhooks } from '@ocop/orders';
import { type Services, startServices } from '../../support/services';
import { marketplaceOrder, minute, newOrderId } from '../orders/support';

/**
 * What makes a notice besides the nightly certificate job (that one is in
 * test/e2e/notifications.e2e-spec.ts, with the worker): a shop turning auth_failed, an order
 * turning oversold, webhooks going dead. The real services of the contexts that publish, with the
 * notifications module loaded as the API and the worker load it; each case reads the notices the
 * transaction of its cause wrote, and who got them.
 */
describe('notices written in the transaction of their cause', () => {
  let services: Services;
  let users: UsersService;
  let producer: string;
  let otherProducer: string;
  const people = {} as Record<'staff' | 'otherStaff' | 'officer' | 'admin' | 'disabledAdmin', string>;

  const newPerson = async (role: 'admin' | 'officer' | 'cooperative', cooperativeId?: string) =>
    (
      await users.create({
        email: `nguoi-${randomUUID().slice(0, 8)}@example.vn`,
        name: `Người nhận ${role}`,
        role,
        cooperativeId,
        password: 'mật-khẩu-đủ-dài-2026',
      })
    ).id;

  /** Every notice, by kind, with its recipient: the whole table of this file's own database. */
  const notices = async (kind: string) =>
    (
      await services.dataSource.query(
        `SELECT recipient_id, subject, title, body, link, email_status, read_at FROM notifications
          WHERE kind = $1 ORDER BY created_at, recipient_id`,
        [kind],
      )
    ).map((row: Record<string, unknown>) => ({
      recipient: row.recipient_id,
      subject: row.subject,
      title: row.title,
      body: row.body,
      link: row.link,
      emailStatus: row.email_status,
    }));

  beforeAll(async () => {
    services = await startServices({ also: [NotificationsModule] });
    users = services.module.get(UsersService);
    producer = await services.newCooperative();
    otherProducer = await services.newCooperative();
    people.staff = await newPerson('cooperative', producer);
    people.otherStaff = await newPerson('cooperative', otherProducer);
    people.officer = await newPerson('officer');
    people.admin = await newPerson('admin');
    people.disabledAdmin = await newPerson('admin');
    await users.update(people.disabledAdmin, { disabled: true });
  });
  afterAll(async () => {
    await services?.close();
  });

  it('a shop whose credentials are refused: its producer’s people, once per episode', async () => {
    const shop = await services.connect(producer, 'voso');
    // what a job that called the marketplace held: the refusal is about these credentials
    const refused = await services.connections.access(shop.id);
    await services.connections.markAuthFailed(refused, 'sai mật khẩu');
    // the next refusal of the same episode (the sync engine, an order poll) tells nobody again
    await services.connections.markAuthFailed(refused, 'sai mật khẩu');
    let written = await notices('connection_auth_failed');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      recipient: people.staff,
      link: '#/connections',
      // no SMTP_URL in this suite's settings: nothing to e-mail
      emailStatus: 'none',
    });
    expect(written[0].body).toContain('sai mật khẩu');

    // it recovers (new credentials, or a check the marketplace accepts), then fails again
    await services.connections.update(EVERYTHING, shop.id, { status: 'active' }, null);
    await services.connections.markAuthFailed(refused, 'tài khoản bị khóa');
    written = await notices('connection_auth_failed');
    expect(written.map((n: { recipient: string }) => n.recipient)).toEqual([people.staff, people.staff]);
    expect(new Set(written.map((n: { subject: string }) => n.subject)).size).toBe(2);
    expect(written[1].body).toContain('tài khoản bị khóa');
  });

  it('an order the stock cannot cover: its producer’s people, once per order', async () => {
    const shop = await services.connect(producer, 'sendo');
    const source = { connectionId: shop.id, cooperativeId: producer, marketplace: 'sendo' as Marketplace };
    const { skus } = await services.newProduct(producer, [{ onHand: 2 }, { onHand: 10 }]);
    const id = newOrderId('sendo');
    const placed = await services.imports.import(
      source,
      marketplaceOrder('sendo', id, 'pending', minute(0), [{ code: skus[0].code, quantity: 3 }]),
      'webhook',
    );
    expect(placed.order.oversold).toBe(true);
    // a later state of the same order, still short: no second notice
    await services.imports.import(
      source,
      marketplaceOrder('sendo', id, 'confirmed', minute(5), [{ code: skus[0].code, quantity: 3 }]),
      'poll',
    );
    // an order the stock covers tells nobody
    await services.imports.import(
      source,
      marketplaceOrder('sendo', newOrderId('sendo'), 'pending', minute(1), [
        { code: skus[1].code, quantity: 1 },
      ]),
      'webhook',
    );
    const written = await notices('order_oversold');
    expect(written).toEqual([
      expect.objectContaining({
        recipient: people.staff,
        subject: `order-oversold:${placed.order.id}`,
        link: `#/orders/${placed.order.id}`,
      }),
    ]);
    expect(written[0].body).toContain(id);
  });

  it('webhooks set aside as dead: every admin who may sign in, once per marketplace and day', async () => {
    const shop = await services.connect(producer, 'postmart');
    const dead = services.module.get(DeadWebhooks, { strict: false });
    const maxAttempts = Number(process.env.INBOX_MAX_ATTEMPTS ?? 10);
    const dying = async () => {
      const externalOrderId = newOrderId('postmart');
      // a stored webhook that has failed all but its last attempt
      const [{ id }] = await services.dataSource.query(
        `INSERT INTO webhook_inbox (marketplace, event_id, connection_id, external_order_id, change, raw_body, attempts)
         VALUES ('postmart', $1, $2, $3, $4, '{}', $5) RETURNING id`,
        [randomUUID(), shop.id, externalOrderId, JSON.stringify({ externalOrderId }), maxAttempts - 1],
      );
      const entry = {
        id,
        attempts: maxAttempts - 1,
        marketplace: 'postmart' as Marketplace,
        connectionId: shop.id,
      };
      return dead.failed(entry, 'the marketplace does not know this order');
    };
    // a failure short of the last attempt tells nobody
    const { dead: notYet } = await dead.failed(
      { id: randomUUID(), attempts: 0, marketplace: 'postmart', connectionId: shop.id },
      'try again',
    );
    expect(notYet).toBe(false);
    expect(await notices('webhooks_dead')).toEqual([]);

    expect((await dying()).dead).toBe(true);
    expect((await dying()).dead).toBe(true);
    const written = await notices('webhooks_dead');
    expect(written.map((n: { recipient: string }) => n.recipient)).toEqual([people.admin]);
    expect(written[0]).toMatchObject({
      link: '#/sync',
      subject: expect.stringMatching(/^webhooks-dead:postmart:\d{4}-\d{2}-\d{2}$/),
    });
    // the rows are dead in the same change that told of them
    const rows = await services.dataSource.query(
      `SELECT count(*)::int AS n FROM webhook_inbox WHERE connection_id = $1 AND dead_at IS NOT NULL`,
      [shop.id],
    );
    expect(rows[0].n).toBe(2);
  });

  it('nobody outside the audience hears of another producer’s shop or orders', async () => {
    const all = await services.dataSource.query(`SELECT DISTINCT recipient_id FROM notifications`);
    const recipients = all.map((row: { recipient_id: string }) => row.recipient_id).sort();
    expect(recipients).toEqual([people.staff, people.admin].sort());
    expect(recipients).not.toContain(people.otherStaff);
    expect(recipients).not.toContain(people.officer);
    expect(recipients).not.toContain(people.disabledAdmin);
  });
});
