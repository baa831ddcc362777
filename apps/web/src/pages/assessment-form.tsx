/**
 * Ghi đánh giá (#/assessments/new): an officer records an OCOP council's decision. The total,
 * stars, whether it certifies and the council level for the decision date are computed as typed by
 * the API's own rules (../ocop-rules), so what the form shows is what the API will store.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, ok } from '../api';
import type { Product } from '../api';
import { formatDate, formatNumber, vietnamToday } from '../format';
import { stars as starsLabel } from '../labels';
import { certifies, recognisingLevel, scoreTotal, starsFor, validUntil } from '../ocop-rules';
import type { Level, ScorePart } from '../ocop-rules';
import { go, href } from '../router';
import { producerName, useSession } from '../session';
import {
  ErrorNote,
  Field,
  fieldError,
  FormProblem,
  Loading,
  PageTitle,
  useLoad,
  usePage,
  useSubmit,
} from '../ui';
import { levelName, useOcopReference } from './ocop-reference';

interface Draft {
  partA: string;
  partB: string;
  partC: string;
  mandatoryCriteriaMet: boolean;
  decisionNo: string;
  decidedAt: string;
  /** what the officer chose; null while the form follows the level the rules name */
  level: Level | null;
}

/** "25,5" or "25.5" → 25.5; '' or anything else → NaN (the API names the field it refuses). */
export function parseScore(text: string): number {
  const cleaned = text.trim().replace(',', '.');
  return /^\d+(\.\d{1,2})?$/.test(cleaned) ? Number(cleaned) : Number.NaN;
}

const FIELDS = ['partA', 'partB', 'partC', 'mandatoryCriteriaMet', 'decisionNo', 'decidedAt', 'level'];

