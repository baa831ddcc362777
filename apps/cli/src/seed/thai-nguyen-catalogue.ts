import { foldVietnamese, SeededRandom } from '@ocop/common';
import type { ProducerKind } from '@ocop/catalogue';

/**
 * The demo catalogue of Thái Nguyên. The producers and products the province's public reports name
 * (HTX chè Hảo Đạt, HTX miến Việt Cường, …) are real; the rest are realistic
 * inventions spread over the nine pre-2025 district-level units, so that the province's figures
 * can be reproduced: 173 certified products, 121 of them tea (70%), 91 × 3★, 80 × 4★, 2 × 5★.
 */
export interface SeedSku {
  code: string;
  name: string;
  priceVnd: number;
  weightGrams: number;
  onHand: number;
}

/** How the product stands with OCOP in the demo (the OCOP context turns this into assessments). */
export type SeedRating =
  | { kind: 'certified'; stars: 3 | 4 | 5; score?: number; renewed: boolean }
  | { kind: 'expired'; stars: 3 | 4 }
  | { kind: 'revoked'; stars: 3 | 4; reason: string }
  | { kind: 'not_certified'; mandatoryCriteriaMet: boolean }
  | { kind: 'none' };

export interface SeedProduct {
  name: string;
  category: string;
  description: string;
  skus: SeedSku[];
  rating: SeedRating;
}

export interface SeedProducer {
  name: string;
  kind: ProducerKind;
  district: string;
  commune: string;
  products: SeedProduct[];
}

export const PROVINCE = 'Thái Nguyên';
export const TARGET = { certified: 173, tea: 121, stars3: 91, stars4: 80, stars5: 2 } as const;

interface ProducerDraft {
  name: string;
  kind: ProducerKind;
  district: string;
  commune: string;
  brand: string;
  /** products named in the public reports, with the stars they hold in the demo */
  known: { name: string; category: string; stars?: 3 | 4 | 5; score?: number }[];
  category: string;
  extra: number;
}

const UNKNOWN_COMMUNE = 'chưa cập nhật';

