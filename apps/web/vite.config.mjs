// @ts-check
import { fileURLToPath, URL } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web app: Preact pages built into dist/web, served by the API at /app/ (apps/api/src/web-app.ts).
 * JSX goes through Vite's own transform with Preact's runtime, so no framework plugin is needed.
 */
export default defineConfig({
  root: here,
  base: '/app/',
  publicDir: false,
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/web', import.meta.url)),
    emptyOutDir: true,
    // the CSP allows no inline script: keep every module in its own file
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
    reportCompressedSize: false,
    // the build's own timing report is noise in CI's log
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  logLevel: 'warn',
});
