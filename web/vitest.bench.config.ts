import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The browser benchmarks (bench/run-media: tests/e2e/media_bench.ts, bench/run-broadcast:
// tests/e2e/broadcast_bench.ts; each npm script names its file), run by vitest with the e2e
// suite's setup. They are not part of the e2e suite (vitest.e2e.config.ts runs *.e2e.ts only).
const modules = resolve(import.meta.dirname, 'node_modules');

export default defineConfig({
    root: resolve(import.meta.dirname, '../tests/e2e'),
    cacheDir: resolve(modules, '.vite-e2e'),
    resolve: {
        alias: {
            'playwright-core': resolve(modules, 'playwright-core'),
        },
    },
    test: {
        include: ['*_bench.ts'],
        environment: 'node',
        globals: true,
        fileParallelism: false,
        sequence: { concurrent: false },
        testTimeout: 900_000,
        hookTimeout: 120_000,
    },
});
