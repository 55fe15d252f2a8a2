import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The build is embedded in the admin jar and served under whatever path the Java side
// mounts it on, so every asset URL is relative (base './').
export default defineConfig({
  plugins: [svelte()],
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts or module-preload polyfill: the server sends `script-src 'self'`.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    // `npm run dev` talks to a locally running proxy on the default port.
    proxy: {
      '/observe': 'http://127.0.0.1:9000',
      '/_': { target: 'http://127.0.0.1:9000', ws: true },
    },
  },
});
