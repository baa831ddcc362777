import { ListingContent } from '../port';
import {
  tiktokDescription,
  tiktokPackageDimensions,
  tiktokPackageWeight,
  tiktokProductBody,
  tiktokPublished,
  tiktokTitle,
} from './tiktok-mapping';

describe('tiktokPackageWeight', () => {
  it('writes grams as an exact KILOGRAM decimal string', () => {
    const cases: [number, string][] = [
      [500, '0.5'],
      [1000, '1'],
      [1250, '1.25'],
      [3, '0.003'],
      [300, '0.3'],
      [12_345, '12.345'],
      [0, '0'],
      [499.6, '0.5'],
    ];
    for (const [weightGrams, value] of cases) {
      expect(tiktokPackageWeight(weightGrams)).toEqual({ value, unit: 'KILOGRAM' });
    }
  });
});

describe('tiktokPackageDimensions', () => {
  it('rounds centimetres up to whole strings, never below 1', () => {
    expect(tiktokPackageDimensions({ length: 20, width: 10.2, height: 0.4 })).toEqual({
      length: '20',
      width: '11',
      height: '1',
      unit: 'CENTIMETER',
    });
  });
});

describe('tiktokDescription', () => {
  it('escapes the text and makes one paragraph per line', () => {
    expect(tiktokDescription('Trà <ngon> & "thơm"\n\n  Sao tay  ')).toBe(
      '<p>Trà &lt;ngon&gt; &amp; &quot;thơm&quot;</p><p>Sao tay</p>',
    );
  });
});

describe('tiktokProductBody', () => {
  const content: ListingContent = {
    productId: 'p-1',
    name: 'Trà xanh Tân Cương',
    description: 'Trà móc câu',
    category: 'tea',
    imageUrls: ['https://cdn.example/a.jpg'],
    ocopStars: 4,
    variants: [
      { skuCode: 'TRA-100', name: 'Gói 100 g', priceVnd: 85_000.4, weightGrams: 120, quantity: 7.8 },
      { skuCode: 'TRA-500', name: 'Hộp 500 g', priceVnd: 390_000, weightGrams: 560, quantity: 250_000 },
    ],
  };

  it('sends the heaviest SKU as the package weight, prices as whole VND strings, packs as sales attributes', () => {
    const uris = Array.from({ length: 11 }, (_, index) => `tos/${index}`);
    const body = tiktokProductBody(content, '601152', uris, 'WH-1', 'p-1:v3');
    expect(body).toEqual({
      title: 'Trà xanh Tân Cương · OCOP 4★',
      description: '<p>Trà móc câu</p>',
      category_id: '601152',
      main_images: uris.slice(0, 9).map((uri) => ({ uri })),
      package_weight: { value: '0.56', unit: 'KILOGRAM' },
      skus: [
        {
          seller_sku: 'TRA-100',
          price: { amount: '85000', currency: 'VND' },
          inventory: [{ warehouse_id: 'WH-1', quantity: 7 }],
          sales_attributes: [{ name: 'Quy cách', value_name: 'Gói 100 g' }],
        },
        {
          seller_sku: 'TRA-500',
          price: { amount: '390000', currency: 'VND' },
          inventory: [{ warehouse_id: 'WH-1', quantity: 99_999 }],
          sales_attributes: [{ name: 'Quy cách', value_name: 'Hộp 500 g' }],
        },
      ],
      idempotency_key: 'p-1:v3',
    });
  });

  it('leaves sales attributes and the idempotency key out when there is one SKU and no key', () => {
    const body = tiktokProductBody({ ...content, variants: [content.variants[0]] }, '1', ['tos/a'], 'WH-1');
    expect(body.skus[0]).not.toHaveProperty('sales_attributes');
    expect(body).not.toHaveProperty('idempotency_key');
    expect(body.package_weight.value).toBe('0.12');
  });

  it('describes a product the seller has not described by its title, as TikTok takes no empty description', () => {
    const body = tiktokProductBody({ ...content, description: '  \n ' }, '1', ['tos/a'], 'WH-1');
    expect(body.description).toBe(`<p>${body.title}</p>`);
  });
});

describe('tiktokTitle', () => {
  const variants = [
    { skuCode: 'A', name: 'Gói 100 g', priceVnd: 1, weightGrams: 100, quantity: 1 },
    { skuCode: 'B', name: 'Hộp 500 g', priceVnd: 1, weightGrams: 500, quantity: 1 },
  ];

  it('keeps a title of 25 characters or more as listingTitle writes it', () => {
    expect(tiktokTitle({ name: 'Chè tôm nõn Hảo Đạt', ocopStars: 5, variants })).toBe(
      'Chè tôm nõn Hảo Đạt · OCOP 5★',
    );
  });

  it("follows a shorter name with its packs, before the badge, so TikTok's 25-character minimum holds", () => {
    expect(tiktokTitle({ name: 'Chè móc câu Tân Cương', ocopStars: null, variants })).toBe(
      'Chè móc câu Tân Cương – Gói 100 g, Hộp 500 g',
    );
    expect(tiktokTitle({ name: 'Chè Tân Cương', ocopStars: 3, variants: [variants[0], variants[0]] })).toBe(
      'Chè Tân Cương – Gói 100 g · OCOP 3★',
    );
  });

  it('sends an empty name or a title packs cannot lengthen enough as it is, for TikTok to refuse', () => {
    expect(tiktokTitle({ name: '  ', ocopStars: 4, variants })).toBe('');
    expect(tiktokTitle({ name: 'Chè', ocopStars: null, variants: [{ ...variants[0], name: '1' }] })).toBe(
      'Chè – 1',
    );
  });
});

describe('tiktokPublished', () => {
  it('maps seller SKUs to TikTok SKU ids', () => {
    expect(
      tiktokPublished({
        product_id: '1729',
        skus: [
          { id: '17a', seller_sku: 'TRA-100' },
          { id: 5, seller_sku: 'BAD' },
        ],
      }),
    ).toEqual({ externalId: '1729', variantIds: { 'TRA-100': '17a' } });
    expect(tiktokPublished({ skus: [] })).toBeNull();
    expect(tiktokPublished(null)).toBeNull();
  });
});
