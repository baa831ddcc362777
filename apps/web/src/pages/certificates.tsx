/**
 * Chứng nhận OCOP: the certificates list (#/certificates) with its filters in the URL, and a
 * certificate's page (#/certificates/:id) with the product's whole history and "Thu hồi" (revoke).
 * Officers and admins see every producer's (the top bar's producer narrows them); cooperative staff
 * see their own, read-only — the API decides, the page only follows.
 */
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ok } from '../api';
import type { Certificate } from '../api';
import {
  EXPIRY_BUCKETS,
  expiryBucket,
  formatDate,
  formatDateTime,
  formatNumber,
  vietnamToday,
} from '../format';
import { CERTIFICATE_LABELS, stars } from '../labels';
import { go, href } from '../router';
import { can, useSession } from '../session';
import {
  Empty,
  ErrorNote,
  Field,
  fieldError,
  FormProblem,
  Loading,
  MoreButton,
  PageTitle,
  useKeysetList,
  useLoad,
  usePage,
  useSubmit,
} from '../ui';
import { AssessmentFormPage } from './assessment-form';
import { levelName, useOcopReference } from './ocop-reference';

export { AssessmentFormPage };

const PAGE_SIZE = 50;
const STATUSES = ['active', 'expired', 'revoked', 'superseded', 'not_certified'] as const;
const STATUS_LABELS: Record<string, string> = {
  ...CERTIFICATE_LABELS,
  not_certified: 'Không đạt (not certified)',
};

function StatusBadge({ certificate, today }: { certificate: Certificate; today: string }): JSX.Element {
  const soon =
    certificate.status === 'active' && certificate.validUntil !== null
      ? expiryBucket(certificate.validUntil, today)
      : null;
  return (
    <>
      <span class={`badge certificate-${certificate.status}`} data-status={certificate.status}>
        {STATUS_LABELS[certificate.status] ?? certificate.status}
      </span>
      {soon !== null ? (
        <span class="badge badge-warning" data-expiring={soon}>
          {' '}
          Sắp hết hạn ≤ {soon} ngày (expiring)
        </span>
      ) : null}
    </>
  );
}