const known: ProducerDraft[] = [
  {
    name: 'HTX chè Hảo Đạt',
    kind: 'cooperative',
    district: 'TP Thái Nguyên',
    commune: 'Tân Cương',
    brand: 'Hảo Đạt',
    known: [
      { name: 'Chè tôm nõn Hảo Đạt', category: 'tea', stars: 5, score: 90.86 },
      { name: 'Chè Đinh Tân Cương', category: 'tea', stars: 4 },
    ],
    category: 'tea',
    extra: 3,
  },
  {
    name: 'HTX miến Việt Cường',
    kind: 'cooperative',
    district: 'Đồng Hỷ',
    commune: 'Hóa Thượng',
    brand: 'Việt Cường',
    known: [{ name: 'Miến dong Việt Cường', category: 'noodles', stars: 5, score: 90.0 }],
    category: 'noodles',
    extra: 3,
  },
  {
    name: 'HTX Nông sản Phú Lương',
    kind: 'cooperative',
    district: 'Phú Lương',
    commune: 'Hợp Thành',
    brand: 'Hương Quê',
    known: [{ name: 'Trà tôm nõn hương quê', category: 'tea', stars: 4 }],
    category: 'tea',
    extra: 2,
  },
  {
    name: 'HTX chè sạch Đạt Phát',
    kind: 'cooperative',
    district: 'Phú Lương',
    commune: 'Vô Tranh',
    brand: 'Đạt Phát',
    known: [
      { name: 'Trà tôm nõn Đạt Phát', category: 'tea', stars: 4 },
      { name: 'Trà đinh Đạt Phát', category: 'tea', stars: 4 },
      { name: 'Trà móc câu Đạt Phát', category: 'tea', stars: 4 },
    ],
    category: 'tea',
    extra: 1,
  },
  {
    name: 'HTX chè an toàn Hoan Xuyến',
    kind: 'cooperative',
    district: 'Phú Lương',
    commune: UNKNOWN_COMMUNE,
    brand: 'Hoan Xuyến',
    known: [
      { name: 'Nõn tâm trà', category: 'tea', stars: 4 },
      { name: 'Chè xanh Hoan Xuyến', category: 'tea', stars: 3 },
    ],
    category: 'tea',
    extra: 2,
  },
  {
    name: 'HTX trà Sơn Dung',
    kind: 'cooperative',
    district: 'TP Thái Nguyên',
    commune: UNKNOWN_COMMUNE,
    brand: 'Sơn Dung',
    known: [{ name: 'Trà ướp hoa Sơn Dung', category: 'tea', stars: 4 }],
    category: 'tea',
    extra: 2,
  },
  {
    name: 'Công ty TNHH CNSH Phú Gia',
    kind: 'enterprise',
    district: 'Đại Từ',
    commune: UNKNOWN_COMMUNE,
    brand: 'Phú Gia',
    known: [{ name: 'Nấm hương Phú Gia', category: 'mushrooms', stars: 4 }],
    category: 'mushrooms',
    extra: 2,
  },
  {
    name: 'HTX trà Nguyên Việt',
    kind: 'cooperative',
    district: 'Đồng Hỷ',
    commune: UNKNOWN_COMMUNE,
    brand: 'Nguyên Việt',
    known: [{ name: 'Trà xanh túi lọc Nguyên Việt', category: 'tea', stars: 3 }],
    category: 'tea',
    extra: 2,
  },
  {
    name: 'HTX măng lục trúc MTQ',
    kind: 'cooperative',
    district: 'Đồng Hỷ',
    commune: UNKNOWN_COMMUNE,
    brand: 'MTQ',
    known: [{ name: 'Măng lục trúc MTQ', category: 'fruit_vegetables', stars: 3 }],
    category: 'fruit_vegetables',
    extra: 1,
  },
  {
    name: 'Cơ sở mật ong Phúc Thành',
    kind: 'household',
    district: 'Đồng Hỷ',
    commune: UNKNOWN_COMMUNE,
    brand: 'Phúc Thành',
    known: [{ name: 'Mật ong Phúc Thành', category: 'honey', stars: 3 }],
    category: 'honey',
    extra: 2,
  },
  {
    name: 'HTX gà đồi Phú Bình',
    kind: 'cooperative',
    district: 'Phú Bình',
    commune: UNKNOWN_COMMUNE,
    brand: 'Phú Bình',
    known: [{ name: 'Gà đồi Phú Bình', category: 'meat_products' }],
    category: 'meat_products',
    extra: 2,
  },
  {
    name: 'Tổ hợp tác tương Úc Kỳ',
    kind: 'cooperative_group',
    district: 'Phú Bình',
    commune: 'Úc Kỳ',
    brand: 'Úc Kỳ',
    known: [{ name: 'Tương Úc Kỳ', category: 'spices_sauces' }],
    category: 'spices_sauces',
    extra: 1,
  },
  {
    name: 'HTX nông sản Võ Nhai',
    kind: 'cooperative',
    district: 'Võ Nhai',
    commune: 'La Hiên',
    brand: 'Võ Nhai',
    known: [
      { name: 'Măng khô Võ Nhai', category: 'fruit_vegetables' },
      { name: 'Mộc nhĩ Võ Nhai', category: 'mushrooms' },
    ],
    category: 'mushrooms',
    extra: 1,
  },
];

