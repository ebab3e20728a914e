import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

// One HTML page per app; onstage serves /attendee, /moderator, /talent, /console and /watch
// from web/dist/ and the hashed assets from web/dist/assets/. No React plugin: the JSX transform is enough (Vite 8
// transforms with Oxc; its `esbuild` option is deprecated and ignored, so `oxc.jsx` it is).
export default defineConfig({
    base: '/',
    oxc: { jsx: { runtime: 'automatic' } },
    build: {
        outDir: 'dist',
        assetsDir: 'assets',
        rollupOptions: {
            input: {
                attendee: resolve(import.meta.dirname, 'attendee.html'),
                moderator: resolve(import.meta.dirname, 'moderator.html'),
                talent: resolve(import.meta.dirname, 'talent.html'),
                console: resolve(import.meta.dirname, 'console.html'),
                watch: resolve(import.meta.dirname, 'watch.html'),
            },
        },
    },
    test: {
        include: ['src/**/*.test.ts'],
        environment: 'node',
    },
});
