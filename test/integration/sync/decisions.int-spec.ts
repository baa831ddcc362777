import { randomUUID } from 'node:crypto';
import { EVERYTHING } from '@ocop/common';
import type { ListingContent, Marketplace, StockPush } from '@ocop/marketplaces';
import { answers, type Call, type RunEnd, type Sync, startSync } from './support';

/**
 * What one run of a connection's sync decides, listing state × catalogue change × marketplace
 * answer, on the real catalogue and channels services and the real database, with a fake
 * marketplace. Expectations come from docs/architecture.md ("Level-triggered sync", "A catalogue
 * change reaches every marketplace", "The stock record follows the marketplace"), ADR 1 and
 * docs/marketplaces.md, not from what the processor returns:
 * - a listing never published is published, one with a content change (name, price, badge) is
 *   updated whole, one whose stock alone changed gets a stock push of the SKUs that changed, an
 *   archived product or an asked delist is delisted (with no call if it was never published);
 * - success records synced_version = desired_version; a rejection marks `error` with the
 *   marketplace's own message and is not retried until the listing changes; a retryable failure
 *   goes back to the queue (the marketplace's Retry-After when it gives one), the listing lagging;
 *   refused credentials turn the connection `auth_failed` and stop its pushes.
 */
const MARKETPLACE_ORDER: Marketplace[] = ['sendo', 'voso', 'postmart'];
const FAR = '2099-12-31';
const PAST = '2001-01-01';

type State = 'new' | 'synced';
type Change =
  | 'none'
  | 'price'
  | 'name'
  | 'stock'
  | 'archive'
  | 'delist asked'
  | 'badge granted'
  | 'badge expired'
  | 'badge revoked';
type AnswerKind = 'ok' | 'rejected' | 'retryable' | 'throttled' | 'auth' | 'crash' | 'slow';

/** The operation the docs call for, or none. */
function expectedOperation(state: State, change: Change): Call['op'] | null {
  if (change === 'archive' || change === 'delist asked') return state === 'new' ? null : 'delist';
  if (state === 'new') return 'publish';
  if (change === 'none') return null;
  return change === 'stock' ? 'pushStock' : 'update';
}

/** A product of two SKUs (10 and 5 on hand) and its listing in `state`; a badge when the change removes one. */
async function arrange(sync: Sync, marketplace: Marketplace, state: State, change: Change) {
  const connectionId = await sync.connect(marketplace);
  const product = await sync.newProduct([{ onHand: 10 }, { onHand: 5 }]);
  const [a, b] = product.skus;
  let stars: number | null = null;
  if (change === 'badge revoked') {
    await sync.dataSource.transaction((manager) =>
      sync.products.recordOcopBadge(manager, product.productId, {
        certificateId: randomUUID(),
        stars: 4,
        validUntil: FAR,
      }),
    );
    stars = 4;
  }
  const listingId =
    state === 'new'
      ? await sync.listNew(product.productId, connectionId)
      : await sync.listSynced(product.productId, connectionId, { [a.code]: 10, [b.code]: 5 }, stars);
  return { connectionId, listingId, product, a, b };
}

async function applyChange(
  sync: Sync,
  change: Change,
  listingId: string,
  product: { productId: string; skus: { id: string; code: string }[] },
): Promise<void> {
  const [a, b] = product.skus;
  const badge = (validUntil: string, stars: number) =>
    sync.dataSource.transaction((manager) =>
      sync.products.recordOcopBadge(manager, product.productId, {
        certificateId: randomUUID(),
        stars,
        validUntil,
      }),
    );
  switch (change) {
    case 'none':
      return;
    case 'price':
      await sync.products.updateSku(EVERYTHING, b.id, { priceVnd: 135_000 }, null);
      return;
    case 'name':
      await sync.products.update(EVERYTHING, product.productId, { name: 'Chè búp Tân Cương' }, null);
      return;
    case 'stock':
      await sync.products.adjustStock(EVERYTHING, a.id, { delta: -3, reason: 'hỏng' }, null);
      return;
    case 'archive':
      await sync.products.update(EVERYTHING, product.productId, { status: 'archived' }, null);
      return;
    case 'delist asked':
      await sync.listings.delist(EVERYTHING, listingId, null);
      return;
    case 'badge granted':
      await badge(FAR, 4);
      return;
    case 'badge expired':
      // a certificate recorded with a validity that has already ended shows no badge
      await badge(PAST, 5);
      return;
    case 'badge revoked':
      await sync.dataSource.transaction((manager) =>
        sync.products.recordOcopBadge(manager, product.productId, null),
      );
      return;
  }
}

