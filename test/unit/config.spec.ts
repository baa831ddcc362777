import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  environmentSchema,
  EnvironmentError,
  loadEnvironment,
  marketplaceOrigins,
  passwordScryptLn,
  publicBaseUrl,
} from '../../config/environment';
import { loadReferenceData, ReferenceDataError } from '../../config/reference-data';

const good = {
  ADMIN_API_KEY: 'a-long-enough-admin-key-123',
  CREDENTIALS_KEY: Buffer.alloc(32, 1).toString('base64'),
};

describe('environment', () => {
  it('fills defaults for the local demo', () => {
    const env = loadEnvironment(environmentSchema, { ...good });
    expect(env).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ocop',
      REDIS_URL: 'redis://127.0.0.1:6379',
      PORT: 3000,
      SANDBOX_SENDO_PORT: 4101,
      SANDBOX_VOSO_PORT: 4102,
      SANDBOX_POSTMART_PORT: 4103,
      SANDBOX_SHOPEE_PORT: 4104,
      SANDBOX_TIKTOK_PORT: 4105,
      SANDBOX_LAZADA_PORT: 4106,
    });
  });

  it('names every missing or malformed variable', () => {
    expect(() => loadEnvironment(environmentSchema, {})).toThrow(/ADMIN_API_KEY: is required but not set/);
    expect(() => loadEnvironment(environmentSchema, {})).toThrow(/CREDENTIALS_KEY: is required but not set/);
    expect(() => loadEnvironment(environmentSchema, { ...good, CREDENTIALS_KEY: 'c2hvcnQ=' })).toThrow(
      /CREDENTIALS_KEY: must be base64 of exactly 32 bytes/,
    );
    expect(() => loadEnvironment(environmentSchema, { ...good, PORT: 'eighty' })).toThrow(/PORT/);
    expect(() => loadEnvironment(environmentSchema, { ...good, DATABASE_URL: 'mysql://x' })).toThrow(
      EnvironmentError,
    );
  });

  it('DATABASE_POOL_SIZE: 20 by default, a whole number from 1 to 200', () => {
    expect(loadEnvironment(environmentSchema, { ...good }).DATABASE_POOL_SIZE).toBe(20);
    expect(loadEnvironment(environmentSchema, { ...good, DATABASE_POOL_SIZE: '1' }).DATABASE_POOL_SIZE).toBe(
      1,
    );
    expect(
      loadEnvironment(environmentSchema, { ...good, DATABASE_POOL_SIZE: '200' }).DATABASE_POOL_SIZE,
    ).toBe(200);
    for (const bad of ['0', '201', '-5', '12.5', 'twenty']) {
      expect(() => loadEnvironment(environmentSchema, { ...good, DATABASE_POOL_SIZE: bad })).toThrow(
        /DATABASE_POOL_SIZE/,
      );
    }
  });
});

describe('marketplace origins and the public address', () => {
  it('reads MARKETPLACE_ORIGINS, and names it when a pair is bad', () => {
    const env = loadEnvironment(environmentSchema, {
      ...good,
      MARKETPLACE_ORIGINS: 'sendo=https://open.sendo.vn,voso=http://127.0.0.1:4102,voso=https://voso.vn',
    });
    expect(marketplaceOrigins(env)).toEqual({
      sendo: ['https://open.sendo.vn'],
      voso: ['http://127.0.0.1:4102', 'https://voso.vn'],
      postmart: [],
      shopee: [],
      tiktok: [],
      lazada: [],
    });
    expect(() =>
      loadEnvironment(environmentSchema, { ...good, MARKETPLACE_ORIGINS: 'sendo=https://open.sendo.vn/api' }),
    ).toThrow(/MARKETPLACE_ORIGINS: .*without a path/);
    expect(() =>
      loadEnvironment(environmentSchema, { ...good, MARKETPLACE_ORIGINS: 'tiki=https://tiki.vn' }),
    ).toThrow(/MARKETPLACE_ORIGINS/);
  });

  it('unset: the sandbox outside production, and a refusal naming it in production', () => {
    const dev = loadEnvironment(environmentSchema, { ...good, SANDBOX_VOSO_PORT: '5102' });
    expect(marketplaceOrigins(dev).voso).toEqual(['http://127.0.0.1:5102']);
    const production = loadEnvironment(environmentSchema, {
      ...good,
      NODE_ENV: 'production',
      MARKETPLACE_ORIGINS: '',
    });
    expect(() => marketplaceOrigins(production)).toThrow(EnvironmentError);
    expect(() => marketplaceOrigins(production)).toThrow(
      /MARKETPLACE_ORIGINS: is required when NODE_ENV=production/,
    );
  });

  it('PASSWORD_SCRYPT_LN: 15 by default, lower outside production only', () => {
    expect(passwordScryptLn(loadEnvironment(environmentSchema, good))).toBe(15);
    expect(passwordScryptLn(loadEnvironment(environmentSchema, { ...good, PASSWORD_SCRYPT_LN: '10' }))).toBe(
      10,
    );
    const production = {
      ...good,
      NODE_ENV: 'production',
      MARKETPLACE_ORIGINS: 'sendo=https://open.sendo.vn',
    };
    expect(passwordScryptLn(loadEnvironment(environmentSchema, production))).toBe(15);
    expect(
      passwordScryptLn(loadEnvironment(environmentSchema, { ...production, PASSWORD_SCRYPT_LN: '16' })),
    ).toBe(16);
    const weakened = loadEnvironment(environmentSchema, { ...production, PASSWORD_SCRYPT_LN: '10' });
    expect(() => passwordScryptLn(weakened)).toThrow(EnvironmentError);
    expect(() => passwordScryptLn(weakened)).toThrow(
      /PASSWORD_SCRYPT_LN: must be at least 15 when NODE_ENV=production/,
    );
    expect(() => loadEnvironment(environmentSchema, { ...good, PASSWORD_SCRYPT_LN: '3' })).toThrow(
      /PASSWORD_SCRYPT_LN/,
    );
    expect(() => loadEnvironment(environmentSchema, { ...good, PASSWORD_SCRYPT_LN: '21' })).toThrow(
      /PASSWORD_SCRYPT_LN/,
    );
  });

  it('PUBLIC_BASE_URL defaults to the listening address, and loses a trailing slash', () => {
    expect(publicBaseUrl(loadEnvironment(environmentSchema, { ...good, PORT: '8080' }))).toBe(
      'http://127.0.0.1:8080',
    );
    expect(
      publicBaseUrl(
        loadEnvironment(environmentSchema, { ...good, PUBLIC_BASE_URL: 'https://ocop.example.vn/ket-noi/' }),
      ),
    ).toBe('https://ocop.example.vn/ket-noi');
    expect(() => loadEnvironment(environmentSchema, { ...good, PUBLIC_BASE_URL: 'ocop.example.vn' })).toThrow(
      /PUBLIC_BASE_URL/,
    );
  });

  it('bounds marketplace answers by default: 10 MiB and 30 s', () => {
    expect(loadEnvironment(environmentSchema, { ...good })).toMatchObject({
      MARKETPLACE_MAX_RESPONSE_BYTES: 10 * 1024 * 1024,
      MARKETPLACE_CALL_DEADLINE_MS: 30_000,
    });
  });
});

