/** Vietnamese first, English beside where an officer may share the screen with a partner. */
export const MARKETPLACE_LABELS: Record<string, string> = {
  sendo: 'Sendo',
  voso: 'Voso',
  postmart: 'Postmart',
  shopee: 'Shopee',
  tiktok: 'TikTok Shop',
  lazada: 'Lazada',
};
export const MARKETPLACES = ['sendo', 'voso', 'postmart', 'shopee', 'tiktok', 'lazada'] as const;
/** Six hues told apart on screen and in print (the charts label every series too). */
export const MARKETPLACE_COLOURS: Record<string, string> = {
  sendo: '#d62828',
  voso: '#f77f00',
  postmart: '#1d4e89',
  shopee: '#c2185b',
  tiktok: '#111111',
  lazada: '#6a3fd6',
};

export const HEALTH = ['synced', 'lagging', 'pending', 'error'] as const;
export type Health = (typeof HEALTH)[number];
export const HEALTH_LABELS: Record<Health, string> = {
  synced: 'Đã đồng bộ (synced)',
  lagging: 'Đang chờ cập nhật (lagging)',
  pending: 'Chờ đăng (pending)',
  error: 'Lỗi (error)',
};
export const HEALTH_COLOURS: Record<Health, string> = {
  synced: '#2a9d8f',
  lagging: '#e9c46a',
  pending: '#8d99ae',
  error: '#d62828',
};

export const CONNECTION_LABELS: Record<string, string> = {
  active: 'Hoạt động (active)',
  paused: 'Tạm dừng (paused)',
  auth_failed: 'Sai thông tin đăng nhập (auth failed)',
};

export const CERTIFICATE_LABELS: Record<string, string> = {
  active: 'Còn hiệu lực (active)',
  expired: 'Hết hạn (expired)',
  revoked: 'Bị thu hồi (revoked)',
  superseded: 'Được thay thế (superseded)',
};

export const ROLE_LABELS: Record<string, string> = {
  admin: 'Quản trị (admin)',
  officer: 'Cán bộ (officer)',
  cooperative: 'Nhà sản xuất (producer)',
};

export const stars = (n: number): string => `${n}★`;
/** The star levels a product is certified at, as the API keys its figures by stars. */
export const STAR_LEVELS = ['3', '4', '5'] as const;
export const NO_DISTRICT = 'Chưa rõ huyện (no district)';

export const PRODUCT_STATUS_LABELS: Record<string, string> = {
  active: 'Đang bán (active)',
  archived: 'Đã lưu trữ (archived)',
};

/** A listing as a person sees it (pages/product-listings.tsx, listingState). */
export const LISTING_STATUS_LABELS: Record<string, string> = {
  'not-listed': 'Chưa đăng bán (not listed)',
  syncing: 'Đang đồng bộ (syncing)',
  synced: 'Đã đồng bộ (synced)',
  error: 'Lỗi đồng bộ (sync error)',
};

export const MOVEMENT_LABELS: Record<string, string> = {
  initial: 'Tồn ban đầu (initial)',
  adjustment: 'Điều chỉnh (adjustment)',
  stock_take: 'Kiểm kê (stock take)',
  order: 'Đơn hàng (order)',
};

export const IMPORT_STATUS_LABELS: Record<string, string> = {
  new: 'Mới (new)',
  changed: 'Thay đổi (changed)',
  unchanged: 'Không đổi (unchanged)',
  refused: 'Bị từ chối (refused)',
};

/** The spreadsheet's columns as the preview names a change (the column headers' words). */
export const IMPORT_FIELD_LABELS: Record<string, string> = {
  productName: 'Tên sản phẩm',
  category: 'Danh mục',
  description: 'Mô tả',
  imageUrls: 'Ảnh',
  packName: 'Quy cách',
  priceVnd: 'Giá bán',
  weightGrams: 'Khối lượng',
  onHand: 'Tồn kho',
  safetyStock: 'Tồn tối thiểu',
  status: 'Trạng thái',
};

/** The connector's order statuses in WORKSPACE.md's words. */
export const ORDER_STATUSES = [
  'pending',
  'confirmed',
  'shipped',
  'delivered',
  'cancelled',
  'returned',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  pending: 'Chờ xác nhận (pending)',
  confirmed: 'Đã xác nhận (confirmed)',
  shipped: 'Đang giao (shipped)',
  delivered: 'Đã giao (delivered)',
  cancelled: 'Đã hủy (cancelled)',
  returned: 'Trả hàng (returned)',
};
export const OVERSOLD_LABEL = 'Vượt tồn (oversold)';
