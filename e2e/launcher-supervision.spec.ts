import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startLauncher, waitForStatus, type Launcher } from './launcher';

// `git clone` into a folder only its owner may enter (as root: under /root, or `mktemp -d`), then
// `npm start`: the embedded PostgreSQL must still start, from binaries and data inside that folder.
const ports = { portal: 3202, idp: 9430, samlIdp: 9431, smtp: 2555, postgres: 54359, redis: 63829 };
let folder: string;
let launcher: Launcher | undefined;

test.afterAll(async () => {
  await launcher?.interrupt();
  if (folder) await rm(folder, { recursive: true, force: true });
});

/** The pid of the one process whose command line contains `text` (other than `except`), or 0. */
function pidOf(text: string, except = 0): number {
  const lines = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' }).split('\n');
  const found = lines.map((l) => l.trim().match(/^(\d+)\s+(.*)$/)).filter((m) => m && m[2]!.includes(text) && Number(m[1]) !== except);
  return found.length === 1 ? Number(found[0]![1]) : 0;
}

test('the launcher comes up from a clone in a folder of mode 0700, restarts what dies, and stops cleanly', async () => {
  test.setTimeout(300_000);
  folder = await mkdtemp(path.join(os.tmpdir(), 'ocs-private-'));
  await chmod(folder, 0o700);
  const clone = path.join(folder, 'ocs-portal');
  await mkdir(clone);
  // The working tree as a clone has it, plus the installed packages (hard links where the file
  // system allows: no copy of 700 MB) and the portal build this run made from these same files.
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);
  execFileSync('cp', ['--parents', '-a', ...files.filter((f) => !f.startsWith('e2e/output/')), clone]);
  try {
    execFileSync('cp', ['-al', 'node_modules', path.join(clone, 'node_modules')]);
  } catch {
    execFileSync('cp', ['-a', 'node_modules', path.join(clone, 'node_modules')]);
  }
  execFileSync('cp', ['-a', '.next', path.join(clone, '.next')]);
  // Copying gave the folders new times; the build is current, so the launcher need not build again.
  const now = new Date();
  await utimes(path.join(clone, '.next', 'BUILD_ID'), now, now);

  launcher = startLauncher(clone, path.join(clone, '.data'), ports, '127.74.0.0/16');
  await waitForStatus(`http://127.0.0.1:${ports.portal}/api/health`, 200, 240_000);
  await expect.poll(() => launcher!.output(), { timeout: 30_000 }).toContain('OCS Portal is running');
  expect(launcher.output()).not.toContain('Building the portal');
  // The database files stay the cloning user's, inside the clone.
  expect((await stat(path.join(clone, '.data', 'postgres', 'PG_VERSION'))).uid).toBe(process.getuid!());

  // A worker that dies is started again, with a log line; so is the launcher's Redis (empty).
  const workerPid = pidOf(`${clone}/workers/main.ts`);
  expect(workerPid).toBeGreaterThan(0);
  process.kill(workerPid, 'SIGKILL');
  await expect.poll(() => launcher!.output(), { timeout: 30_000 }).toMatch(/worker-1 exited unexpectedly \(SIGKILL\); restarting it/);
  await expect.poll(() => pidOf(`${clone}/workers/main.ts`, workerPid), { timeout: 30_000 }).toBeGreaterThan(0);
  const redisPid = pidOf(`redis-server 127.0.0.1:${ports.redis}`);
  expect(redisPid).toBeGreaterThan(0);
  process.kill(redisPid, 'SIGKILL');
  await expect.poll(() => launcher!.output(), { timeout: 30_000 }).toMatch(/redis exited unexpectedly \(SIGKILL\); restarting it/);
  await waitForStatus(`http://127.0.0.1:${ports.portal}/api/health`, 200, 30_000);
  // And its PostgreSQL, after a crash (SIGKILL leaves its backends to notice and go first).
  const postgresPid = pidOf(`-D ${clone}/.data/postgres`);
  expect(postgresPid).toBeGreaterThan(0);
  process.kill(postgresPid, 'SIGKILL');
  await expect.poll(() => launcher!.output(), { timeout: 30_000 }).toMatch(/postgres exited unexpectedly \(SIGKILL\); restarting it/);
  await waitForStatus(`http://127.0.0.1:${ports.portal}/api/health`, 200, 60_000);

  expect(await launcher.interrupt()).toBe(0);
  expect(launcher.output()).not.toMatch(/EACCES|\n\s+at .+:\d+:\d+\)?\n/);
  launcher = undefined;
});