const MESSAGES: Record<Exclude<AnswerKind, 'ok' | 'slow'>, string> = {
  rejected: 'Tên sản phẩm chứa từ bị cấm',
  retryable: 'upstream timed out',
  throttled: 'too many requests',
  auth: 'token revoked by the seller',
  crash: 'cannot read properties of undefined',
};

function script(
  sync: Sync,
  marketplace: Marketplace,
  connectionId: string,
  op: Call['op'],
  kind: AnswerKind,
) {
  const fake = sync.fakes[marketplace];
  switch (kind) {
    case 'ok':
      return;
    case 'slow':
      fake.script(connectionId, op, answers.slow(300));
      return;
    case 'rejected':
      fake.script(connectionId, op, answers.permanent(MESSAGES.rejected));
      return;
    case 'retryable':
      fake.script(connectionId, op, answers.retryable(MESSAGES.retryable));
      return;
    case 'throttled':
      fake.script(connectionId, op, answers.retryable(MESSAGES.throttled, 7_000));
      return;
    case 'auth':
      fake.script(connectionId, op, answers.auth(MESSAGES.auth));
      return;
    case 'crash':
      fake.script(connectionId, op, answers.crash(MESSAGES.crash));
  }
}

interface Case {
  state: State;
  change: Change;
  answer: AnswerKind;
  marketplace: Marketplace;
}

const STATES: State[] = ['new', 'synced'];
const CHANGES: Change[] = [
  'none',
  'price',
  'name',
  'stock',
  'archive',
  'delist asked',
  'badge granted',
  'badge expired',
  'badge revoked',
];
const ANSWERS: AnswerKind[] = ['ok', 'rejected', 'retryable', 'throttled', 'auth', 'crash', 'slow'];

const CASES: Case[] = [];
for (const state of STATES) {
  for (const change of CHANGES) {
    // a revoked badge needs a badge first, shown by a listing synced with it; nothing to revoke on a new one
    if (state === 'new' && change.startsWith('badge')) continue;
    const op = expectedOperation(state, change);
    // with no call to answer, the answer cannot matter: one case
    for (const answer of op ? ANSWERS : (['ok'] as AnswerKind[])) {
      CASES.push({ state, change, answer, marketplace: MARKETPLACE_ORDER[CASES.length % 3] });
    }
  }
}

/** The badge the content should carry after the change (docs/api.md: only an active certificate's stars). */
function expectedStars(change: Change): number | null {
  return change === 'badge granted' ? 4 : null;
}