export function AssessmentFormPage({ query }: { query: URLSearchParams }): JSX.Element {
  const session = useSession();
  const reference = useOcopReference();
  const [productId, setProductId] = useState<string | null>(query.get('product'));
  const chosen = useLoad(
    () =>
      productId
        ? ok(api.GET('/v1/products/{id}', { params: { path: { id: productId } } }))
        : Promise.resolve(null),
    [productId],
  );
  const [draft, setDraft] = useState<Draft>({
    partA: '',
    partB: '',
    partC: '',
    mandatoryCriteriaMet: true,
    decisionNo: '',
    decidedAt: vietnamToday(),
    level: null,
  });
  const [notCertified, setNotCertified] = useState<string>();
  const { busy, problem, submit } = useSubmit();
  usePage('assessment-new', 'Ghi đánh giá', reference.data !== undefined || reference.error !== undefined);

  if (reference.error) return <ErrorNote error={reference.error} />;
  const rules = reference.data;
  if (!rules) return <Loading />;

  const set = (change: Partial<Draft>) => {
    setNotCertified(undefined);
    setDraft((d) => ({ ...d, ...change }));
  };
  const parts = {
    partA: parseScore(draft.partA),
    partB: parseScore(draft.partB),
    partC: parseScore(draft.partC),
  };
  const complete = Object.values(parts).every((value) => Number.isFinite(value));
  const total = complete ? scoreTotal(parts) : null;
  const stars = total === null ? null : starsFor(total, rules);
  const ruled = stars === null ? undefined : recognisingLevel(stars, draft.decidedAt, rules);
  const level = draft.level ?? ruled ?? 'province';
  const certified = stars !== null && certifies(stars, draft.mandatoryCriteriaMet, rules);
  const dated = /^\d{4}-\d{2}-\d{2}$/.test(draft.decidedAt);

  const save = (event: Event) =>
    submit(event, async () => {
      if (!productId) {
        throw new ApiError(400, 'validation_failed', 'Hãy chọn sản phẩm (choose the product first).', [
          { field: 'product', message: 'Hãy chọn sản phẩm (choose the product first).' },
        ]);
      }
      const saved = await ok(
        api.POST('/v1/products/{id}/ocop-assessments', {
          params: { path: { id: productId } },
          body: {
            ...parts,
            mandatoryCriteriaMet: draft.mandatoryCriteriaMet,
            level,
            decisionNo: draft.decisionNo.trim(),
            decidedAt: draft.decidedAt,
          },
        }),
      );
      if (saved.validUntil !== null) go(`/certificates/${saved.id}`, { saved: 1 });
      else setNotCertified(saved.id);
    });

  // a 422 (the level does not fit the date and stars) names no field: it belongs by the level
  const levelProblem =
    fieldError(problem, 'level') ??
    (problem instanceof ApiError && problem.status === 422 ? problem.message : undefined);
  return (
    <>
      <p class="breadcrumb">
        <a href="#/certificates">← Chứng nhận OCOP (certificates)</a>
      </p>
      <PageTitle vi="Ghi kết quả đánh giá, phân hạng" en="record an assessment" />
      {notCertified ? (
        <p class="form-ok" role="status" data-saved={notCertified}>
          Đã lưu đánh giá: {stars === null ? '' : starsLabel(stars)}, không đạt chứng nhận (saved; not
          certified). <a href={href(`/certificates/${notCertified}`)}>Xem (view)</a>
        </p>
      ) : null}
      <form class="form" data-form="assessment" onSubmit={save} aria-label="Đánh giá (assessment)">
        <fieldset disabled={busy}>
          <legend>
            Sản phẩm <small lang="en">(product)</small>
          </legend>
          {chosen.data ? (
            <p class="chosen-product" data-product={chosen.data.id}>
              <strong>{chosen.data.name}</strong> — {producerName(session, chosen.data.cooperativeId)}{' '}
              {chosen.data.ocop ? (
                <span class="badge badge-ocop">OCOP {starsLabel(chosen.data.ocop.stars)}</span>
              ) : null}{' '}
              <button type="button" class="button button-quiet" onClick={() => setProductId(null)}>
                Chọn sản phẩm khác <small lang="en">(change)</small>
              </button>
            </p>
          ) : productId && chosen.loading ? (
            <Loading />
          ) : (
            <ProductPicker onPick={setProductId} error={fieldError(problem, 'product')} />
          )}
          {chosen.error ? <ErrorNote error={chosen.error} /> : null}
        </fieldset>
        <fieldset disabled={busy}>
          <legend>
            Điểm của hội đồng <small lang="en">(council's scores)</small>
          </legend>
          <div class="grid">
            {rules.scoreParts.map((part) => (
              <Field
                key={part.part}
                id={part.part}
                vi={`${part.nameVi} (0–${part.max})`}
                en={part.name}
                error={fieldError(problem, part.part)}
              >
                <input
                  id={part.part}
                  inputMode="decimal"
                  required
                  autoComplete="off"
                  value={draft[part.part as ScorePart]}
                  onInput={(e) => set({ [part.part as ScorePart]: e.currentTarget.value } as Partial<Draft>)}
                />
              </Field>
            ))}
          </div>
          <output
            class="score-summary"
            for="partA partB partC"
            aria-live="polite"
            data-total={total ?? ''}
            data-stars={stars ?? ''}
          >
            {total === null ? (
              <>Nhập đủ ba phần để xem tổng điểm (enter the three parts to see the total).</>
            ) : (
              <>
                Tổng điểm <strong data-field="total">{formatNumber(total)}</strong>/100 →{' '}
                <strong data-field="stars">{starsLabel(stars as number)}</strong> ·{' '}
                {certified ? (
                  <span class="badge badge-synced">Đạt chứng nhận OCOP (certifies)</span>
                ) : (
                  <span class="badge badge-muted">Không đạt chứng nhận (does not certify)</span>
                )}
              </>
            )}
          </output>
          <div class="check">
            <input
              id="mandatoryCriteriaMet"
              type="checkbox"
              checked={draft.mandatoryCriteriaMet}
              onChange={(e) => set({ mandatoryCriteriaMet: e.currentTarget.checked })}
            />
            <label for="mandatoryCriteriaMet">
              Đạt mọi tiêu chí bắt buộc <small lang="en">(every mandatory criterion met)</small>
            </label>
          </div>
        </fieldset>
        <fieldset disabled={busy}>
          <legend>
            Quyết định công nhận <small lang="en">(decision)</small>
          </legend>
          <div class="grid">
            <Field
              id="decisionNo"
              vi="Số quyết định"
              en="decision number"
              error={fieldError(problem, 'decisionNo')}
            >
              <input
                id="decisionNo"
                required
                maxLength={100}
                placeholder="1234/QĐ-UBND"
                value={draft.decisionNo}
                onInput={(e) => set({ decisionNo: e.currentTarget.value })}
              />
            </Field>
            <Field
              id="decidedAt"
              vi="Ngày quyết định"
              en="decision date"
              error={fieldError(problem, 'decidedAt')}
            >
              <input
                id="decidedAt"
                type="date"
                required
                max={vietnamToday()}
                value={draft.decidedAt}
                onInput={(e) => set({ decidedAt: e.currentTarget.value })}
              />
            </Field>
            <Field
              id="level"
              vi="Cấp công nhận"
              en="council level"
              error={levelProblem}
              hint={
                ruled ? (
                  <span data-ruled-level={ruled}>
                    Theo quy định cho ngày {formatDate(draft.decidedAt)}: {levelName(rules, ruled)} (the level
                    the rules name for this date)
                  </span>
                ) : undefined
              }
            >
              <select
                id="level"
                value={level}
                onChange={(e) => set({ level: e.currentTarget.value as Level })}
              >
                {rules.levels.map((l) => (
                  <option key={l.level} value={l.level}>
                    {l.nameVi} ({l.name})
                  </option>
                ))}
              </select>
            </Field>
          </div>
          {certified && dated ? (
            <p class="hint" data-valid-until={validUntil(draft.decidedAt, rules.validityMonths)}>
              Giấy chứng nhận có hiệu lực đến {formatDate(validUntil(draft.decidedAt, rules.validityMonths))}{' '}
              ({rules.validityMonths} tháng) (valid until)
            </p>
          ) : null}
        </fieldset>
        <FormProblem problem={levelProblem ? undefined : problem} fields={FIELDS.concat('product')} />
        <div class="form-actions">
          <button type="submit" class="button button-primary" disabled={busy}>
            Lưu đánh giá <small lang="en">(save)</small>
          </button>
        </div>
      </form>
    </>
  );
}

/** Finds a product by name across producers (the top bar's producer narrows it), the producer beside each. */
function ProductPicker({ onPick, error }: { onPick: (id: string) => void; error?: string }): JSX.Element {
  const session = useSession();
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => setQ(typed.trim()), 250);
    return () => clearTimeout(timer);
  }, [typed]);
  const found = useLoad(
    () =>
      q
        ? ok(
            api.GET('/v1/products', {
              params: {
                query: { q, limit: 20, status: 'active', cooperativeId: session.producerId ?? undefined },
              },
            }),
          ).then((page) => page.items)
        : Promise.resolve([] as Product[]),
    [q, session.producerId],
  );
  return (
    <>
      <Field id="product-search" vi="Tìm sản phẩm theo tên" en="find the product by name" error={error}>
        <input
          id="product-search"
          type="search"
          autoComplete="off"
          placeholder="chè tân cương"
          value={typed}
          onInput={(e) => setTyped(e.currentTarget.value)}
        />
      </Field>
      {found.error ? <ErrorNote error={found.error} /> : null}
      {q && !found.loading && found.data?.length === 0 ? (
        <p class="hint">Không có sản phẩm khớp (no product matches).</p>
      ) : null}
      {found.data && found.data.length > 0 ? (
        <ul class="product-choices" aria-label="Sản phẩm tìm thấy (products found)">
          {found.data.map((product) => (
            <li key={product.id}>
              <button
                type="button"
                class="button button-secondary"
                data-pick={product.id}
                onClick={() => onPick(product.id)}
              >
                {product.name} — {producerName(session, product.cooperativeId) || 'chủ thể của bạn'}
                {product.ocop ? ` · OCOP ${starsLabel(product.ocop.stars)}` : ''}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
