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
  /** where the seller pastes the webhook address we give back */
  webhookPlace: string;
}

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
};
