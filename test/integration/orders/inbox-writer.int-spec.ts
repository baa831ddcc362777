import { randomUUID } from 'node:crypto';
import { ConnectorConfig } from '@ocop/common';
import { InboxWriter } from '../../../libs/orders/src/inbox-writer';
import type { NewInboxEntry } from '../../../libs/orders/src/webhook-inbox.repository';
import { WebhookInboxStore } from '../../../libs/orders/src/webhook-inbox.repository';
import { type Services, startServices } from '../../support/services';

/**
 * The inbox's group commit on the real PostgreSQL: requests arriving together are stored by one
 * statement, each answered with its own row or as a duplicate, whatever the group holds.
 */
describe('InboxWriter: group commit of received webhooks', () => {
  let services: Services;
  let writer: InboxWriter;

  beforeAll(async () => {
    services = await startServices();
    writer = services.module.get(InboxWriter, { strict: false });
  });
  afterAll(() => services?.close());

  const entry = (connectionId: string, eventId: string, change = '{"status":"pending"}'): NewInboxEntry => ({
    marketplace: 'voso',
    connectionId,
    eventId,
    externalOrderId: `VOSO-${eventId}`,
    change,
    rawBody: JSON.stringify({ EVENT_ID: eventId }),
  });

  async function rows(connectionId: string): Promise<{ id: string; event_id: string }[]> {
    return services.dataSource.query(
      `SELECT id, event_id FROM webhook_inbox WHERE connection_id = $1 ORDER BY event_id`,
      [connectionId],
    );
  }

  it('stores 100 concurrent deliveries of 30 events once each: one new answer per event, the rest duplicates', async () => {
    const connectionId = randomUUID();
    const deliveries = Array.from({ length: 100 }, (_, i) => entry(connectionId, `ev-${i % 30}`));
    const answers = await Promise.all(deliveries.map((d) => writer.store(d)));
    const stored = await rows(connectionId);
    expect(stored).toHaveLength(30);
    const newAnswers = answers.filter((id) => id !== undefined);
    expect(newAnswers).toHaveLength(30);
    // each new answer names the row stored for its own event
    const idOf = new Map(stored.map((r) => [r.event_id, r.id]));
    deliveries.forEach((d, i) => {
      if (answers[i] !== undefined) expect(answers[i]).toBe(idOf.get(d.eventId));
    });
    // the first delivery of each event is the new one: the others came after it in the same group or later
    expect(answers.slice(0, 30).every((id) => id !== undefined)).toBe(true);
  });

  it('answers a delivery of an event stored earlier as a duplicate, and stores the same event id for another shop', async () => {
    const shop = randomUUID();
    const otherShop = randomUUID();
    expect(await writer.store(entry(shop, 'again'))).toEqual(expect.any(String));
    const [repeat, elsewhere] = await Promise.all([
      writer.store(entry(shop, 'again')),
      writer.store(entry(otherShop, 'again')),
    ]);
    expect(repeat).toBeUndefined();
    expect(elsewhere).toEqual(expect.any(String));
    expect(await rows(shop)).toHaveLength(1);
    expect(await rows(otherShop)).toHaveLength(1);
  });

  it('fails only the request whose row PostgreSQL refuses; its group’s other rows are stored', async () => {
    const connectionId = randomUUID();
    const results = await Promise.allSettled([
      writer.store(entry(connectionId, 'fine-1')),
      // not JSON: the jsonb cast fails the whole statement (22P02)
      writer.store(entry(connectionId, 'broken', '{"status":')),
      writer.store(entry(connectionId, 'fine-2')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await rows(connectionId)).map((r) => r.event_id)).toEqual(['fine-1', 'fine-2']);
  });

  it('writes a full group at once: 130 at the same moment take three statements of at most 64', async () => {
    const connectionId = randomUUID();
    const statements: number[] = [];
    const store = services.module.get(WebhookInboxStore, { strict: false });
    const config = services.module.get(ConnectorConfig, { strict: false });
    // the real store, counting the groups it is handed
    const counting = Object.create(store) as WebhookInboxStore;
    counting.storeGroup = (entries) => (statements.push(entries.length), store.storeGroup(entries));
    const own = new InboxWriter(counting, config);
    const answers = await Promise.all(
      Array.from({ length: 130 }, (_, i) => own.store(entry(connectionId, `full-${i}`))),
    );
    expect(answers.every((id) => id !== undefined)).toBe(true);
    expect(statements).toEqual([64, 64, 2]);
    expect(await rows(connectionId)).toHaveLength(130);
  });
});
