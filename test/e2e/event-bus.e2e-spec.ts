import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import pino from 'pino';
import { DataSource, type EntityManager } from 'typeorm';
import { CatalogueChanged } from '@ocop/catalogue';
import { ConnectionAuthFailed, ConnectionTransferred, ListingsBumped } from '@ocop/channels';
import {
  AFTER_COMMIT_WAIT_MS,
  dataSourceOptions,
  EventBus,
  MissingEventHandler,
  Outbox,
  RecordedEvent,
  Transactions,
} from '@ocop/database';
import { CertificateActivated, CertificateDeactivated } from '@ocop/ocop';
import { OrdersChanged, OrderOversold, WebhookWentDead } from '@ocop/orders';
import { type RunningApi, startApi } from '../support/api';
import { eventually, startWorker } from '../support/worker';

class Noted {
  constructor(readonly note: string) {}
}

class MustBeCounted {
  static readonly mustBeHandled = 'in-transaction';

  constructor(readonly note: string) {}
}

class Recorded extends RecordedEvent<{ note: string }> {
  readonly recordAs = 'test.recorded';
}

/** The bus on the file's own database, with a real logger whose lines the tests read back. */
describe('EventBus', () => {
  let dataSource: DataSource;
  let transactions: Transactions;
  let logged: { msg: string; event: string; err: string }[];
  let bus: EventBus;

  const notes = async (): Promise<string[]> =>
    (await dataSource.query(`SELECT note FROM event_bus_notes ORDER BY id`)).map(
      (r: { note: string }) => r.note,
    );
  const note = (manager: EntityManager, text: string) =>
    manager.query(`INSERT INTO event_bus_notes (note) VALUES ($1)`, [text]);

  beforeAll(async () => {
    dataSource = new DataSource(dataSourceOptions(process.env.DATABASE_URL as string));
    await dataSource.initialize();
    await dataSource.query(`CREATE TABLE event_bus_notes (id serial PRIMARY KEY, note text NOT NULL)`);
    transactions = new Transactions(dataSource);
  });

  beforeEach(async () => {
    await dataSource.query(`TRUNCATE event_bus_notes`);
    logged = [];
    const lines = { write: (line: string) => void logged.push(JSON.parse(line)) };
    bus = new EventBus(new Outbox(), pino({ level: 'info' }, lines));
  });

  afterAll(async () => {
    await dataSource.query(`DROP TABLE event_bus_notes`);
    await dataSource.destroy();
  });

  it('runs in-transaction handlers in registration order, inside the publishing transaction', async () => {
    const seen: string[] = [];
    bus.on(Noted, 'in-transaction', async (event, manager) => {
      // the change the publisher made before publishing is visible: same transaction
      seen.push(`first saw ${(await manager.query(`SELECT count(*)::int AS n FROM event_bus_notes`))[0].n}`);
      await note(manager, `first ${event.note}`);
    });
    bus.on(Noted, 'in-transaction', async (event, manager) => {
      seen.push('second');
      await note(manager, `second ${event.note}`);
    });

    await transactions.run(async (manager) => {
      await note(manager, 'change');
      await bus.publish(manager, new Noted('a'));
      // nothing committed yet: another connection sees none of it
      expect(await notes()).toEqual([]);
    });

    expect(seen).toEqual(['first saw 1', 'second']);
    expect(await notes()).toEqual(['change', 'first a', 'second a']);
  });

  it('rolls the whole transaction back when an in-transaction handler fails, and runs no after-commit handler', async () => {
    const afterCommit = jest.fn();
    bus.on(Noted, 'in-transaction', (event, manager) => note(manager, `handled ${event.note}`));
    bus.on(Noted, 'in-transaction', async () => {
      throw new Error('roll-up refused');
    });
    bus.on(Noted, 'after-commit', afterCommit);

    await expect(
      transactions.run(async (manager) => {
        await note(manager, 'change');
        await bus.publish(manager, new Noted('b'));
      }),
    ).rejects.toThrow('roll-up refused');

    await new Promise((resolve) => setTimeout(resolve, AFTER_COMMIT_WAIT_MS));
    expect(await notes()).toEqual([]);
    expect(afterCommit).not.toHaveBeenCalled();
  });

  it('runs after-commit handlers only once the change is committed, never when it rolls back', async () => {
    const heard: { note: string; committed: string[] }[] = [];
    bus.on(Noted, 'after-commit', async (event) => {
      heard.push({ note: event.note, committed: await notes() });
    });

    await transactions.run(async (manager) => {
      await note(manager, 'kept');
      await bus.publish(manager, new Noted('c'));
      expect(heard).toEqual([]);
    });
    // the request waits for after-commit work up to AFTER_COMMIT_WAIT_MS, so it is done here
    expect(heard).toEqual([{ note: 'c', committed: ['kept'] }]);

    await expect(
      transactions.run(async (manager) => {
        await note(manager, 'lost');
        await bus.publish(manager, new Noted('d'));
        throw new Error('the change fails after publishing');
      }),
    ).rejects.toThrow('the change fails after publishing');
    await new Promise((resolve) => setTimeout(resolve, AFTER_COMMIT_WAIT_MS));
    expect(heard.map((h) => h.note)).toEqual(['c']);
    expect(await notes()).toEqual(['kept']);
  });

  it('logs a failing after-commit handler instead of failing the committed change, and still runs the others', async () => {
    const others: string[] = [];
    bus.on(Noted, 'after-commit', () => {
      throw new Error('Redis is away');
    });
    bus.on(Noted, 'after-commit', (event) => void others.push(event.note));

    const answer = await transactions.run(async (manager) => {
      await note(manager, 'committed');
      await bus.publish(manager, new Noted('e'));
      return 'answered';
    });

    expect(answer).toBe('answered');
    expect(await notes()).toEqual(['committed']);
    expect(others).toEqual(['e']);
    await eventually(async () => logged.length > 0);
    expect(logged).toEqual([
      expect.objectContaining({
        msg: 'after-commit event handler failed',
        event: 'Noted',
        err: 'Error: Redis is away',
      }),
    ]);
  });

  it('hands each event to the handlers of its own class only', async () => {
    const heard: string[] = [];
    bus.on(Noted, 'in-transaction', async (event) => void heard.push(`noted ${event.note}`));
    bus.on(MustBeCounted, 'in-transaction', async (event) => void heard.push(`counted ${event.note}`));

    await transactions.run(async (manager) => {
      await bus.publish(manager, new MustBeCounted('f'));
      await bus.publish(manager, new Noted('g'));
    });

    expect(heard).toEqual(['counted f', 'noted g']);
  });

  it('refuses an event that must be handled in the transaction while no such handler is registered, rolling the change back', async () => {
    // an after-commit handler does not count: it could not keep the figures atomic with the change
    bus.on(MustBeCounted, 'after-commit', () => undefined);
    expect(bus.registered(MustBeCounted)).toEqual({ inTransaction: 0, afterCommit: 1 });

    const refused = transactions.run(async (manager) => {
      await note(manager, 'half a change');
      await bus.publish(manager, new MustBeCounted('h'));
    });
    await expect(refused).rejects.toThrow(MissingEventHandler);
    await expect(refused).rejects.toThrow(/MustBeCounted was published with no in-transaction handler/);
    expect(await notes()).toEqual([]);

    bus.on(MustBeCounted, 'in-transaction', (event, manager) => note(manager, `counted ${event.note}`));
    await transactions.run(async (manager) => {
      await note(manager, 'whole change');
      await bus.publish(manager, new MustBeCounted('i'));
    });
    expect(await notes()).toEqual(['whole change', 'counted i']);
  });

  it('publishes an event that need not be handled even when nobody listens', async () => {
    await transactions.run(async (manager) => {
      await note(manager, 'unheard');
      await bus.publish(manager, new Noted('j'));
    });
    expect(await notes()).toEqual(['unheard']);
  });

  it('writes a recorded event to the outbox in the publishing transaction, before its handlers', async () => {
    const aggregateId = randomUUID();
    const recordedWhenHandled: string[][] = [];
    const outbox = new Outbox();
    bus.on(Recorded, 'in-transaction', async (_event, manager) => {
      recordedWhenHandled.push((await outbox.history(manager, aggregateId)).map((e) => e.type));
    });

    await expect(
      transactions.run(async (manager) => {
        await bus.publish(manager, new Recorded(aggregateId, { note: 'rolled back' }));
        throw new Error('the change fails');
      }),
    ).rejects.toThrow('the change fails');
    expect(await outbox.history(dataSource.manager, aggregateId)).toEqual([]);

    await transactions.run((manager) => bus.publish(manager, new Recorded(aggregateId, { note: 'kept' })));
    const rows: { type: string; payload: unknown }[] = await dataSource.query(
      `SELECT type, payload FROM domain_events WHERE aggregate_id = $1`,
      [aggregateId],
    );
    expect(rows).toEqual([{ type: 'test.recorded', payload: { note: 'kept' } }]);
    expect(recordedWhenHandled).toEqual([['test.recorded'], ['test.recorded']]);
  });

  it('outside a transaction runs in-transaction handlers on the given manager and after-commit ones at once', async () => {
    const heard: string[] = [];
    bus.on(Noted, 'in-transaction', (event, manager) => note(manager, `direct ${event.note}`));
    bus.on(Noted, 'after-commit', (event) => void heard.push(event.note));

    await bus.publish(dataSource.manager, new Noted('k'));

    expect(await notes()).toEqual(['direct k']);
    await eventually(async () => heard.length > 0);
    expect(heard).toEqual(['k']);
  });
});