describe('e-mail of notices', () => {
  it('takes no SMTP server by default, an smtp:// or smtps:// URL, and a sender', () => {
    const none = loadEnvironment(environmentSchema, { ...good, SMTP_URL: '' });
    expect(none.SMTP_URL).toBeUndefined();
    expect(none.MAIL_FROM).toBe('OCOP Thái Nguyên <no-reply@ocop.localhost>');
    const env = loadEnvironment(environmentSchema, {
      ...good,
      SMTP_URL: 'smtps://ocop:secret@mail.example.vn:465',
      MAIL_FROM: 'Sở Công Thương <ocop@example.vn>',
    });
    expect(env.SMTP_URL).toBe('smtps://ocop:secret@mail.example.vn:465');
    expect(env.MAIL_FROM).toBe('Sở Công Thương <ocop@example.vn>');
  });

  it('names SMTP_URL and MAIL_FROM when they are malformed', () => {
    expect(() => loadEnvironment(environmentSchema, { ...good, SMTP_URL: 'http://mail.example.vn' })).toThrow(
      /SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL/,
    );
    expect(() => loadEnvironment(environmentSchema, { ...good, MAIL_FROM: 'nobody' })).toThrow(/MAIL_FROM/);
    expect(() =>
      loadEnvironment(environmentSchema, { ...good, MAIL_FROM: 'x@example.vn\r\nBcc: y@example.vn' }),
    ).toThrow(/MAIL_FROM/);
  });
});

describe('reference data', () => {
  it('loads the OCOP rules and the sales categories from config/reference', () => {
    const data = loadReferenceData();
    expect(data.ocop.validityMonths).toBe(36);
    expect(data.ocop.groups).toHaveLength(6);
    expect(data.categories.map((c) => c.slug)).toEqual(
      expect.arrayContaining(['tea', 'noodles', 'rice', 'honey']),
    );
  });

  it('refuses reference data that breaks its schema, naming the file and field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ocop-ref-'));
    const source = join(__dirname, '..', '..', 'config', 'reference');
    const ocop = JSON.parse(readFileSync(join(source, 'ocop.json'), 'utf8'));
    ocop.validityMonths = -1;
    writeFileSync(join(dir, 'ocop.json'), JSON.stringify(ocop));
    writeFileSync(join(dir, 'categories.json'), readFileSync(join(source, 'categories.json')));
    expect(() => loadReferenceData(dir)).toThrow(ReferenceDataError);
    expect(() => loadReferenceData(dir)).toThrow(/ocop\.json[\s\S]*validityMonths/);

    ocop.validityMonths = 36;
    writeFileSync(join(dir, 'ocop.json'), JSON.stringify(ocop));
    writeFileSync(
      join(dir, 'categories.json'),
      JSON.stringify({
        categories: [
          {
            slug: 'tea',
            name: 'Tea',
            nameVi: 'Chè',
            ocopGroup: 'jewellery',
            marketplaces: { sendo: 1, voso: 'X', postmart: 'x', shopee: 1, tiktok: '1', lazada: 1 },
          },
        ],
      }),
    );
    expect(() => loadReferenceData(dir)).toThrow(/unknown OCOP group for tea/);
  });
});
