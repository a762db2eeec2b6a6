import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository this code runs from, known by its package.json and agent/main.ts: looked up
 * above the working directory (the portal, workers and tests run there) and above this file (a
 * launcher started from elsewhere). In the portal's server bundle this module has no file: URL.
 */
export function findRepoRoot(): string {
  const starts = [process.cwd()];
  try {
    starts.push(path.dirname(fileURLToPath(import.meta.url)));
  } catch {
    // bundled: the working directory is all there is
  }
  for (const start of starts) {
    for (let dir = start; ; dir = path.dirname(dir)) {
      if (existsSync(path.join(dir, 'agent', 'main.ts')) && existsSync(path.join(dir, 'package.json'))) return dir;
      if (path.dirname(dir) === dir) break;
    }
  }
  throw new Error(`cannot find the OCS Portal repository (agent/main.ts) above ${starts.join(' or ')}`);
}
