import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The admin console: a single-page app served by Roster at /admin from dist/admin. Only files
 * come out (no inline script or style), so the page runs under a strict Content-Security-Policy.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/admin/',
  publicDir: false,
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/admin', import.meta.url)),
    emptyOutDir: true,
    // Chart.js is most of the bundle; it is one file either way.
    chunkSizeWarningLimit: 400,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
