import { createRoot } from 'react-dom/client';
import { App } from './app.tsx';
import { I18nProvider } from './i18n/i18n.tsx';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  // No <StrictMode>: its double-run effects would read members twice in development, and every read of a
  // member is an audited access.
  createRoot(root).render(
    <I18nProvider>
      <App />
    </I18nProvider>,
  );
}
