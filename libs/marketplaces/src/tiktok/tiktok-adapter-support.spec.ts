import { MarketplaceError } from '../port';
import {
  clockOffsetMs,
  TIKTOK_CANCEL_REASONS,
  tiktokFailure,
  tiktokGrant,
  tiktokImageUpload,
  tiktokItemErrors,
  tokenRefused,
} from './tiktok-mapping';
import { tiktokOrdersRead, tiktokPackageId } from './tiktok-order-mapping';

const envelope = (code: number, message: string) => ({ code, message, request_id: 'r', data: null });

describe('tiktokFailure', () => {
  it('is null for code 0, whatever the data', () => {
    expect(tiktokFailure(200, { code: 0, message: 'Success', data: {} })).toBeNull();
  });

  it('sorts the codes into auth, retryable and permanent, keeping TikTok message and code', () => {
    const kinds: [number, number, string, MarketplaceError['kind']][] = [
      [401, 106001, "The 'sign' query parameter is invalid", 'auth'],
      [401, 105001, 'Invalid access token', 'auth'],
      [401, 105002, 'Access token is expired', 'auth'],
      [401, 36009004, 'Invalid app_key', 'auth'],
      [200, 36004004, 'auth_code is invalid, used or expired', 'auth'],
      [200, 36004005, 'refresh_token is invalid or expired', 'auth'],
      [200, 12052901, 'product 1 is under audit', 'retryable'],
      [503, 36009003, 'maintenance', 'retryable'],
      [200, 40006, 'SKU A-1 already belongs to product 17', 'permanent'],
      [200, 40004, 'product 9 not found', 'permanent'],
      [200, 40009, 'product 9 is SELLER_DEACTIVATED', 'permanent'],
    ];
    for (const [status, code, message, kind] of kinds) {
      expect(tiktokFailure(status, envelope(code, message))).toMatchObject({
        kind,
        message,
        options: { status, code: String(code), marketplace: 'tiktok' },
      });
    }
  });

  it('tells a refused timestamp (our clock) from a refused app key (the credentials)', () => {
    expect(tiktokFailure(401, envelope(36009004, 'Invalid timestamp'))).toMatchObject({
      kind: 'retryable',
      options: { code: 'clock_skew' },
    });
  });

  it('gives throttling and audits the wait to retry after', () => {
    expect(tiktokFailure(429, envelope(36009002, 'Too many requests'))?.options.retryAfterMs).toBe(1000);
    expect(tiktokFailure(200, envelope(12052901, 'audit'))?.options.retryAfterMs).toBe(60_000);
  });

  it('a body that is not the envelope is retryable, and a bare 401 is auth', () => {
    expect(tiktokFailure(200, undefined)).toMatchObject({
      kind: 'retryable',
      options: { code: 'unreadable' },
    });
    expect(tiktokFailure(401, undefined)).toMatchObject({ kind: 'auth' });
  });

  it('only a refused token is worth a renewal', () => {
    expect(tokenRefused(tiktokFailure(401, envelope(105002, 'expired')) as MarketplaceError)).toBe(true);
    expect(tokenRefused(tiktokFailure(401, envelope(105001, 'invalid')) as MarketplaceError)).toBe(true);
    expect(tokenRefused(tiktokFailure(401, envelope(106001, 'sign')) as MarketplaceError)).toBe(false);
  });
});

describe('tiktokItemErrors', () => {
  it('keys each refused item by the id its detail names; an empty list refuses nothing', () => {
    const errors = tiktokItemErrors(
      {
        errors: [
          { code: 40004, message: 'sku 9 is not a SKU of product 1', detail: { sku_id: '9' } },
          { code: 40006, message: 'quantity must be from 0 to 99999', detail: { sku_id: '8' } },
          { code: 40006, message: 'no detail' },
        ],
      },
      'sku_id',
    );
    expect([...errors.keys()]).toEqual(['9', '8']);
    expect(errors.get('9')).toMatchObject({ kind: 'permanent', options: { code: '40004' } });
    expect(tiktokItemErrors({ errors: [] }, 'sku_id').size).toBe(0);
    expect(tiktokItemErrors(null, 'product_id').size).toBe(0);
  });
});

describe('tiktokGrant', () => {
  it('reads both expiries as Unix seconds', () => {
    expect(
      tiktokGrant({
        access_token: 'TTP_a',
        access_token_expire_in: 1_700_000_000,
        refresh_token: 'TTP_r',
        refresh_token_expire_in: 1_730_000_000,
      }),
    ).toEqual({
      accessToken: 'TTP_a',
      refreshToken: 'TTP_r',
      accessExpiresAt: new Date(1_700_000_000_000),
      refreshExpiresAt: new Date(1_730_000_000_000),
    });
  });

  it('is null without an access token or its expiry', () => {
    expect(tiktokGrant({ refresh_token: 'r', access_token_expire_in: 1 })).toBeNull();
    expect(tiktokGrant({ access_token: 'a', refresh_token: 'r' })).toBeNull();
    expect(tiktokGrant(null)).toBeNull();
  });
});

describe('clockOffsetMs', () => {
  it("is the marketplace's clock less ours, from the Date header", () => {
    const ours = Date.parse('2026-12-01T08:00:31Z');
    expect(clockOffsetMs('Tue, 01 Dec 2026 08:00:00 GMT', ours)).toBe(-31_000);
    expect(clockOffsetMs(undefined, ours)).toBeNull();
    expect(clockOffsetMs('yesterday', ours)).toBeNull();
  });
});

describe('tiktokImageUpload', () => {
  it('sends the bytes untouched as field data, and use_case MAIN_IMAGE', async () => {
    const bytes = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0xff, 0x0d, 0x0a]);
    const upload = tiktokImageUpload({ bytes, contentType: 'image/png' }, 'b0undary');
    expect(upload.contentType).toBe('multipart/form-data; boundary=b0undary');
    const form = await new Response(new Uint8Array(upload.body), {
      headers: { 'content-type': upload.contentType },
    }).formData();
    const file = form.get('data') as File;
    expect(Buffer.from(await file.arrayBuffer())).toEqual(bytes);
    expect(file.type).toBe('image/png');
    expect(form.get('use_case')).toBe('MAIN_IMAGE');
  });
});

describe('TIKTOK_CANCEL_REASONS', () => {
  it('maps out of stock to its own reason and the rest to the wrong-price one', () => {
    expect(TIKTOK_CANCEL_REASONS).toEqual({
      out_of_stock: 'seller_cancel_reason_out_of_stock',
      seller_request: 'seller_cancel_reason_wrong_price',
      buyer_request: 'seller_cancel_reason_wrong_price',
    });
  });
});

describe('tiktokPackageId and tiktokOrdersRead', () => {
  it('finds the first package, or null', () => {
    expect(tiktokPackageId({ packages: [{ id: '1152' }, { id: '1153' }] })).toBe('1152');
    expect(tiktokPackageId({ packages: [] })).toBeNull();
    expect(tiktokPackageId({})).toBeNull();
  });

  it('reads the raw orders of a detail read, and refuses an answer without them', () => {
    expect(tiktokOrdersRead({ orders: [{ id: '57' }] })).toEqual([{ id: '57' }]);
    expect(() => tiktokOrdersRead(null)).toThrow('no data');
    expect(() => tiktokOrdersRead({ orders: 'x' })).toThrow('not a list');
  });
});
