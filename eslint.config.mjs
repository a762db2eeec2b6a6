// ESLint (flat config): typescript-eslint's recommended rules everywhere, the React hooks rules in
// components and pages, and import rules that keep the layers apart:
//   lib/  — the domain: no Next.js or React, so workers, scripts and tests can use all of it;
//   app/  — pages and route handlers: no database layer, they call lib/ for data.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const WEB_FRAMEWORK = {
  regex: '^(next|next-auth|react|react-dom)(/.*)?$',
  message: 'lib/ is the domain and runs outside Next.js too (workers, scripts): keep Next.js and React in app/ and components/.',
};

const DATABASE_LAYER = {
  regex: '^(@/|(\\.\\./)+)lib/db(/.*)?$',
  // Types (Database, rows) may be named; values may not.
  allowTypeImports: true,
  message: 'app/ does not reach into the database: route handlers get `db` from withActor (lib/http/route.ts), pages call lib/ (e.g. lib/http/page-context.ts).',
};

export default defineConfig(
  {
    ignores: ['node_modules/', '.next/', '.data/', 'e2e/output/', 'drizzle/', 'bench/results/', 'test-results/', 'playwright-report/', 'next-env.d.ts'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // A `let` read by a closure written before its one assignment (a timer the shutdown handler clears) stays `let`.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // `_`-prefixed names are deliberately unused (a destructured field left out, a required parameter).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
    },
  },
  {
    files: ['app/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.tsx'],
    ...reactHooks.configs.flat.recommended,
  },
  {
    files: ['lib/**/*.{ts,tsx}'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [WEB_FRAMEWORK] }] },
  },
  {
    // The web glue: the route wrapper (NextResponse), the NextAuth session and options, and the
    // locale cookie. They live in lib/ because lib/'s domain code and app/ both use them; no
    // domain module imports Next.js itself. Tests drive route handlers with Next's Request types.
    files: ['lib/http/route.ts', 'lib/api/handle.ts', 'lib/auth/session.ts', 'lib/auth/options.ts', 'lib/i18n/locale.ts', 'lib/**/*.test.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': 'off' },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    // Tests set up and inspect data directly, like every other integration test.
    ignores: ['app/**/*.test.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [DATABASE_LAYER] }] },
  },
);
