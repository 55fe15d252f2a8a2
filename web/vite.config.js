import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * Loads src/theme-init.js as a classic, synchronous script at the top of <head>, before the
 * stylesheet, so the saved theme is on <html> before the first paint. The server's CSP
 * (`script-src 'self'`) forbids inline scripts, so it is emitted as its own hashed asset.
 */
function themeInit() {
  const file = fileURLToPath(new URL('./src/theme-init.js', import.meta.url));
  let fileName;
  let build = false;
  return {
    name: 'code-proxy-theme-init',
    configResolved(config) {
      build = config.command === 'build';
    },
    buildStart() {
      if (!build) return;
      const source = readFileSync(file, 'utf8');
      const hash = createHash('sha256').update(source).digest('hex').slice(0, 8);
      fileName = `assets/theme-init-${hash}.js`;
      this.emitFile({ type: 'asset', fileName, source });
    },
    // replaces the <!-- theme-init --> marker (after the meta tags, before any stylesheet)
    transformIndexHtml(html, ctx) {
      const src = ctx.server ? '/src/theme-init.js' : `./${fileName}`;
      if (!html.includes('<!-- theme-init -->')) throw new Error('index.html lacks the <!-- theme-init --> marker');
      return html.replace('<!-- theme-init -->', `<script src="${src}"></script>`);
    },
  };
}

// The build is embedded in the admin jar and served under whatever path the Java side
// mounts it on, so every asset URL is relative (base './').
export default defineConfig({
  plugins: [themeInit(), svelte()],
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline scripts or module-preload polyfill: the server sends `script-src 'self'`.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // the dashboard targets current browsers only
    target: 'es2022',
  },
  server: {
    // `npm run dev` talks to a locally running proxy on the default port.
    proxy: {
      '/observe': 'http://127.0.0.1:9000',
      '/_': { target: 'http://127.0.0.1:9000', ws: true },
    },
  },
});
