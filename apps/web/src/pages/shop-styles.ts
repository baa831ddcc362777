/**
 * What each marketplace style asks of a seller to connect a shop (docs/marketplaces.md,
 * "Credentials by style"), and where in its seller centre each value is found. The names are the
 * ones the API's `credentials` object takes; nothing else is sent.
 */
import type { Schemas } from '../api';

export type Marketplace = Schemas['ConnectionResponse']['marketplace'];

export interface CredentialField {
  /** the key in `credentials` */
  name: string;
  vi: string;
  en: string;
  secret: boolean;
  where: string;
}

export interface ShopStyle {
  seller: string;
  shopIdHelp: string;
  fields: CredentialField[];
  webhookSecretHelp: string;
  /**
   * The credential that is also the webhook secret (Shopee, TikTok Shop and Lazada sign pushes with
   * the app's secret): the form asks it once and sends it as both.
   */
  webhookSecretFrom?: string;
  /** where the seller pastes the webhook address we give back */
  webhookPlace: string;
}

/** The `credentials` object a form sends: each field the style names, trimmed, and the webhook secret. */
export function credentialsToSend(
  style: ShopStyle,
  values: Record<string, string>,
  webhookSecret: string,
): Record<string, string> {
  const credentials: Record<string, string> = {};
  for (const field of style.fields) credentials[field.name] = (values[field.name] ?? '').trim();
  credentials.webhookSecret = style.webhookSecretFrom
    ? credentials[style.webhookSecretFrom]
    : webhookSecret.trim();
  return credentials;
}

/** The one-time code fields of the app-based styles share their wording (TikTok Shop names it auth_code). */
const authorizationCode = (where: string, name = 'code'): CredentialField => ({
  name,
  vi: 'Mã ủy quyền (dùng một lần)',
  en: 'one-time authorization code',
  secret: true,
  where,
});