/** Tea villages and other producers, invented for the demo, in real communes of each district. */
const invented: [string, ProducerKind, string, string, string, number][] = [
  // name, kind, district, commune, main category, products
  ['HTX chè Tân Cương Xanh', 'cooperative', 'TP Thái Nguyên', 'Tân Cương', 'tea', 6],
  ['HTX chè Phúc Xuân', 'cooperative', 'TP Thái Nguyên', 'Phúc Xuân', 'tea', 7],
  ['HTX chè Phúc Trìu', 'cooperative', 'TP Thái Nguyên', 'Phúc Trìu', 'tea', 5],
  ['Hộ kinh doanh chè Quyết Thắng', 'household', 'TP Thái Nguyên', 'Quyết Thắng', 'tea', 3],
  ['HTX chè La Bằng', 'cooperative', 'Đại Từ', 'La Bằng', 'tea', 6],
  ['HTX chè Hoàng Nông', 'cooperative', 'Đại Từ', 'Hoàng Nông', 'tea', 7],
  ['HTX chè Phú Xuyên', 'cooperative', 'Đại Từ', 'Phú Xuyên', 'tea', 5],
  ['HTX chè Khôi Kỳ', 'cooperative', 'Đại Từ', 'Khôi Kỳ', 'tea', 4],
  ['Tổ hợp tác chè Minh Tiến', 'cooperative_group', 'Đại Từ', 'Minh Tiến', 'tea', 4],
  ['HTX chè Phấn Mễ', 'cooperative', 'Phú Lương', 'Phấn Mễ', 'tea', 5],
  ['HTX chè Khe Cốc', 'cooperative', 'Phú Lương', 'Tức Tranh', 'tea', 5],
  ['HTX chè Yên Ninh', 'cooperative', 'Phú Lương', 'Yên Ninh', 'tea', 4],
  ['HTX chè Trại Cài', 'cooperative', 'Đồng Hỷ', 'Minh Lập', 'tea', 5],
  ['HTX chè Sông Cầu', 'cooperative', 'Đồng Hỷ', 'Sông Cầu', 'tea', 7],
  ['HTX chè Bảo Cường', 'cooperative', 'Định Hóa', 'Bảo Cường', 'tea', 7],
  ['HTX chè Phú Đình', 'cooperative', 'Định Hóa', 'Phú Đình', 'tea', 4],
  ['HTX chè Điềm Mặc', 'cooperative', 'Định Hóa', 'Điềm Mặc', 'tea', 4],
  ['Công ty TNHH chè Định Hóa', 'enterprise', 'Định Hóa', 'Trung Hội', 'tea', 5],
  ['HTX chè Vạn Phái', 'cooperative', 'TP Phổ Yên', 'Vạn Phái', 'tea', 5],
  ['HTX chè Minh Đức', 'cooperative', 'TP Phổ Yên', 'Minh Đức', 'tea', 4],
  ['HTX chè Bình Sơn', 'cooperative', 'TP Sông Công', 'Bình Sơn', 'tea', 5],
  ['HTX chè Vinh Sơn', 'cooperative', 'TP Sông Công', 'Vinh Sơn', 'tea', 4],
  ['HTX chè Tràng Xá', 'cooperative', 'Võ Nhai', 'Tràng Xá', 'tea', 4],
  ['Công ty CP trà Thái Nguyên Xanh', 'enterprise', 'TP Thái Nguyên', 'Quyết Thắng', 'tea', 6],
  ['HTX chè Kha Sơn', 'cooperative', 'Phú Bình', 'Kha Sơn', 'tea', 3],
  ['HTX gạo nếp vải Phú Bình', 'cooperative', 'Phú Bình', 'Tân Đức', 'rice', 4],
  ['HTX gạo Bao thai Định Hóa', 'cooperative', 'Định Hóa', 'Kim Phượng', 'rice', 4],
  ['HTX mật ong Võ Nhai', 'cooperative', 'Võ Nhai', 'Thần Sa', 'honey', 3],
  ['Hộ kinh doanh mật ong Đại Từ', 'household', 'Đại Từ', 'Hùng Sơn', 'honey', 3],
  ['HTX miến dong Cao Ngạn', 'cooperative', 'TP Thái Nguyên', 'Cao Ngạn', 'noodles', 3],
  ['HTX bún bánh Phổ Yên', 'cooperative', 'TP Phổ Yên', 'Đắc Sơn', 'noodles', 3],
  ['HTX nấm Sông Công', 'cooperative', 'TP Sông Công', 'Bá Xuyên', 'mushrooms', 3],
  ['Công ty TNHH thực phẩm Đồng Hỷ', 'enterprise', 'Đồng Hỷ', 'Linh Sơn', 'meat_products', 4],
  ['HTX cây ăn quả Đồng Hỷ', 'cooperative', 'Đồng Hỷ', 'Hòa Bình', 'fruit_vegetables', 4],
  ['HTX bánh chưng Bờ Đậu', 'cooperative', 'Phú Lương', 'Cổ Lũng', 'confectionery', 4],
  ['Hộ kinh doanh tương ớt Phú Bình', 'household', 'Phú Bình', 'Điềm Thụy', 'spices_sauces', 3],
  ['HTX miến dong Nam Hòa', 'cooperative', 'Đồng Hỷ', 'Nam Hòa', 'noodles', 3],
  ['HTX nấm Ký Phú', 'cooperative', 'Đại Từ', 'Ký Phú', 'mushrooms', 3],
  ['HTX mật ong Ôn Lương', 'cooperative', 'Phú Lương', 'Ôn Lương', 'honey', 3],
  ['Công ty TNHH giò chả Thái Nguyên', 'enterprise', 'TP Thái Nguyên', 'Gia Sàng', 'meat_products', 3],
];

