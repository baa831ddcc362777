import { child, childrenNamed, childText, parseXml } from './lazada-xml';

describe('Lazada-style XML payloads (sandbox reader)', () => {
  it('reads elements, text and the predefined entities, after an optional prolog', () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="UTF-8"?>\n<Request><Product><Skus>' +
        '<Sku><SellerSku>TEA&amp;CO</SellerSku><Quantity> 5 </Quantity><Price/></Sku>' +
        '<Sku><SellerSku>B</SellerSku></Sku></Skus></Product></Request>',
    );
    expect(root?.name).toBe('Request');
    const skus = childrenNamed(child(child(root ?? undefined, 'Product'), 'Skus'), 'Sku');
    expect(skus.map((sku) => childText(sku, 'SellerSku'))).toEqual(['TEA&CO', 'B']);
    expect(childText(skus[0], 'Quantity')).toBe('5');
    expect(childText(skus[0], 'Price')).toBeUndefined();
    expect(childText(skus[1], 'Quantity')).toBeUndefined();
  });

  it('answers null, never throws, for anything it does not read', () => {
    const hostile = [
      '',
      'plain text',
      '<Request>',
      '<Request></Product>',
      '<a></a><b></b>',
      '<Request x="1"></Request>',
      '<Request><!-- c --></Request>',
      '<Request><![CDATA[x]]></Request>',
      '<Request>&bogus;</Request>',
      '<Request>a & b</Request>',
      'text<Request></Request>',
      `${'<a>'.repeat(17)}${'</a>'.repeat(17)}`,
      `<Request>${'x'.repeat(1_000_001)}</Request>`,
    ];
    for (const text of hostile) expect(parseXml(text)).toBeNull();
    expect(parseXml(`${'<a>'.repeat(16)}${'</a>'.repeat(16)}`)).not.toBeNull();
  });
});
