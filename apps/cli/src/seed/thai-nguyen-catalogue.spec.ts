import { TARGET, thaiNguyenCatalogue } from './thai-nguyen-catalogue';

describe('the Thái Nguyên demo catalogue', () => {
  const producers = thaiNguyenCatalogue();
  const products = producers.flatMap((p) => p.products);
  const certified = products.filter((p) => p.rating.kind === 'certified');
  const stars = (n: number) => certified.filter((p) => p.rating.kind === 'certified' && p.rating.stars === n);

  it('reproduces the province figures: 173 certified, 121 tea, 91/80/2 stars', () => {
    expect(certified).toHaveLength(TARGET.certified);
    expect(certified.filter((p) => p.category === 'tea')).toHaveLength(TARGET.tea);
    expect(stars(3)).toHaveLength(TARGET.stars3);
    expect(stars(4)).toHaveLength(TARGET.stars4);
    expect(
      stars(5)
        .map((p) => p.name)
        .sort(),
    ).toEqual(['Chè tôm nõn Hảo Đạt', 'Miến dong Việt Cường']);
  });

  it('has at least 173 products, about 70% tea, across the nine district-level units', () => {
    expect(products.length).toBeGreaterThanOrEqual(173);
    const teaShare = products.filter((p) => p.category === 'tea').length / products.length;
    expect(teaShare).toBeGreaterThan(0.65);
    expect(teaShare).toBeLessThan(0.75);
    expect(new Set(producers.map((p) => p.district)).size).toBe(9);
    for (const kind of ['expired', 'revoked', 'not_certified']) {
      expect(products.some((p) => p.rating.kind === kind)).toBe(true);
    }
  });

  it('is the same on every run, with unique SKU codes per producer', () => {
    expect(thaiNguyenCatalogue()).toEqual(producers);
    const codes = products.flatMap((p) => p.skus.map((s) => s.code));
    expect(new Set(codes).size).toBe(codes.length);
    for (const sku of products.flatMap((p) => p.skus)) {
      expect(Number.isInteger(sku.priceVnd)).toBe(true);
      expect(sku.priceVnd).toBeGreaterThan(0);
    }
  });
});