const teaKinds = [
  ['Chè tôm nõn', 'Búp chè một tôm, hái sớm buổi sáng, sao tay trên chảo gang.'],
  ['Chè nõn tôm', 'Nõn chè non sao sấy thủ công, nước xanh, hậu ngọt.'],
  ['Chè đinh', 'Chè đinh hái từ búp non nhất, thượng hạng.'],
  ['Chè móc câu', 'Cánh chè xoăn như móc câu, hương cốm, vị chát dịu.'],
  ['Chè búp', 'Chè búp truyền thống vùng chè Thái Nguyên.'],
  ['Trà xanh', 'Trà xanh sao sấy, pha được nhiều nước.'],
  ['Hồng trà', 'Trà lên men, nước màu hổ phách, vị dịu.'],
  ['Trà túi lọc', 'Trà xanh túi lọc tiện dụng cho văn phòng.'],
  ['Trà ướp hoa nhài', 'Trà xanh ướp hoa nhài tự nhiên.'],
  ['Chè sen Tân Cương', 'Chè ướp hoa sen, quà biếu Tết.'],
] as const;

const otherKinds: Record<string, [string, string][]> = {
  noodles: [
    ['Miến dong', 'Miến làm từ tinh bột dong riềng, sợi dai, không hóa chất.'],
    ['Miến dong sợi nhỏ', 'Miến dong sợi nhỏ nấu nhanh.'],
    ['Bún khô', 'Bún gạo phơi khô tự nhiên.'],
    ['Bánh đa', 'Bánh đa gạo truyền thống.'],
  ],
  rice: [
    ['Gạo nếp vải', 'Nếp vải hạt tròn, dẻo thơm.'],
    ['Gạo Bao thai', 'Gạo Bao thai Định Hóa, cơm mềm thơm.'],
    ['Gạo nếp cẩm', 'Nếp cẩm đặc sản vùng cao.'],
  ],
  honey: [
    ['Mật ong hoa rừng', 'Mật ong khai thác từ rừng tự nhiên.'],
    ['Mật ong hoa nhãn', 'Mật ong hoa nhãn nguyên chất.'],
    ['Mật ong bạc hà', 'Mật ong hoa bạc hà, vị thanh.'],
  ],
  mushrooms: [
    ['Nấm hương khô', 'Nấm hương sấy khô, thơm đậm.'],
    ['Nấm sò', 'Nấm sò tươi trồng theo VietGAP.'],
    ['Mộc nhĩ đen', 'Mộc nhĩ rừng phơi khô.'],
  ],
  meat_products: [
    ['Gà đồi', 'Gà thả đồi, thịt chắc, da giòn.'],
    ['Giò bê', 'Giò bê đặc sản.'],
    ['Thịt lợn gác bếp', 'Thịt lợn hun khói gác bếp.'],
  ],
  fruit_vegetables: [
    ['Măng khô', 'Măng rừng luộc, phơi khô tự nhiên.'],
    ['Na Đồng Hỷ', 'Na dai La Hiên, quả to, ngọt.'],
    ['Bưởi Quang Sơn', 'Bưởi đặc sản, múi mọng.'],
    ['Rau cải VietGAP', 'Rau cải trồng theo tiêu chuẩn VietGAP.'],
  ],
  spices_sauces: [
    ['Tương nếp', 'Tương làm từ nếp và đậu tương rang.'],
    ['Tương ớt', 'Tương ớt xay thủ công.'],
    ['Măng ớt', 'Măng tươi ngâm ớt tỏi.'],
  ],
  confectionery: [
    ['Bánh chưng Bờ Đậu', 'Bánh chưng gói lá dong, nhân đỗ thịt.'],
    ['Bánh cốm', 'Bánh cốm nhân đỗ xanh.'],
    ['Bánh gai', 'Bánh gai lá gai rừng, nhân đỗ dừa.'],
    ['Kẹo lạc', 'Kẹo lạc mật mía.'],
  ],
  tea: [],
};

