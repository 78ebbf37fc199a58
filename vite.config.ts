import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The admin console (and later the member page): built to web/dist and served by the mamori server.
export default defineConfig({
  root: 'web',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true },
  server: { proxy: { '/api': 'http://localhost:8080' } },
});
