import { execFile } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

// Migrations are append-only: a schema change comes with the migration drizzle-kit generated for it.
// Here drizzle-kit generates against a copy of drizzle/, and must find nothing left to generate.
const root = path.resolve(import.meta.dirname, '../..');
const drizzleFolder = path.join(root, 'drizzle');
let scratch: string | undefined;

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('the committed migrations', () => {
  it('match the schema files: drizzle-kit has no change left to generate', async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'ocs-drizzle-check-'));
    const out = path.join(scratch, 'drizzle');
    await cp(drizzleFolder, out, { recursive: true });
    // As drizzle.config.ts, but writing into the copy (drizzle-kit takes `out` relative to its working folder).
    await writeFile(path.join(scratch, 'drizzle.config.json'), JSON.stringify({ dialect: 'postgresql', schema: path.join(root, 'lib/db/schema/index.ts'), out: './drizzle', casing: 'snake_case' }));
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(root, 'node_modules/drizzle-kit/bin.cjs'), 'generate', '--config', 'drizzle.config.json'], {
      cwd: scratch,
      // A rename would make drizzle-kit ask on a terminal; there is none, so it must not wait forever.
      timeout: 60_000,
    });
    expect(stdout).toContain('No schema changes');
    expect((await readdir(out, { recursive: true })).sort()).toEqual((await readdir(drizzleFolder, { recursive: true })).sort());
  });
});