interface Pack {
  suffix: string;
  name: string;
  grams: number;
  price: [number, number];
}

const packs: Record<string, Pack[]> = {
  tea: [
    { suffix: '100', name: 'Gói 100g', grams: 100, price: [90_000, 350_000] },
    { suffix: '200', name: 'Hộp 200g', grams: 200, price: [170_000, 650_000] },
    { suffix: '500', name: 'Túi 500g', grams: 500, price: [380_000, 1_500_000] },
  ],
  noodles: [
    { suffix: '500', name: 'Gói 500g', grams: 500, price: [40_000, 75_000] },
    { suffix: '1K', name: 'Gói 1kg', grams: 1000, price: [75_000, 140_000] },
  ],
  rice: [
    { suffix: '2K', name: 'Túi 2kg', grams: 2000, price: [55_000, 90_000] },
    { suffix: '5K', name: 'Túi 5kg', grams: 5000, price: [130_000, 210_000] },
  ],
  honey: [
    { suffix: '500', name: 'Chai 500ml', grams: 700, price: [150_000, 260_000] },
    { suffix: '1L', name: 'Chai 1 lít', grams: 1400, price: [280_000, 480_000] },
  ],
  mushrooms: [
    { suffix: '100', name: 'Túi 100g', grams: 100, price: [60_000, 150_000] },
    { suffix: '300', name: 'Túi 300g', grams: 300, price: [160_000, 400_000] },
  ],
  meat_products: [{ suffix: '1K', name: 'Con / gói 1kg', grams: 1000, price: [180_000, 350_000] }],
  fruit_vegetables: [
    { suffix: '500', name: 'Túi 500g', grams: 500, price: [60_000, 180_000] },
    { suffix: '1K', name: 'Thùng 1kg', grams: 1000, price: [90_000, 250_000] },
  ],
  spices_sauces: [{ suffix: '500', name: 'Chai 500ml', grams: 650, price: [30_000, 70_000] }],
  confectionery: [{ suffix: 'CAI', name: 'Cái 1kg', grams: 1000, price: [60_000, 120_000] }],
};

function codePart(text: string, length: number): string {
  return foldVietnamese(text)
    .split(' ')
    .filter(Boolean)
    .map((w) => w[0])
    .join('')
    .toUpperCase()
    .slice(0, length);
}

function round(value: number, step: number): number {
  return Math.round(value / step) * step;
}

function buildSkus(random: SeededRandom, category: string, productCode: string): SeedSku[] {
  const available = packs[category] ?? packs.tea;
  const count = Math.min(available.length, random.int(1, available.length));
  // One price level per product; bigger packs cost a little less per gram.
  const level = random.next();
  return available.slice(0, count).map((pack) => ({
    code: `${productCode}-${pack.suffix}`,
    name: pack.name,
    priceVnd: round(pack.price[0] + level * (pack.price[1] - pack.price[0]), 5_000),
    weightGrams: pack.grams,
    onHand: random.int(15, 180),
  }));
}

