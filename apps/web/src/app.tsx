/**
 * The web app: who is signed in decides the shell and the pages; the hash decides the page.
 * Pages load their own data through the API client; nothing here knows a page's data.
 */
import type { JSX } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError, csrfHeader, every, messageOf, ok, useCsrfToken, whenSignedOut } from './api';
import type { Cooperative, Me } from './api';
import { ConnectionsPage } from './pages/connections';
import { ImportPage } from './pages/import';
import { InvitePage } from './pages/invite';
import { ListingsPage } from './pages/listings';
import { OrdersPage } from './pages/orders';
import { NotificationsPage } from './pages/notifications';
import { OrderDetailPage } from './pages/orders-detail';
import { PickingListPage } from './pages/picking-list';
import { ProductForm } from './pages/product-form';
import { ProductsPage } from './pages/products';
import { ReportPage } from './pages/reports';
import { SignInPage } from './pages/sign-in';
import { StockPage } from './pages/stock';
import { go, useRoute } from './router';
import type { Place } from './router';
import { can, SessionContext } from './session';
import type { Session } from './session';
import { Shell } from './shell';
import { ErrorNote, Loading, PageTitle, useLoad, usePage } from './ui';

type State =
  | { kind: 'loading' }
  | { kind: 'signed-out'; message?: string }
  | { kind: 'signed-in'; me: Me; producers: Cooperative[] };

const PRODUCER_ITEM = 'ocop.producer';

export function App(): JSX.Element {
  const route = useRoute();
  const [state, setState] = useState<State>({ kind: 'loading' });
  // the picker's choice is not secret: kept per tab so a reload keeps the producer in view
  const [producerId, setProducerId] = useState<string | null>(() => sessionStorage.getItem(PRODUCER_ITEM));

  const start = useCallback(async () => {
    try {
      const me = await ok(api.GET('/v1/me'));
      useCsrfToken(me.csrfToken);
      const producers =
        me.role === 'cooperative'
          ? []
          : (
              await every((cursor) =>
                api.GET('/v1/cooperatives', { params: { query: { limit: 200, cursor } } }),
              )
            ).sort((a, b) => a.name.localeCompare(b.name, 'vi'));
      setState({ kind: 'signed-in', me, producers });
    } catch (error) {
      useCsrfToken(undefined);
      setState({
        kind: 'signed-out',
        message: error instanceof ApiError && error.status === 401 ? undefined : messageOf(error),
      });
    }
  }, []);

  useEffect(() => {
    whenSignedOut(() => {
      useCsrfToken(undefined);
      setState({ kind: 'signed-out', message: 'Phiên đăng nhập đã kết thúc (your session has ended).' });
    });
    void start();
  }, [start]);

  if (route.segments[0] === 'invite') return <InvitePage token={route.segments[1] ?? ''} onDone={start} />;
  if (state.kind === 'loading') return <Loading />;
  if (state.kind === 'signed-out') return <SignInPage message={state.message} onSignedIn={start} />;

  const session: Session = {
    me: state.me,
    producers: state.producers,
    producerId: state.me.role === 'cooperative' ? state.me.cooperativeId : producerId,
    chooseProducer: (id) => {
      if (id) sessionStorage.setItem(PRODUCER_ITEM, id);
      else sessionStorage.removeItem(PRODUCER_ITEM);
      setProducerId(id);
    },
    signOut: async () => {
      await ok(api.DELETE('/v1/sessions/current', { params: { header: csrfHeader() } })).catch(
        () => undefined,
      );
      useCsrfToken(undefined);
      sessionStorage.removeItem(PRODUCER_ITEM);
      setState({ kind: 'signed-out' });
      go('/');
    },
  };
  return (
    <SessionContext.Provider value={session}>
      <Shell path={route.path}>
        <Page route={route} session={session} />
      </Shell>
    </SessionContext.Provider>
  );
}

function homeOf(me: Me): string {
  return can.readProvince(me.role) ? '/province' : '/orders';
}

function Page({ route, session }: { route: Place; session: Session }): JSX.Element {
  const [first, second] = route.segments;
  const { role } = session.me;
  useEffect(() => {
    if (!first) go(homeOf(session.me), {}, true);
  }, [first, session.me]);
  switch (first) {
    case undefined:
      return <Loading />;
    case 'products':
      if (second === 'new') return can.writeCatalogue(role) ? <ProductForm /> : <NotOffered />;
      if (second) return <ProductForm id={second} />;
      return <ProductsPage query={route.query} />;
    case 'stock':
      return <StockPage query={route.query} />;
    case 'connections':
      return can.manageShops(role) ? <ConnectionsPage /> : <NotOffered />;
    case 'listings':
      return <ListingsPage query={route.query} />;
    case 'import':
      return can.writeCatalogue(role) ? <ImportPage /> : <NotOffered />;
    case 'orders':
      return second ? <OrderDetailPage id={second} /> : <OrdersPage query={route.query} />;
    case 'picking-list':
      return can.handleOrders(role) ? <PickingListPage query={route.query} /> : <NotOffered />;
    case 'province':
      if (!can.readProvince(role)) return <NotOffered />;
      return <ReportPage report={second === 'print' ? 'province-print' : 'province'} />;
    case 'producer':
      return <ReportPage report="producer" id={second} />;
    case 'sync':
      return can.seeSync(role) ? <ReportPage report="sync" /> : <NotOffered />;
    case 'certificates':
      return <OcopPage page={second ? 'certificate' : 'certificates'} id={second} query={route.query} />;
    case 'assessments':
      if (second !== 'new') return <NotFound />;
      return can.recordAssessments(role) ? (
        <OcopPage page="assessment" query={route.query} />
      ) : (
        <NotOffered />
      );
    case 'notifications':
      return <NotificationsPage query={route.query} />;
    default:
      return <NotFound />;
  }
}

/** The OCOP pages are a chunk of their own (they bundle the rating rules), loaded when first opened. */
function OcopPage(props: {
  page: 'certificates' | 'certificate' | 'assessment';
  id?: string;
  query: URLSearchParams;
}): JSX.Element {
  const pages = useLoad(() => import('./pages/certificates'), []);
  if (pages.error) return <ErrorNote error={pages.error} />;
  if (!pages.data) return <Loading />;
  const { AssessmentFormPage, CertificatePage, CertificatesPage } = pages.data;
  if (props.page === 'assessment') return <AssessmentFormPage query={props.query} />;
  if (props.page === 'certificate') return <CertificatePage id={props.id ?? ''} />;
  return <CertificatesPage query={props.query} />;
}

function NotFound(): JSX.Element {
  usePage('not-found', 'Không tìm thấy', true);
  return (
    <>
      <PageTitle vi="Không tìm thấy trang" en="page not found" />
      <p>
        <a href="#/">Về trang chính (home)</a>
      </p>
    </>
  );
}

/** A page the role may not use: the menu does not offer it, and a typed URL says so. */
function NotOffered(): JSX.Element {
  usePage('not-offered', 'Không có quyền', true);
  return (
    <>
      <PageTitle vi="Trang này không dành cho vai trò của bạn" en="not available to your role" />
      <ErrorNote error={new ApiError(403, 'forbidden', 'Vai trò của bạn không dùng trang này.')} />
    </>
  );
}