/** The certificates, newest decision first: filters in the URL, a table (cards on a phone), "Xem thêm". */
export function CertificatesPage({ query }: { query: URLSearchParams }): JSX.Element {
  const session = useSession();
  const filters = {
    status: query.get('status') ?? '',
    stars: query.get('stars') ?? '',
    district: query.get('district') ?? '',
    expiring: query.get('expiring') ?? '',
  };
  const read = (after?: string) =>
    ok(
      api.GET('/v1/ocop-certificates', {
        params: {
          query: {
            limit: PAGE_SIZE,
            cursor: after,
            status: (filters.status || undefined) as (typeof STATUSES)[number] | undefined,
            stars: filters.stars ? (Number(filters.stars) as 1 | 2 | 3 | 4 | 5) : undefined,
            district: filters.district || undefined,
            expiringWithinDays: filters.expiring ? Number(filters.expiring) : undefined,
            cooperativeId: session.producerId ?? undefined,
          },
        },
      }),
    );
  const list = useKeysetList(read, [
    filters.status,
    filters.stars,
    filters.district,
    filters.expiring,
    session.producerId,
  ]);
  usePage('certificates', 'Chứng nhận OCOP', !list.loading);
  const apply = (change: Partial<typeof filters>) => go('/certificates', { ...filters, ...change }, true);

  const today = vietnamToday();
  const certificates = list.items;
  const districts = [
    ...new Set(session.producers.map((p) => p.district).filter((d): d is string => !!d)),
  ].sort((a, b) => a.localeCompare(b, 'vi'));
  const filtered = Object.values(filters).some(Boolean);
  return (
    <>
      <PageTitle vi="Chứng nhận OCOP" en="OCOP certificates">
        {can.readProvince(session.me.role) ? (
          <a class="button button-primary" href="#/assessments/new">
            Ghi đánh giá <small lang="en">(record an assessment)</small>
          </a>
        ) : null}
      </PageTitle>
      <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <Field id="certificate-status" vi="Trạng thái" en="status">
          <select
            id="certificate-status"
            value={filters.status}
            onChange={(e) => apply({ status: e.currentTarget.value })}
          >
            <option value="">Mọi giấy chứng nhận (all certificates)</option>
            {STATUSES.map((status) => (
              <option key={status} value={status}>
                {STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </Field>
        <Field id="certificate-stars" vi="Số sao" en="stars">
          <select
            id="certificate-stars"
            value={filters.stars}
            onChange={(e) => apply({ stars: e.currentTarget.value })}
          >
            <option value="">Tất cả (all)</option>
            {[3, 4, 5].map((n) => (
              <option key={n} value={String(n)}>
                {stars(n)}
              </option>
            ))}
          </select>
        </Field>
        {districts.length > 0 ? (
          <Field id="certificate-district" vi="Huyện" en="district">
            <select
              id="certificate-district"
              value={filters.district}
              onChange={(e) => apply({ district: e.currentTarget.value })}
            >
              <option value="">Tất cả (all)</option>
              {districts.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </Field>
        ) : null}
        <Field id="certificate-expiring" vi="Sắp hết hạn" en="expiring within">
          <select
            id="certificate-expiring"
            value={filters.expiring}
            onChange={(e) => apply({ expiring: e.currentTarget.value })}
          >
            <option value="">Không lọc (any)</option>
            {EXPIRY_BUCKETS.map((days) => (
              <option key={days} value={String(days)}>
                trong {days} ngày (within {days} days)
              </option>
            ))}
          </select>
        </Field>
      </form>
      {list.error ? <ErrorNote error={list.error} /> : null}
      {list.loading && certificates.length === 0 ? <Loading /> : null}
      {!list.loading && !list.error && certificates.length === 0 ? (
        <Empty>
          <p>
            {filtered
              ? 'Không có giấy chứng nhận khớp bộ lọc (no certificate matches the filters).'
              : 'Chưa có giấy chứng nhận (no certificates yet).'}
          </p>
        </Empty>
      ) : null}
      {certificates.length > 0 ? (
        <>
          <p class="total" aria-live="polite">
            {formatNumber(certificates.length)} giấy chứng nhận{list.hasMore ? ' (còn nữa)' : ''}{' '}
            <small lang="en">
              ({certificates.length} certificates{list.hasMore ? ', more below' : ''})
            </small>
          </p>
          <div class="table-wrap">
            <table class="cards-on-phone" data-table="certificates">
              <thead>
                <tr>
                  <th scope="col">Sản phẩm (product)</th>
                  <th scope="col">Chủ thể OCOP (producer)</th>
                  <th scope="col">Huyện (district)</th>
                  <th scope="col">Số sao (stars)</th>
                  <th scope="col">Quyết định (decision)</th>
                  <th scope="col">Hiệu lực đến (valid until)</th>
                  <th scope="col">Trạng thái (status)</th>
                </tr>
              </thead>
              <tbody>
                {certificates.map((c) => (
                  <tr key={c.id} data-certificate={c.id}>
                    <td data-label="Sản phẩm">
                      <a href={href(`/certificates/${c.id}`)}>{c.productName || c.productId}</a>
                    </td>
                    <td data-label="Chủ thể">{c.producerName}</td>
                    <td data-label="Huyện">{c.district ?? '—'}</td>
                    <td data-label="Số sao">
                      <span class="badge badge-ocop">{stars(c.stars)}</span>
                    </td>
                    <td data-label="Quyết định">
                      {c.decisionNo} · {formatDate(c.decidedAt)}
                    </td>
                    <td data-label="Hiệu lực đến" data-valid-until={c.validUntil ?? ''}>
                      {c.validUntil ? formatDate(c.validUntil) : '—'}
                    </td>
                    <td data-label="Trạng thái">
                      <StatusBadge certificate={c} today={today} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <MoreButton more={list.more} offered={list.hasMore} onMore={list.loadMore} />
        </>
      ) : null}
    </>
  );
}

/** One certificate (or assessment) with its product's history and, while it is active, "Thu hồi". */
export function CertificatePage({ id }: { id: string }): JSX.Element {
  const session = useSession();
  const reference = useOcopReference();
  const loaded = useLoad(async () => {
    const certificate = await ok(api.GET('/v1/ocop-certificates/{id}', { params: { path: { id } } }));
    const history = await ok(
      api.GET('/v1/products/{id}/ocop-assessments', {
        params: { path: { id: certificate.productId }, query: { limit: 200 } },
      }),
    );
    return { certificate, history: history.items };
  }, [id]);
  usePage('certificate', 'Giấy chứng nhận OCOP', !loaded.loading);
  const [revoking, setRevoking] = useState(false);
  useEffect(() => setRevoking(false), [id]);

  if (loaded.error) {
    return (
      <>
        <PageTitle vi="Giấy chứng nhận OCOP" en="certificate" />
        <ErrorNote error={loaded.error} />
        <p>
          <a href="#/certificates">← Chứng nhận OCOP (certificates)</a>
        </p>
      </>
    );
  }
  if (!loaded.data) return <Loading />;
  const { certificate: c, history } = loaded.data;
  const today = vietnamToday();
  const officer = can.readProvince(session.me.role);
  const justSaved = new URLSearchParams(location.hash.split('?')[1] ?? '').has('saved');
  return (
    <>
      <p class="breadcrumb">
        <a href="#/certificates">← Chứng nhận OCOP (certificates)</a>
      </p>
      <PageTitle vi={c.productName || 'Giấy chứng nhận OCOP'} en="OCOP certificate">
        <span class="badge badge-ocop">OCOP {stars(c.stars)}</span>{' '}
        <StatusBadge certificate={c} today={today} />
      </PageTitle>
      {justSaved ? (
        <p class="form-ok" role="status">
          Đã lưu đánh giá (assessment saved).
        </p>
      ) : null}
      <dl class="figures figures-text" data-certificate={c.id} data-status={c.status}>
        <div>
          <dt>Chủ thể OCOP (producer)</dt>
          <dd>{c.producerName}</dd>
        </div>
        <div>
          <dt>Huyện (district)</dt>
          <dd>{c.district ?? '—'}</dd>
        </div>
        <div>
          <dt>Điểm A · B · C (scores)</dt>
          <dd>
            {formatNumber(c.score.partA)} · {formatNumber(c.score.partB)} · {formatNumber(c.score.partC)}
          </dd>
        </div>
        <div>
          <dt>Tổng điểm (total)</dt>
          <dd>{formatNumber(c.score.total)}/100</dd>
        </div>
        <div>
          <dt>Cấp công nhận (level)</dt>
          <dd>{levelName(reference.data, c.level)}</dd>
        </div>
        <div>
          <dt>Quyết định (decision)</dt>
          <dd>
            {c.decisionNo} · {formatDate(c.decidedAt)}
          </dd>
        </div>
        <div>
          <dt>Hiệu lực đến (valid until)</dt>
          <dd data-valid-until={c.validUntil ?? ''}>{c.validUntil ? formatDate(c.validUntil) : '—'}</dd>
        </div>
        <div>
          <dt>Tiêu chí bắt buộc (mandatory criteria)</dt>
          <dd>{c.mandatoryCriteriaMet ? 'Đạt (met)' : 'Chưa đạt (not met)'}</dd>
        </div>
      </dl>
      {c.status === 'revoked' ? (
        <p class="form-error" data-revoked-reason={c.revokedReason ?? ''}>
          Thu hồi (revoked){c.revokedBy ? ` bởi ${c.revokedBy.name}` : ''}: {c.revokedReason}
        </p>
      ) : null}
      {officer ? (
        <p class="page-actions">
          <a class="button button-secondary" href={href('/assessments/new', { product: c.productId })}>
            Ghi đánh giá mới cho sản phẩm này <small lang="en">(record a new assessment)</small>
          </a>
          {c.status === 'active' && !revoking ? (
            <button
              type="button"
              class="button button-danger"
              data-action="revoke"
              onClick={() => setRevoking(true)}
            >
              Thu hồi <small lang="en">(revoke)</small>
            </button>
          ) : null}
        </p>
      ) : null}
      {officer && c.status === 'active' && revoking ? (
        <RevokeForm certificate={c} onCancel={() => setRevoking(false)} onDone={loaded.reload} />
      ) : null}
      <h2>
        Lịch sử đánh giá của sản phẩm <small lang="en">(the product's history)</small>
      </h2>
      <div class="table-wrap">
        <table class="cards-on-phone" data-table="history">
          <thead>
            <tr>
              <th scope="col">Quyết định (decision)</th>
              <th scope="col">Điểm · sao (score · stars)</th>
              <th scope="col">Hiệu lực đến (valid until)</th>
              <th scope="col">Trạng thái (status)</th>
              <th scope="col">Ghi bởi (recorded by)</th>
            </tr>
          </thead>
          <tbody>
            {history.map((a) => (
              <tr key={a.id} data-assessment={a.id} aria-current={a.id === c.id ? 'true' : undefined}>
                <td data-label="Quyết định">
                  {a.id === c.id ? (
                    <strong>
                      {a.decisionNo} · {formatDate(a.decidedAt)}
                    </strong>
                  ) : (
                    <a href={href(`/certificates/${a.id}`)}>
                      {a.decisionNo} · {formatDate(a.decidedAt)}
                    </a>
                  )}
                </td>
                <td data-label="Điểm · sao">
                  {formatNumber(a.score.total)} · {stars(a.stars)}
                </td>
                <td data-label="Hiệu lực đến">{a.validUntil ? formatDate(a.validUntil) : '—'}</td>
                <td data-label="Trạng thái">
                  <StatusBadge certificate={a} today={today} />
                  {a.status === 'revoked' ? (
                    <p class="hint">
                      {a.revokedBy ? `${a.revokedBy.name}: ` : ''}
                      {a.revokedReason}
                    </p>
                  ) : null}
                  {a.supersededBy ? (
                    <p class="hint">
                      <a href={href(`/certificates/${a.supersededBy}`)}>
                        Thay bằng quyết định mới hơn (superseded by)
                      </a>
                    </p>
                  ) : null}
                </td>
                <td data-label="Ghi bởi">
                  {a.recordedBy ? a.recordedBy.name : 'Hệ thống (the connector)'} ·{' '}
                  {formatDateTime(a.createdAt)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}

/** Thu hồi: a reason is required, then a second step says what revoking does before it is done. */
function RevokeForm({
  certificate,
  onCancel,
  onDone,
}: {
  certificate: Certificate;
  onCancel: () => void;
  onDone: () => void;
}): JSX.Element {
  const [reason, setReason] = useState('');
  const [confirming, setConfirming] = useState(false);
  const { busy, problem, submit } = useSubmit();
  const send = (event: Event) =>
    submit(event, async () => {
      if (!confirming) {
        setConfirming(true);
        return;
      }
      await ok(
        api.POST('/v1/ocop-certificates/{id}/revoke', {
          params: { path: { id: certificate.id } },
          body: { reason: reason.trim() },
        }),
      );
      onDone();
    });
  return (
    <form class="form card" data-form="revoke" onSubmit={send} aria-label="Thu hồi (revoke)">
      <fieldset disabled={busy}>
        <Field id="revoke-reason" vi="Lý do thu hồi" en="reason" error={fieldError(problem, 'reason')}>
          <textarea
            id="revoke-reason"
            rows={3}
            required
            maxLength={1000}
            value={reason}
            readOnly={confirming}
            onInput={(e) => setReason(e.currentTarget.value)}
          />
        </Field>
        {confirming ? (
          <p class="form-error" role="alert">
            Thu hồi giấy chứng nhận {stars(certificate.stars)} của "{certificate.productName}"? Huy hiệu OCOP
            sẽ bị gỡ trên mọi sàn (revoke it? the OCOP badge leaves every marketplace).
          </p>
        ) : null}
        <FormProblem problem={problem} fields={['reason']} />
        <div class="form-actions">
          <button
            type="submit"
            class="button button-danger"
            data-action={confirming ? 'confirm-revoke' : 'revoke-next'}
          >
            {confirming ? 'Xác nhận thu hồi' : 'Thu hồi'}{' '}
            <small lang="en">({confirming ? 'confirm' : 'revoke'})</small>
          </button>
          <button
            type="button"
            class="button button-quiet"
            onClick={confirming ? () => setConfirming(false) : onCancel}
          >
            {confirming ? 'Quay lại' : 'Hủy'} <small lang="en">({confirming ? 'back' : 'cancel'})</small>
          </button>
        </div>
      </fieldset>
    </form>
  );
}
