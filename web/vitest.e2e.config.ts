import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The browser end-to-end suite (tests/e2e): Playwright drives Debian's Chromium against a real
// `onstage serve`. Its files live outside web/, so the packages they import are pinned to
// web/node_modules here; ctest runs it as `e2e.workflow` (tests/CMakeLists.txt).
const modules = resolve(import.meta.dirname, 'node_modules');

export default defineConfig({
    root: resolve(import.meta.dirname, '../tests/e2e'),
    cacheDir: resolve(modules, '.vite-e2e'), // not tests/e2e/node_modules: keep the source tree clean
    resolve: {
        alias: {
            'playwright-core': resolve(modules, 'playwright-core'),
        },
    },
    test: {
        include: ['**/*.e2e.ts'],
        environment: 'node',
        globals: true,
        // One scenario walks a story step by step: its tests share browsers and must run in order.
        fileParallelism: false,
        sequence: { concurrent: false },
        testTimeout: 30_000,
        hookTimeout: 60_000,
    },
});