/** Builds the whole demo catalogue, the same every time. */
export function thaiNguyenCatalogue(): SeedProducer[] {
  const random = new SeededRandom(173);
  const drafts: ProducerDraft[] = [
    ...known,
    ...invented.map(([name, kind, district, commune, category, extra]) => ({
      name,
      kind,
      district,
      commune,
      brand: name
        .replace(/^(HTX|Hộ kinh doanh|Tổ hợp tác|Công ty TNHH|Công ty CP)\s+/, '')
        .replace(
          /^(chè|trà|gạo|mật ong|miến dong|bún bánh|nấm|thực phẩm|cây ăn quả|bánh chưng|tương ớt)\s+/i,
          '',
        ),
      known: [],
      category,
      extra,
    })),
  ];

  // Lay out products, then decide ratings so the totals land exactly on the province's figures.
  const producers: SeedProducer[] = [];
  const usedCodes = new Set<string>();
  const products: { product: SeedProduct; fixedStars?: 3 | 4 | 5; score?: number }[] = [];
  for (const draft of drafts) {
    const producer: SeedProducer = {
      name: draft.name,
      kind: draft.kind,
      district: draft.district,
      commune: draft.commune,
      products: [],
    };
    const add = (
      name: string,
      category: string,
      description: string,
      fixedStars?: 3 | 4 | 5,
      score?: number,
    ) => {
      if (producer.products.some((p) => p.name === name)) return;
      let code = `${codePart(draft.brand, 3)}-${codePart(name, 4)}`;
      for (let n = 2; usedCodes.has(code); n += 1)
        code = `${codePart(draft.brand, 3)}-${codePart(name, 4)}${n}`;
      usedCodes.add(code);
      const product: SeedProduct = {
        name,
        category,
        description,
        skus: buildSkus(random, category, code),
        rating: { kind: 'none' },
      };
      producer.products.push(product);
      products.push({ product, fixedStars, score });
    };
    for (const k of draft.known)
      add(k.name, k.category, `${k.name} — sản phẩm OCOP của ${draft.name}.`, k.stars, k.score);
    const kinds = draft.category === 'tea' ? [...teaKinds] : otherKinds[draft.category];
    const offsets = random.shuffle([...kinds.keys()]);
    for (let i = 0; i < draft.extra && i < offsets.length; i += 1) {
      const [kind, description] = kinds[offsets[i]];
      add(`${kind} ${draft.brand}`, draft.category, description);
    }
    producers.push(producer);
  }

  assignRatings(random, products);
  return producers;
}

function assignRatings(
  random: SeededRandom,
  products: { product: SeedProduct; fixedStars?: 3 | 4 | 5; score?: number }[],
): void {
  const tea = products.filter((p) => p.product.category === 'tea');
  const other = products.filter((p) => p.product.category !== 'tea');
  const certify = (list: typeof products, count: number) => {
    const fixed = list.filter((p) => p.fixedStars !== undefined);
    const rest = random.shuffle(list.filter((p) => p.fixedStars === undefined));
    return {
      chosen: [...fixed, ...rest.slice(0, count - fixed.length)],
      left: rest.slice(count - fixed.length),
    };
  };
  const teaPick = certify(tea, TARGET.tea);
  const otherPick = certify(other, TARGET.certified - TARGET.tea);
  if (teaPick.chosen.length !== TARGET.tea || otherPick.chosen.length !== TARGET.certified - TARGET.tea) {
    throw new Error(
      `demo catalogue too small: ${teaPick.chosen.length} tea and ${otherPick.chosen.length} other products to certify`,
    );
  }
  const certified = [...teaPick.chosen, ...otherPick.chosen];
  const quota: Record<3 | 4 | 5, number> = { 3: TARGET.stars3, 4: TARGET.stars4, 5: TARGET.stars5 };
  for (const p of certified) if (p.fixedStars) quota[p.fixedStars] -= 1;
  const open = random.shuffle(certified.filter((p) => p.fixedStars === undefined));
  open.forEach((p, i) => {
    p.fixedStars = i < quota[4] ? 4 : 3;
  });
  for (const p of certified) {
    p.product.rating = {
      kind: 'certified',
      stars: p.fixedStars ?? 3,
      score: p.score,
      renewed: random.next() < 0.15,
    };
  }
  // Those left over tell the rest of the story: expired, revoked, refused, never assessed.
  const leftovers = random.shuffle([...teaPick.left, ...otherPick.left]);
  const reasons = [
    'Vi phạm quy định ghi nhãn hàng hóa',
    'Không duy trì tiêu chuẩn chất lượng khi đánh giá lại',
    'Không còn sản xuất sản phẩm',
  ];
  leftovers.forEach((p, i) => {
    if (i < 5) p.product.rating = { kind: 'expired', stars: random.next() < 0.7 ? 3 : 4 };
    else if (i < 8) p.product.rating = { kind: 'revoked', stars: 3, reason: reasons[i - 5] };
    else if (i < 12) p.product.rating = { kind: 'not_certified', mandatoryCriteriaMet: i % 2 === 0 };
    else p.product.rating = { kind: 'none' };
  });
}
