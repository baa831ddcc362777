/**
 * The report pages (province, producer, sync health) draw with Chart.js; they are loaded only
 * when one is opened, so the sign-in and workspace pages never download the charts.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useSession } from '../session';
import { ErrorNote, Loading, usePage } from '../ui';

type Report = 'province' | 'province-print' | 'producer' | 'sync';

const TITLES: Record<Report, string> = {
  province: 'Toàn tỉnh',
  'province-print': 'Báo cáo OCOP tỉnh',
  producer: 'Chủ thể',
  sync: 'Đồng bộ',
};

export function ReportPage({ report, id }: { report: Report; id?: string }) {
  const session = useSession();
  const box = useRef<HTMLDivElement>(null);
  // Preact keeps this component when one report follows another (province → sync, one producer →
  // the next), so readiness names the report it is for: the new one is not ready on its first render
  const current = `${report}/${id ?? ''}`;
  const [state, setState] = useState<{ shown?: string; error?: unknown }>({});
  const ready = state.shown === current;
  usePage(report, TITLES[report], ready);

  useEffect(() => {
    let left = false;
    setState({});
    const target = box.current;
    void (async () => {
      const reports = await import('../reports/mount');
      if (left || !target) return;
      try {
        await reports.renderReport(report, target, id, session.producers);
        if (!left) setState({ shown: current });
      } catch (error) {
        if (!left) setState({ shown: current, error });
      }
    })();
    return () => {
      left = true;
      void import('../reports/mount').then((reports) => reports.leaveReport());
    };
  }, [report, id, session.producers]);

  return (
    <>
      {ready ? null : <Loading />}
      {ready && state.error ? <ErrorNote error={state.error} /> : null}
      <div ref={box} class="report" />
    </>
  );
}
