import path from 'node:path';
import { defineConfig } from 'vite';

// The console builds to console/dist, which the API serves at / (api/console.ts). In development
// (`npx vite --config console/vite.config.ts`) API calls go to the API that `npm start` runs on :3000.
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  // Vite's own transform (Oxc) compiles the TSX with React's automatic JSX runtime; no plugin needed for a build.
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: path.join(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    // No inline scripts or data: URLs for scripts: the page's CSP allows scripts from its own origin only.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      // Ant Design marks its modules "use client" (for React Server Components); a plain browser bundle ignores it.
      onLog(level, log, handler) {
        if (log.code !== 'MODULE_LEVEL_DIRECTIVE') handler(level, log);
      },
    },
  },
  server: {
    proxy: Object.fromEntries(
      ['/cases', '/inbox', '/units', '/me', '/auth', '/stats', '/supervision', '/spot-checks', '/ledger.xlsx', '/ledger.csv', '/audit'].map(
        (p) => [p, 'http://localhost:3000'],
      ),
    ),
  },
});
