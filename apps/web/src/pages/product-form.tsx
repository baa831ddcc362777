/**
 * Create or edit a product with its SKUs (#/products/new, #/products/:id). The form keeps what was
 * typed when a save fails; the API's message for a field is shown under that field.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, ok } from '../api';
import type { Product, Sku } from '../api';
import { formatDate, formatDateTime, formatVnd, formatWeight, parseWholeNumber } from '../format';
import { PRODUCT_STATUS_LABELS, stars } from '../labels';
import { go, href } from '../router';
import { can, producerName, useSession } from '../session';
import { ErrorNote, Field, fieldError, Loading, PageTitle, useLoad, usePage } from '../ui';
import { useCategories } from './categories';
import { ProductListings } from './product-listings';

interface SkuDraft {
  id?: string;
  code: string;
  name: string;
  price: string;
  weight: string;
  onHand: string;
  safety: string;
}

interface Draft {
  name: string;
  category: string;
  description: string;
  images: string;
  skus: SkuDraft[];
}

const EMPTY_SKU: SkuDraft = { code: '', name: '', price: '', weight: '', onHand: '0', safety: '0' };

function draftOf(product: Product): Draft {
  return {
    name: product.name,
    category: product.category,
    description: product.description ?? '',
    images: product.imageUrls.join('\n'),
    skus: product.skus.map((s) => ({
      id: s.id,
      code: s.code,
      name: s.name,
      price: String(s.priceVnd),
      weight: String(s.weightGrams),
      onHand: String(s.onHand),
      safety: String(s.safetyStock),
    })),
  };
}

const imageList = (text: string) =>
  text
    .split(/\s*\n\s*/)
    .map((line) => line.trim())
    .filter(Boolean);

/** A field the API reported under another name: "skus.1.priceVnd" for the second SKU's price. */
interface Problem {
  error: unknown;
  /** which SKU row a PATCH or POST of one SKU was about */
  skuIndex?: number;
}

export function ProductForm({ id }: { id?: string }): JSX.Element {
  const session = useSession();
  const loaded = useLoad(
    () => (id ? ok(api.GET('/v1/products/{id}', { params: { path: { id } } })) : Promise.resolve(undefined)),
    [id],
  );
  usePage(id ? 'product' : 'product-new', id ? 'Sản phẩm' : 'Thêm sản phẩm', !loaded.loading);
  if (id && loaded.error) {
    return (
      <>
        <PageTitle vi="Sản phẩm" en="product" />
        <ErrorNote error={loaded.error} />
        <p>
          <a href="#/products">← Danh sách sản phẩm (products)</a>
        </p>
      </>
    );
  }
  if (id && !loaded.data) return <Loading />;
  const readOnly = !can.writeCatalogue(session.me.role);
  return (
    <ProductEditor key={id ?? 'new'} product={loaded.data} readOnly={readOnly} onSaved={loaded.reload} />
  );
}

