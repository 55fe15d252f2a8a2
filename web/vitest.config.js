// Unit tests of the dashboard's own logic (src/**/*.test.js): run by `npm test` and by
// scripts/test before the Java suite. Node only, no browser: the build's Svelte plugin compiles
// the rune modules (*.svelte.js); tests stub what a module needs of the browser (fetch, location).
import { defineConfig, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.js';

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: 'node',
      include: ['src/**/*.test.js'],
      // every test file gets fresh module state (the stores are singletons)
      isolate: true,
      restoreMocks: true,
      unstubGlobals: true,
    },
  }),
);