/**
 * The processes that change orders, transfer shops or change the catalogue must have loaded the
 * modules that handle those events: the real API and worker modules, asked what they registered.
 */
describe('the handlers the API and the worker register', () => {
  let api: RunningApi;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    api = await startApi();
    worker = await startWorker();
  });

  afterAll(async () => {
    await worker?.close();
    await api?.close();
  });

  it.each([
    ['api', () => api.app.get(EventBus)],
    ['worker', () => worker.get(EventBus)],
  ])(
    '%s: the sales roll-ups, the order cursor and the notices move in the transaction; sync work is enqueued after commit',
    (_process, busOf) => {
      const bus = busOf();
      expect(bus.registered(OrdersChanged)).toEqual({ inTransaction: 1, afterCommit: 0 });
      expect(bus.registered(ConnectionTransferred)).toEqual({ inTransaction: 1, afterCommit: 0 });
      expect(bus.registered(CatalogueChanged)).toEqual({ inTransaction: 1, afterCommit: 0 });
      expect(bus.registered(ListingsBumped)).toEqual({ inTransaction: 0, afterCommit: 1 });
      // the notices of what these tell of are written in the transaction that tells it
      expect(bus.registered(ConnectionAuthFailed)).toEqual({ inTransaction: 1, afterCommit: 0 });
      expect(bus.registered(OrderOversold)).toEqual({ inTransaction: 1, afterCommit: 0 });
      expect(bus.registered(WebhookWentDead)).toEqual({ inTransaction: 1, afterCommit: 0 });
      // recorded in domain_events; no context handles them yet
      expect(bus.registered(CertificateActivated)).toEqual({ inTransaction: 0, afterCommit: 0 });
      expect(bus.registered(CertificateDeactivated)).toEqual({ inTransaction: 0, afterCommit: 0 });
    },
  );
});
