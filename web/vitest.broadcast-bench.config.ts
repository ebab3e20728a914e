import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// The broadcast benchmarks (bench/run-broadcast): tests/e2e/broadcast_bench.ts, run by vitest with the e2e
// suite's setup. It is not part of the e2e suite (vitest.e2e.config.ts runs *.e2e.ts only).
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
        include: ['broadcast_bench.ts'],
        environment: 'node',
        globals: true,
        fileParallelism: false,
        sequence: { concurrent: false },
        testTimeout: 900_000,
        hookTimeout: 120_000,
    },
});
