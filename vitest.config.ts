import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'e2e/**', '.next/**', '.data/**'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-env.ts'],
    // Files share one PostgreSQL, one Redis and the machine's loopback addresses: run them one at a time.
    fileParallelism: false,
    // Log lines of passing tests are noise; a failing test still shows them.
    silent: 'passed-only',
    testTimeout: 90_000,
    hookTimeout: 90_000,
  },
});