describe('sync decisions: one run of a connection, on the real database', () => {
  let sync: Sync;

  beforeAll(async () => {
    sync = await startSync();
  });
  afterAll(async () => {
    await sync?.close();
  });

  it.each(CASES)(
    '$marketplace: $state listing, $change, marketplace answers $answer',
    async ({ state, change, answer, marketplace }) => {
      const { connectionId, listingId, product, a, b } = await arrange(sync, marketplace, state, change);
      await applyChange(sync, change, listingId, product);
      const op = expectedOperation(state, change);
      if (op) script(sync, marketplace, connectionId, op, answer);
      const before = await sync.listing(listingId);

      const end: RunEnd = await sync.run(connectionId);

      const calls = sync.fakes[marketplace].callsOf(connectionId);
      const after = await sync.listing(listingId);
      const connection = await sync.connection(connectionId);

      // the call made, with the content the catalogue holds now
      expect(calls.map((c) => c.op)).toEqual(op ? [op] : []);
      const call = calls[0];
      const externalId = `EXT-${listingId}`;
      if (call?.op === 'publish' || call?.op === 'update') {
        if (call.op === 'update') expect(call.externalId).toBe(externalId);
        const content: ListingContent = call.content;
        expect(content.productId).toBe(product.productId);
        expect(content.name).toBe(change === 'name' ? 'Chè búp Tân Cương' : 'Chè móc câu Tân Cương');
        expect(content.ocopStars).toBe(expectedStars(change));
        expect(content.variants.map((v) => [v.skuCode, v.priceVnd, v.quantity])).toEqual([
          [a.code, 120_000, change === 'stock' ? 7 : 10],
          [b.code, change === 'price' ? 135_000 : 120_000, 5],
        ]);
      }
      if (call?.op === 'pushStock') {
        // only the SKU whose offered figure changed, to the marketplace listing and variant recorded
        expect(call.items.map((i: StockPush) => [i.externalId, i.skuCode, i.variantId, i.quantity])).toEqual([
          [externalId, a.code, `V-${a.code}`, 7],
        ]);
      }
      if (call?.op === 'delist') expect(call.externalId).toBe(externalId);

      const succeeded = op === null || answer === 'ok' || answer === 'slow';
      if (succeeded) {
        expect(end).toEqual({ ended: 'returned', result: expect.stringMatching(/^synced \d+$/) });
        expect(after.lagging).toBe(false);
        expect(after.synced_version).toBe(before.desired_version);
        expect(after.last_error).toBeNull();
        expect(after.publish_claimed_until).toBeNull();
        expect(connection.status).toBe('active');
        if (op === null && state === 'synced') {
          expect(after).toEqual(before);
        } else if (op === 'delist' || op === null) {
          expect(after.status).toBe('delisted');
        } else {
          expect(after.status).toBe('synced');
          const published = op === 'publish' ? `MP-${product.productId}` : externalId;
          expect(after.external_id).toBe(published);
          expect(after.synced_stock).toEqual({ [a.code]: change === 'stock' ? 7 : 10, [b.code]: 5 });
          if (op !== 'pushStock') {
            expect(after.synced_badge_stars).toBe(expectedStars(change));
            expect(after.synced_content_version).toBe(before.content_version);
            expect(after.variant_ids).toEqual({ [a.code]: `V-${a.code}`, [b.code]: `V-${b.code}` });
          }
        }
        return;
      }
      // a failed call records nothing of what it tried to push
      expect(after.synced_version).toBe(before.synced_version);
      expect(after.synced_stock).toEqual(before.synced_stock);
      expect(after.external_id).toBe(before.external_id);
      expect(after.publish_claimed_until).toBeNull();
      switch (answer) {
        case 'rejected':
          expect(end.ended).toBe('returned');
          expect(after).toMatchObject({ status: 'error', last_error: MESSAGES.rejected });
          expect(after.failed_version).toBe(before.desired_version);
          expect(connection.status).toBe('active');
          // not retried until the listing changes: the next run has nothing to do
          await sync.run(connectionId);
          expect(sync.fakes[marketplace].callsOf(connectionId)).toHaveLength(1);
          break;
        case 'retryable':
        case 'throttled':
          expect(end).toMatchObject({
            ended: 'retry',
            retryAfterMs: answer === 'throttled' ? 7_000 : 0,
            // a run that synced nothing is a stall: the queue backs off
            stalls: 1,
          });
          expect(after).toMatchObject({ status: before.status, last_error: `retrying: ${MESSAGES[answer]}` });
          expect(after.lagging).toBe(true);
          expect(after.failed_version).toBeNull();
          expect(connection.status).toBe('active');
          break;
        case 'auth':
          expect(end).toEqual({ ended: 'returned', result: 'stopped: credentials refused' });
          expect(connection.status).toBe('auth_failed');
          expect(connection.status_reason).toContain(MESSAGES.auth);
          expect(after).toMatchObject({ status: before.status, last_error: null, failed_version: null });
          expect(after.lagging).toBe(true);
          // the connection's pushes stop: a later run calls nothing
          expect(await sync.run(connectionId)).toEqual({
            ended: 'returned',
            result: 'connection not active',
          });
          expect(sync.fakes[marketplace].callsOf(connectionId)).toHaveLength(1);
          break;
        case 'crash':
          expect(end).toMatchObject({ ended: 'retry', stalls: 1 });
          expect(after.status).toBe(before.status);
          expect(after.lagging).toBe(true);
          expect(connection.status).toBe('active');
          break;
      }
    },
  );
});
