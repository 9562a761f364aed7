// Build of the three Electron parts. Main: ESM, dependencies (better-sqlite3…) left to
// node_modules. Preload: one CommonJS file with nothing external but 'electron' — a
// sandboxed preload can neither be ESM nor require node_modules. Renderer: React, with
// Monaco bundled locally (no CDN: the CSP allows only 'self') and its workers as ?worker.
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import type { Plugin } from 'vite';

/**
 * Dev server only: React Refresh needs an inline preamble script, which the page's strict
 * CSP meta tag forbids. Loosen script-src in the served HTML; a build keeps it strict.
 */
function devCspPlugin(): Plugin {
  return {
    name: 'outbound-dev-csp',
    apply: 'serve',
    transformIndexHtml: (html) => html.replace(/script-src 'self'(?! 'unsafe-inline')/, "script-src 'self' 'unsafe-inline'"),
  };
}

export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/main/index.ts') },
        output: { format: 'es' },
      },
    },
  },
  preload: {
    build: {
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'src/renderer'),
    base: './',
    plugins: [react(), devCspPlugin()],
    worker: { format: 'es' },
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      // Monaco is large by nature; it is loaded from disk, not the network.
      chunkSizeWarningLimit: 8000,
      rolldownOptions: {
        input: { index: resolve(import.meta.dirname, 'src/renderer/index.html') },
      },
    },
  },
});
