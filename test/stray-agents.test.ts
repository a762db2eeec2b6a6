// Sweeping what killed test runs left: a real process working in a dead run's node folder is
// stopped and the folder removed; a run that still beats is left alone.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { RUNNER_FILE, sweepDeadRuns } from './stray-agents';

const tmp = await mkdtemp(path.join(os.tmpdir(), 'ocs-sweep-'));

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function run(name: string, beatAgoMs: number): Promise<string> {
  const dir = path.join(tmp, name);
  await mkdir(path.join(dir, 'nodes', 'ocs-node'), { recursive: true });
  await writeFile(path.join(dir, RUNNER_FILE), '1');
  const when = new Date(Date.now() - beatAgoMs);
  await utimes(path.join(dir, RUNNER_FILE), when, when);
  return dir;
}

describe('sweepDeadRuns', () => {
  it('stops the applications of a run that stopped beating and removes its folder, and leaves a beating one', async () => {
    const dead = await run('run-dead', 10 * 60_000);
    const live = await run('run-live', 1_000);
    // An application as an agent starts one: in its node's folder, with the node's name in its environment.
    const app = spawn('sleep', ['300'], { cwd: path.join(dead, 'nodes', 'ocs-node'), env: { ...process.env, NODE_NAME: 'ocs-node' }, detached: true, stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => app.once('exit', (_code, signal) => resolve(signal === 'SIGKILL' ? 9 : null)));
    await new Promise((r) => setTimeout(r, 100));

    expect(sweepDeadRuns(tmp, 'run-', 60_000)).toEqual([dead]);
    expect(await exited).toBe(9);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});
