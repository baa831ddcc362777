/**
 * Spreadsheet import and export (#/import): download the catalogue or a blank template, upload a
 * filled .xlsx, read the preview row by row (new, changed old → new, unchanged, refused with the
 * reason), then apply every row that was not refused in one transaction — or nothing.
 */
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { api, ApiError, ok } from '../api';
import type { Schemas } from '../api';
import { formatNumber, formatVnd, formatWeight } from '../format';
import { IMPORT_FIELD_LABELS, IMPORT_STATUS_LABELS } from '../labels';
import { can, producerName, useSession } from '../session';
import { Empty, ErrorNote, PageTitle, usePage } from '../ui';

type Preview = Schemas['ImportPreviewResponse'];
type Row = Schemas['ImportRowResponse'];
type Change = Schemas['ImportFieldChange'];

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAX_BYTES = 5 * 1024 * 1024;
type Shown = 'all' | Row['status'];

export function ImportPage(): JSX.Element {
  const session = useSession();
  usePage('import', 'Nhập từ Excel', true);
  const [preview, setPreview] = useState<Preview>();
  const [applied, setApplied] = useState<Schemas['ImportAppliedResponse']>();
  const [problem, setProblem] = useState<unknown>();
  const [busy, setBusy] = useState<'upload' | 'apply'>();
  const [shown, setShown] = useState<Shown>('all');
  const cooperativeId = session.producerId;
  const query = cooperativeId ? `?cooperativeId=${encodeURIComponent(cooperativeId)}` : '';

  async function upload(file: File): Promise<void> {
    setPreview(undefined);
    setApplied(undefined);
    setProblem(undefined);
    if (file.size > MAX_BYTES) {
      setProblem(new ApiError(413, 'payload_too_large', 'Tệp lớn hơn 5 MB (the file is larger than 5 MB).'));
      return;
    }
    setBusy('upload');
    try {
      const answer = await ok(
        api.POST('/v1/catalogue/imports', {
          params: { query: { cooperativeId: cooperativeId ?? undefined } },
          // the workbook goes as it is, not as JSON
          body: file as unknown as string,
          bodySerializer: (body: unknown) => body as Blob,
          headers: { 'content-type': XLSX },
        }),
      );
      setPreview(answer);
      setShown(answer.counts.refused > 0 ? 'refused' : 'all');
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(undefined);
    }
  }

  async function apply(): Promise<void> {
    if (!preview) return;
    setBusy('apply');
    setProblem(undefined);
    try {
      const answer = await ok(
        api.POST('/v1/catalogue/imports/{id}/apply', { params: { path: { id: preview.id } } }),
      );
      setApplied(answer);
      setPreview(undefined);
    } catch (error) {
      setProblem(error);
    } finally {
      setBusy(undefined);
    }
  }

  if (!can.writeCatalogue(session.me.role)) {
    return <PageTitle vi="Nhập từ Excel" en="import from Excel" />;
  }
  const rows = preview ? preview.rows.filter((r) => shown === 'all' || r.status === shown) : [];
  const toApply = preview ? preview.counts.new + preview.counts.changed : 0;
  return (
    <>
      <PageTitle vi="Nhập từ Excel" en="import from Excel" />
      {!cooperativeId ? (
        <p class="form-error" role="alert">
          Hãy chọn chủ thể OCOP ở thanh trên (choose a producer in the top bar first).
        </p>
      ) : (
        <>
          {session.me.role !== 'cooperative' ? (
            <p class="hint">Chủ thể OCOP (producer): {producerName(session, cooperativeId)}</p>
          ) : null}
          <section class="card" aria-labelledby="download-title">
            <h2 id="download-title">
              1. Tải tệp <small lang="en">(download)</small>
            </h2>
            <p>
              Tải danh mục hiện có để sửa, hoặc file mẫu trống để điền mới. Mỗi dòng là một mã SKU (one row
              per SKU).
            </p>
            <div class="form-actions">
              <a class="button button-secondary" href={`/v1/catalogue/export.xlsx${query}`} download>
                Xuất Excel <small lang="en">(export the catalogue)</small>
              </a>
              <a class="button button-secondary" href={`/v1/catalogue/template.xlsx${query}`} download>
                Tải file mẫu <small lang="en">(blank template)</small>
              </a>
            </div>
          </section>
          <section class="card" aria-labelledby="upload-title">
            <h2 id="upload-title">
              2. Tải lên và xem trước <small lang="en">(upload and preview)</small>
            </h2>
            <p class="hint">Tệp .xlsx tối đa 5 MB. Chưa có gì được ghi cho đến khi bạn bấm "Áp dụng".</p>
            <div class="field">
              <label for="import-file">
                Tệp Excel <small lang="en">(.xlsx file)</small>
              </label>
              <input
                id="import-file"
                type="file"
                accept={`.xlsx,${XLSX}`}
                disabled={busy !== undefined}
                onChange={(event) => {
                  const file = event.currentTarget.files?.[0];
                  if (file) void upload(file);
                  event.currentTarget.value = '';
                }}
              />
            </div>
            {busy === 'upload' ? (
              <p class="loading" role="status">
                Đang đọc tệp… <small lang="en">(reading the file)</small>
              </p>
            ) : null}
          </section>
        </>
      )}
      {problem ? <ErrorNote error={problem} /> : null}
      {applied ? (
        <p class="form-ok" role="status" data-applied="true">
          Đã áp dụng: {applied.counts.new} mới, {applied.counts.changed} thay đổi (applied:{' '}
          {applied.counts.new} new, {applied.counts.changed} changed).{' '}
          <a href="#/products">Xem sản phẩm (products)</a>
        </p>
      ) : null}
      {preview ? (
        <section class="card" aria-labelledby="preview-title" data-preview={preview.id}>
          <h2 id="preview-title">
            3. Kiểm tra và áp dụng <small lang="en">(check and apply)</small>
          </h2>
          <ul class="counts" aria-label="Tóm tắt (summary)">
            {(['new', 'changed', 'unchanged', 'refused'] as const).map((status) => (
              <li key={status} data-count={status}>
                <button
                  type="button"
                  class={`badge badge-import-${status}`}
                  aria-pressed={shown === status}
                  onClick={() => setShown(shown === status ? 'all' : status)}
                >
                  {IMPORT_STATUS_LABELS[status]}: {formatNumber(preview.counts[status])}
                </button>
              </li>
            ))}
          </ul>
          {preview.counts.refused > 0 ? (
            <p class="hint">
              Các dòng bị từ chối sẽ không được ghi; sửa trong Excel rồi tải lên lại nếu cần (refused rows are
              skipped; fix them in Excel and upload again).
            </p>
          ) : null}
          <div class="form-actions">
            <button
              type="button"
              class="button button-primary"
              disabled={busy !== undefined || toApply === 0}
              onClick={() => void apply()}
            >
              Áp dụng {formatNumber(toApply)} dòng <small lang="en">(apply {toApply} rows)</small>
            </button>
            <button type="button" class="button button-quiet" onClick={() => setPreview(undefined)}>
              Bỏ qua <small lang="en">(discard)</small>
            </button>
          </div>
          {rows.length === 0 ? (
            <Empty>
              <p>Không có dòng nào ở mục này (no rows here).</p>
            </Empty>
          ) : (
            <div class="table-wrap">
              <table class="cards-on-phone" data-table="import-preview">
                <thead>
                  <tr>
                    <th scope="col">Dòng (row)</th>
                    <th scope="col">Mã SKU (SKU)</th>
                    <th scope="col">Sản phẩm (product)</th>
                    <th scope="col">Kết quả (result)</th>
                    <th scope="col">Chi tiết (details)</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.row} data-row={row.row} data-status={row.status}>
                      <td data-label="Dòng">{row.row}</td>
                      <td data-label="Mã SKU">{row.skuCode ?? '—'}</td>
                      <td data-label="Sản phẩm">{row.productName ?? '—'}</td>
                      <td data-label="Kết quả">
                        <span class={`badge badge-import-${row.status}`}>
                          {IMPORT_STATUS_LABELS[row.status]}
                        </span>
                      </td>
                      <td data-label="Chi tiết">
                        {row.status === 'refused' ? (
                          <span class="refusal">{row.reason}</span>
                        ) : row.status === 'changed' ? (
                          <Changes changes={row.changes} />
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
      ) : null}
    </>
  );
}

function shownValue(field: string, value: Change['new']): string {
  if (value === null || value === undefined || value === '') return '(trống)';
  if (Array.isArray(value)) return value.length ? value.join(', ') : '(trống)';
  if (typeof value === 'number') {
    if (field === 'priceVnd') return formatVnd(value);
    if (field === 'weightGrams') return formatWeight(value);
    return formatNumber(value);
  }
  return String(value);
}

function Changes({ changes }: { changes: Change[] }): JSX.Element {
  return (
    <ul class="changes">
      {changes.map((change) => (
        <li key={change.field}>
          <strong>{IMPORT_FIELD_LABELS[change.field] ?? change.field}:</strong>{' '}
          <del>{shownValue(change.field, change.old)}</del> →{' '}
          <ins>{shownValue(change.field, change.new)}</ins>
        </li>
      ))}
    </ul>
  );
}