export const SHOP_STYLES: Record<Marketplace, ShopStyle> = {
  sendo: {
    seller: 'Sendo Seller Center (ban.sendo.vn)',
    shopIdHelp: 'Sendo Seller Center → Thông tin shop → "Mã shop" (shop id).',
    fields: [
      {
        name: 'shop_key',
        vi: 'Mã khóa shop',
        en: 'shop key',
        secret: false,
        where: 'Sendo Seller Center → Cài đặt → Kết nối API → "Shop key".',
      },
      {
        name: 'secret_key',
        vi: 'Khóa bí mật',
        en: 'secret key',
        secret: true,
        where: 'Cùng trang Kết nối API → "Secret key" (bấm "Hiện" để xem).',
      },
    ],
    webhookSecretHelp: 'Sendo Seller Center → Cài đặt → Kết nối API → Webhook → "Khóa ký webhook".',
    webhookPlace: 'Sendo Seller Center → Cài đặt → Kết nối API → Webhook → "Địa chỉ nhận (URL)"',
  },
  voso: {
    seller: 'Voso Seller (kênh người bán Voso)',
    shopIdHelp: 'Voso Seller → Quản lý gian hàng → Thông tin gian hàng → "Mã gian hàng".',
    fields: [
      {
        name: 'USERNAME',
        vi: 'Tên đăng nhập',
        en: 'username',
        secret: false,
        where: 'Tên đăng nhập trang người bán Voso (thường là số điện thoại của gian hàng).',
      },
      {
        name: 'PASSWORD',
        vi: 'Mật khẩu',
        en: 'password',
        secret: true,
        where: 'Mật khẩu đăng nhập trang người bán Voso.',
      },
    ],
    webhookSecretHelp: 'Voso Seller → Cài đặt → Tích hợp → Webhook → "Secret".',
    webhookPlace: 'Voso Seller → Cài đặt → Tích hợp → Webhook → "URL nhận sự kiện"',
  },
  postmart: {
    seller: 'Postmart Người bán (người bán Postmart)',
    shopIdHelp: 'Postmart Người bán → Gian hàng của tôi → "ID gian hàng".',
    fields: [
      {
        name: 'app_key',
        vi: 'Mã ứng dụng',
        en: 'app key',
        secret: false,
        where: 'Postmart Người bán → Tích hợp → Ứng dụng API → "App key".',
      },
      {
        name: 'app_secret',
        vi: 'Khóa bí mật ứng dụng',
        en: 'app secret',
        secret: true,
        where: 'Cùng trang Ứng dụng API → "App secret".',
      },
    ],
    webhookSecretHelp: 'Postmart Người bán → Tích hợp → Webhook → "Khóa ký (signing secret)".',
    webhookPlace: 'Postmart Người bán → Tích hợp → Webhook → "Địa chỉ webhook"',
  },
  shopee: {
    seller: 'Shopee Kênh Người Bán và Shopee Open Platform (open.shopee.com)',
    shopIdHelp: 'Shopee Kênh Người Bán → Hồ sơ shop → "Shop ID" (một dãy số).',
    fields: [
      {
        name: 'partner_id',
        vi: 'Mã đối tác (Partner ID)',
        en: 'partner id',
        secret: false,
        where: 'Shopee Open Platform → App của bạn → "Partner ID".',
      },
      {
        name: 'partner_key',
        vi: 'Khóa đối tác (Partner Key)',
        en: 'partner key',
        secret: true,
        where: 'Cùng trang App → "Partner Key". Shopee ký webhook bằng khóa này.',
      },
      authorizationCode(
        'Sau khi shop bấm "Ủy quyền" cho app trên Shopee, trang chuyển về kèm "code=…": dán mã đó vào đây trong vòng 10 phút.',
      ),
    ],
    webhookSecretHelp: 'Shopee ký webhook bằng Partner Key ở trên: không cần nhập thêm.',
    webhookSecretFrom: 'partner_key',
    webhookPlace: 'Shopee Open Platform → App → Push Mechanism → "Callback URL" (chọn "Order status push")',
  },
  tiktok: {
    seller: 'TikTok Shop Seller Center và TikTok Shop Partner Center (partner.tiktokshop.com)',
    shopIdHelp: 'TikTok Shop Seller Center → Tài khoản → Thông tin cửa hàng → "Shop ID".',
    fields: [
      {
        name: 'app_key',
        vi: 'Mã ứng dụng (App key)',
        en: 'app key',
        secret: false,
        where: 'TikTok Shop Partner Center → App & Service → app của bạn → "App key".',
      },
      {
        name: 'app_secret',
        vi: 'Khóa bí mật ứng dụng (App secret)',
        en: 'app secret',
        secret: true,
        where: 'Cùng trang → "App secret". TikTok Shop ký webhook bằng khóa này.',
      },
      authorizationCode(
        'Sau khi cửa hàng ủy quyền cho app, trang chuyển về kèm "code=…": dán mã đó vào đây trong vòng 30 phút.',
        'auth_code',
      ),
    ],
    webhookSecretHelp: 'TikTok Shop ký webhook bằng App secret ở trên: không cần nhập thêm.',
    webhookSecretFrom: 'app_secret',
    webhookPlace: 'TikTok Shop Partner Center → App → Webhooks → "Order status change" → URL',
  },
  lazada: {
    seller: 'Lazada Seller Center và Lazada Open Platform (open.lazada.com)',
    shopIdHelp: 'Lazada Seller Center → Tài khoản → Hồ sơ người bán → "Seller ID".',
    fields: [
      {
        name: 'app_key',
        vi: 'Mã ứng dụng (App key)',
        en: 'app key',
        secret: false,
        where: 'Lazada Open Platform → App Console → app của bạn → "App Key".',
      },
      {
        name: 'app_secret',
        vi: 'Khóa bí mật ứng dụng (App secret)',
        en: 'app secret',
        secret: true,
        where: 'Cùng trang → "App Secret". Lazada ký thông báo đẩy bằng khóa này.',
      },
      authorizationCode(
        'Sau khi người bán ủy quyền cho app, trang chuyển về kèm "code=…": dán mã đó vào đây trong vòng 30 phút.',
      ),
    ],
    webhookSecretHelp: 'Lazada ký thông báo đẩy bằng App secret ở trên: không cần nhập thêm.',
    webhookSecretFrom: 'app_secret',
    webhookPlace: 'Lazada Open Platform → App Console → Push Mechanism → "Callback URL" (Trade Order)',
  },
};