function ProductEditor({
  product,
  readOnly,
  onSaved,
}: {
  product?: Product;
  readOnly: boolean;
  onSaved: () => void;
}): JSX.Element {
  const session = useSession();
  const categories = useCategories();
  const [draft, setDraft] = useState<Draft>(() =>
    product
      ? draftOf(product)
      : { name: '', category: '', description: '', images: '', skus: [{ ...EMPTY_SKU }] },
  );
  const [problem, setProblem] = useState<Problem>();
  const [saved, setSaved] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (product) setDraft(draftOf(product));
  }, [product]);

  const cooperativeId = product?.cooperativeId ?? session.producerId;
  const set = (change: Partial<Draft>) => setDraft((d) => ({ ...d, ...change }));
  const setSku = (index: number, change: Partial<SkuDraft>) =>
    setDraft((d) => ({ ...d, skus: d.skus.map((s, i) => (i === index ? { ...s, ...change } : s)) }));

  const skuError = (index: number, field: string): string | undefined => {
    if (!problem) return undefined;
    if (problem.skuIndex === index) return fieldError(problem.error, field);
    return fieldError(problem.error, `skus.${index}.${field}`);
  };
  const productError = (field: string) =>
    problem?.skuIndex === undefined ? fieldError(problem?.error, field) : undefined;

  async function save(event: Event): Promise<void> {
    event.preventDefault();
    setBusy(true);
    setProblem(undefined);
    setSaved(undefined);
    try {
      if (!product) await create();
      else await update(product);
    } finally {
      setBusy(false);
    }
  }

  function skuInput(s: SkuDraft) {
    return {
      code: s.code.trim(),
      name: s.name.trim(),
      priceVnd: parseWholeNumber(s.price),
      weightGrams: parseWholeNumber(s.weight),
      onHand: parseWholeNumber(s.onHand),
      safetyStock: parseWholeNumber(s.safety),
    };
  }

  async function create(): Promise<void> {
    if (!cooperativeId) {
      setProblem({
        error: new ApiError(
          400,
          'validation_failed',
          'Hãy chọn chủ thể OCOP ở thanh trên (choose a producer first).',
        ),
      });
      return;
    }
    try {
      const created = await ok(
        api.POST('/v1/products', {
          body: {
            cooperativeId,
            name: draft.name.trim(),
            category: draft.category,
            description: draft.description.trim() || undefined,
            imageUrls: imageList(draft.images),
            skus: draft.skus.map(skuInput),
          },
        }),
      );
      go(`/products/${created.id}`, { saved: 1 });
    } catch (error) {
      setProblem({ error });
    }
  }

  async function update(current: Product): Promise<void> {
    const step = { skuIndex: undefined as number | undefined };
    try {
      const images = imageList(draft.images);
      const change = {
        name: draft.name.trim() !== current.name ? draft.name.trim() : undefined,
        category: draft.category !== current.category ? draft.category : undefined,
        description:
          draft.description.trim() !== (current.description ?? '') ? draft.description.trim() : undefined,
        imageUrls: images.join('\n') !== current.imageUrls.join('\n') ? images : undefined,
      };
      if (Object.values(change).some((v) => v !== undefined)) {
        await ok(api.PATCH('/v1/products/{id}', { params: { path: { id: current.id } }, body: change }));
      }
      for (const [index, sku] of draft.skus.entries()) {
        step.skuIndex = index;
        const input = skuInput(sku);
        const before = current.skus.find((s) => s.id === sku.id);
        if (!before) {
          await ok(api.POST('/v1/products/{id}/skus', { params: { path: { id: current.id } }, body: input }));
        } else if (skuChanged(before, input)) {
          await ok(
            api.PATCH('/v1/skus/{id}', {
              params: { path: { id: before.id } },
              body: {
                name: input.name,
                priceVnd: input.priceVnd,
                weightGrams: input.weightGrams,
                safetyStock: input.safetyStock,
              },
            }),
          );
        }
      }
      setSaved('Đã lưu sản phẩm (product saved).');
      onSaved();
    } catch (error) {
      // what was saved before the failure stays saved; the reload shows it, the draft keeps the rest
      setProblem({ error, skuIndex: step.skuIndex });
    }
  }

  async function setStatus(status: 'active' | 'archived'): Promise<void> {
    if (!product) return;
    setBusy(true);
    try {
      await ok(api.PATCH('/v1/products/{id}', { params: { path: { id: product.id } }, body: { status } }));
      setSaved(
        status === 'archived' ? 'Đã lưu trữ sản phẩm (archived).' : 'Đã bán lại sản phẩm (active again).',
      );
      onSaved();
    } catch (error) {
      setProblem({ error });
    } finally {
      setBusy(false);
    }
  }

  const images = imageList(draft.images);
  const justCreated = new URLSearchParams(location.hash.split('?')[1] ?? '').has('saved');
  return (
    <>
      <p class="breadcrumb">
        <a href="#/products">← Sản phẩm (products)</a>
      </p>
      <PageTitle vi={product ? product.name : 'Thêm sản phẩm'} en={product ? 'product' : 'new product'}>
        {product?.ocop ? (
          <span class="badge badge-ocop" title={`OCOP đến ${formatDate(product.ocop.validUntil)}`}>
            OCOP {stars(product.ocop.stars)}
          </span>
        ) : null}
        {product ? <span class="badge badge-muted">{PRODUCT_STATUS_LABELS[product.status]}</span> : null}
      </PageTitle>
      {product && session.me.role !== 'cooperative' ? (
        <p class="hint">Chủ thể OCOP (producer): {producerName(session, product.cooperativeId)}</p>
      ) : null}
      {product?.updatedBy ? (
        <p class="hint" data-updated-by={product.updatedBy.name}>
          Sửa lần cuối bởi {product.updatedBy.name} lúc {formatDateTime(product.updatedAt)} (last changed by)
        </p>
      ) : null}
      {!product && !cooperativeId ? (
        <p class="form-error" role="alert">
          Hãy chọn chủ thể OCOP ở thanh trên trước khi thêm sản phẩm (choose a producer in the top bar first).
        </p>
      ) : null}
      {saved || justCreated ? (
        <p class="form-ok" role="status">
          {saved ?? 'Đã tạo sản phẩm (product created).'}
        </p>
      ) : null}
      {problem ? <ErrorNote error={problem.error} /> : null}
      <form class="form" onSubmit={(event) => void save(event)} aria-label="Sản phẩm (product)">
        <fieldset disabled={readOnly || busy}>
          <Field id="name" vi="Tên sản phẩm" en="product name" error={productError('name')}>
            <input
              id="name"
              required
              maxLength={300}
              value={draft.name}
              onInput={(e) => set({ name: e.currentTarget.value })}
            />
          </Field>
          <Field id="category" vi="Danh mục" en="category" error={productError('category')}>
            <select
              id="category"
              required
              value={draft.category}
              onChange={(e) => set({ category: e.currentTarget.value })}
            >
              <option value="">— Chọn danh mục (choose) —</option>
              {categories.map((c) => (
                <option key={c.slug} value={c.slug}>
                  {c.nameVi} ({c.nameEn})
                </option>
              ))}
            </select>
          </Field>
          <Field id="description" vi="Mô tả" en="description" error={productError('description')}>
            <textarea
              id="description"
              rows={4}
              maxLength={20000}
              value={draft.description}
              onInput={(e) => set({ description: e.currentTarget.value })}
            />
          </Field>
          <Field
            id="images"
            vi="Ảnh (mỗi dòng một địa chỉ)"
            en="image URLs, one per line"
            error={productError('imageUrls') ?? productError('imageUrls.0')}
          >
            <textarea
              id="images"
              rows={3}
              value={draft.images}
              placeholder="https://…/che-tom-non.jpg"
              onInput={(e) => set({ images: e.currentTarget.value })}
            />
          </Field>
          {images.length > 0 ? (
            <ul class="image-previews" aria-label="Xem trước ảnh (image previews)">
              {images.slice(0, 20).map((url, i) => (
                <li key={url}>
                  <img
                    src={url}
                    alt={`Ảnh ${i + 1} của ${draft.name || 'sản phẩm'}`}
                    loading="lazy"
                    referrerpolicy="no-referrer"
                  />
                </li>
              ))}
            </ul>
          ) : null}
        </fieldset>
        <h2>
          Mã SKU và quy cách <small lang="en">(SKUs and packs)</small>
        </h2>
        {draft.skus.map((sku, index) => (
          <fieldset
            class="sku"
            key={sku.id ?? `new-${index}`}
            disabled={readOnly || busy}
            data-sku-index={index}
          >
            <legend>
              Quy cách {index + 1} <small lang="en">(SKU {index + 1})</small>
              {sku.id ? (
                <a class="legend-link" href={href('/stock', { sku: sku.id })}>
                  Lịch sử kho (movements)
                </a>
              ) : null}
            </legend>
            <div class="grid">
              <Field id={`sku-${index}-code`} vi="Mã SKU" en="SKU code" error={skuError(index, 'code')}>
                <input
                  id={`sku-${index}-code`}
                  required
                  maxLength={64}
                  readOnly={Boolean(sku.id)}
                  value={sku.code}
                  onInput={(e) => setSku(index, { code: e.currentTarget.value })}
                />
              </Field>
              <Field id={`sku-${index}-name`} vi="Quy cách" en="pack" error={skuError(index, 'name')}>
                <input
                  id={`sku-${index}-name`}
                  required
                  maxLength={200}
                  placeholder="Hộp 100g"
                  value={sku.name}
                  onInput={(e) => setSku(index, { name: e.currentTarget.value })}
                />
              </Field>
              <Field
                id={`sku-${index}-price`}
                vi="Giá bán (đồng)"
                en="price, ₫"
                error={skuError(index, 'priceVnd')}
                hint={parseWholeNumber(sku.price) > 0 ? formatVnd(parseWholeNumber(sku.price)) : undefined}
              >
                <input
                  id={`sku-${index}-price`}
                  required
                  inputMode="numeric"
                  value={sku.price}
                  aria-describedby={`sku-${index}-price-hint`}
                  onInput={(e) => setSku(index, { price: e.currentTarget.value })}
                />
              </Field>
              <Field
                id={`sku-${index}-weight`}
                vi="Khối lượng (gam)"
                en="weight, g"
                error={skuError(index, 'weightGrams')}
                hint={
                  parseWholeNumber(sku.weight) > 0 ? formatWeight(parseWholeNumber(sku.weight)) : undefined
                }
              >
                <input
                  id={`sku-${index}-weight`}
                  required
                  inputMode="numeric"
                  value={sku.weight}
                  onInput={(e) => setSku(index, { weight: e.currentTarget.value })}
                />
              </Field>
              <Field
                id={`sku-${index}-on-hand`}
                vi="Tồn kho"
                en="on hand"
                error={skuError(index, 'onHand')}
                hint={sku.id ? 'Đổi tồn kho ở trang Kho (change it on the stock page)' : undefined}
              >
                <input
                  id={`sku-${index}-on-hand`}
                  inputMode="numeric"
                  readOnly={Boolean(sku.id)}
                  value={sku.onHand}
                  onInput={(e) => setSku(index, { onHand: e.currentTarget.value })}
                />
              </Field>
              <Field
                id={`sku-${index}-safety`}
                vi="Tồn tối thiểu"
                en="safety stock"
                error={skuError(index, 'safetyStock')}
              >
                <input
                  id={`sku-${index}-safety`}
                  inputMode="numeric"
                  value={sku.safety}
                  onInput={(e) => setSku(index, { safety: e.currentTarget.value })}
                />
              </Field>
            </div>
            {!sku.id && draft.skus.length > 1 ? (
              <button
                type="button"
                class="button button-quiet"
                onClick={() => setDraft((d) => ({ ...d, skus: d.skus.filter((_, i) => i !== index) }))}
              >
                Bỏ quy cách này <small lang="en">(remove this SKU)</small>
              </button>
            ) : null}
          </fieldset>
        ))}
        {readOnly ? null : (
          <div class="form-actions">
            <button
              type="button"
              class="button button-secondary"
              disabled={busy}
              onClick={() => setDraft((d) => ({ ...d, skus: [...d.skus, { ...EMPTY_SKU }] }))}
            >
              Thêm quy cách <small lang="en">(add a SKU)</small>
            </button>
            <button
              type="submit"
              class="button button-primary"
              disabled={busy || (!product && !cooperativeId)}
            >
              Lưu sản phẩm <small lang="en">(save product)</small>
            </button>
            {product ? (
              <button
                type="button"
                class="button button-quiet"
                disabled={busy}
                onClick={() => void setStatus(product.status === 'archived' ? 'active' : 'archived')}
              >
                {product.status === 'archived' ? 'Bán lại (restore)' : 'Lưu trữ sản phẩm (archive)'}
              </button>
            ) : null}
          </div>
        )}
      </form>
      {product ? <ProductListings product={product} /> : null}
    </>
  );
}

function skuChanged(
  before: Sku,
  input: { name: string; priceVnd: number; weightGrams: number; safetyStock: number },
): boolean {
  return (
    before.name !== input.name ||
    before.priceVnd !== input.priceVnd ||
    before.weightGrams !== input.weightGrams ||
    before.safetyStock !== input.safetyStock
  );
}
