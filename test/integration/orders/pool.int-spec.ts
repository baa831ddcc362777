import { type Services, startServices } from '../../support/services';
import { marketplaceOrder, minute, newOrderId } from './support';

/**
 * An import holds one pooled connection for its transaction and asks for no other while it is open:
 * as many batches at once as the pool has connections must all go on. With its SKU look-ups inside
 * the transaction, a batch held its connection while it waited for a second one, and 48 import jobs
 * on the worker's pool of 20 stalled the import (bench:import); a pool of one stalls the first batch.
 */
describe('orders: an import needs one pooled connection at a time', () => {
  let services: Services;
  const poolSize = process.env.DATABASE_POOL_SIZE;

  beforeAll(async () => {
    process.env.DATABASE_POOL_SIZE = '1';
    services = await startServices();
  });
  afterAll(async () => {
    if (poolSize === undefined) delete process.env.DATABASE_POOL_SIZE;
    else process.env.DATABASE_POOL_SIZE = poolSize;
    await services?.close();
  });

  it('imports a batch with what it settles alongside on a pool of one connection', async () => {
    const cooperativeId = await services.newCooperative();
    const connection = await services.connect(cooperativeId, 'voso');
    const { skus } = await services.newProduct(cooperativeId, [{ onHand: 10 }]);
    const context = await services.intake.source(connection.id);
    const orders = [1, 2, 3].map((quantity) =>
      marketplaceOrder('voso', newOrderId('voso'), 'pending', minute(quantity), [
        { code: skus[0].code, quantity },
      ]),
    );
    let settled = 0;
    const failed = await services.intake.takeMany(context, orders, 'webhook', async (manager, imported) => {
      settled = imported.length;
      await manager.query('SELECT 1');
    });
    expect(failed).toEqual([]);
    expect(settled).toBe(3);
    const [{ reserved }] = await services.dataSource.query(`SELECT reserved FROM skus WHERE id = $1`, [
      skus[0].id,
    ]);
    expect(reserved).toBe(6);
  }, 20_000);
});
