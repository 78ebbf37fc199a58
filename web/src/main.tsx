import { lazy, Suspense } from 'react';
import { createRoot } from 'react-dom/client';
import { I18nProvider } from './i18n/i18n.tsx';
import { useLocation } from './router.tsx';
import './styles.css';

// Two apps in one build, each its own chunk: a member on a phone never loads the staff console.
const App = lazy(() => import('./app.tsx').then((m) => ({ default: m.App })));
const MyApp = lazy(() => import('./my/my-app.tsx').then((m) => ({ default: m.MyApp })));

/** `/my…` is the member page (本人のページ), everything else the staff console. */
function Root() {
  const { path } = useLocation();
  return <Suspense fallback={null}>{path === '/my' || path.startsWith('/my/') ? <MyApp /> : <App />}</Suspense>;
}

const root = document.getElementById('root');
if (root) {
  // No <StrictMode>: its double-run effects would read members twice in development, and every read of a
  // member is an audited access.
  createRoot(root).render(
    <I18nProvider>
      <Root />
    </I18nProvider>,
  );
}
