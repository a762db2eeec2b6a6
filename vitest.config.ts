import path from 'node:path';
import { defineConfig } from 'vitest/config';

const NOT_TESTS = ['node_modules/**', 'e2e/**', '.next/**', '.data/**'];

// Two projects: `unit` (*.test.ts: no database, no Redis, files in parallel) and `integration`
// (*.int.test.ts: real PostgreSQL and Redis from test/global-setup.ts, files one at a time).
// `vitest run` runs both, unit first; `--project unit` or `--project integration` one of them.
export default defineConfig({
  resolve: { alias: { '@': path.resolve(import.meta.dirname) } },
  test: {
    // Log lines of passing tests are noise; a failing test still shows them.
    silent: 'passed-only',
    // Vitest 3 sets file parallelism for the whole run, not per project (`fileParallelism` is a
    // root option), so it is set per pool: integration files run in the forks pool with one fork
    // (each file still in a fresh process, as with fileParallelism: false), unit files in threads.
    poolOptions: { forks: { maxForks: 1, minForks: 1 } },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...NOT_TESTS, '**/*.int.test.ts'],
          pool: 'threads',
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['**/*.int.test.ts'],
          exclude: NOT_TESTS,
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-env.ts'],
          // Files share one PostgreSQL, one Redis and the machine's loopback addresses: one at a time (see poolOptions).
          pool: 'forks',
          sequence: { groupOrder: 1 },
          testTimeout: 90_000,
          hookTimeout: 90_000,
        },
      },
    ],
  },
});
