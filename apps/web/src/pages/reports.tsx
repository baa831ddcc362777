/**
 * The report pages (province, producer, sync health) draw with Chart.js; they are loaded only
 * when one is opened, so the sign-in and workspace pages never download the charts.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { useSession } from '../session';
import { ErrorNote, Loading, usePage } from '../ui';

type Report = 'province' | 'producer' | 'sync';

export function ReportPage({ report, id }: { report: Report; id?: string }) {
  const session = useSession();
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<{ ready: boolean; error?: unknown }>({ ready: false });
  usePage(
    report,
    report === 'province' ? 'Toàn tỉnh' : report === 'sync' ? 'Đồng bộ' : 'Chủ thể',
    state.ready,
  );

  useEffect(() => {
    let left = false;
    setState({ ready: false });
    const target = box.current;
    void (async () => {
      const reports = await import('../reports/mount');
      if (left || !target) return;
      try {
        await reports.renderReport(report, target, id, session.producers);
        if (!left) setState({ ready: true });
      } catch (error) {
        if (!left) setState({ ready: true, error });
      }
    })();
    return () => {
      left = true;
      void import('../reports/mount').then((reports) => reports.leaveReport());
    };
  }, [report, id, session.producers]);

  return (
    <>
      {state.ready ? null : <Loading />}
      {state.error ? <ErrorNote error={state.error} /> : null}
      <div ref={box} class="report" />
    </>
  );
}
