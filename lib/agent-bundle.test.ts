import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { agentBundle } from './agent-bundle';

const scratch = mkdtemp(path.join(os.tmpdir(), 'ocs-agent-bundle-'));

afterAll(async () => rm(await scratch, { recursive: true, force: true }));

describe('the agent bundle', () => {
  it('is one versioned file with its checksum, built once per version', async () => {
    const bundle = await agentBundle();
    expect(bundle.version).toMatch(/^\d+\.\d+\.\d+\+[0-9a-f]{12}$/);
    expect(path.basename(bundle.file)).toBe(`ocs-agent-${bundle.version}.mjs`);
    expect(bundle.sha256).toBe(createHash('sha256').update(await readFile(bundle.file)).digest('hex'));
    expect(await agentBundle()).toEqual(bundle);
  });

  it('runs under plain node on a host with nothing of this repository, reading and writing only its own folder', async () => {
    const bundle = await agentBundle();
    const host = await scratch;
    const stateDir = path.join(host, 'node');
    await mkdir(stateDir, { mode: 0o700 });
    const file = path.join(host, 'ocs-agent.mjs');
    await copyFile(bundle.file, file);
    const ip = '127.79.0.2';
    const port = 9100;
    await writeFile(path.join(stateDir, 'node.json'), JSON.stringify({ name: 'bundle-test', ip, port, tags: {}, createdAt: new Date().toISOString() }));
    // Node's permission model refuses any file access outside the host's folder (and /proc, where the agent reads its processes).
    const agent = spawn(process.execPath, ['--experimental-permission', `--allow-fs-read=${host}/*`, '--allow-fs-read=/proc/*', `--allow-fs-write=${host}/*`, '--allow-child-process', file, '--state-dir', stateDir], {
      cwd: host,
      env: Object.fromEntries([['PATH', process.env.PATH ?? ''], ['HOME', host]]) as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    agent.stdout!.on('data', (d: Buffer) => (output += d));
    agent.stderr!.on('data', (d: Buffer) => (output += d));
    try {
      let health: { version?: string; nodeName?: string } | undefined;
      for (let i = 0; i < 100 && !health && agent.exitCode === null; i++) {
        health = await fetch(`http://${ip}:${port}/health`).then((r) => r.json() as Promise<typeof health>, () => undefined);
        if (!health) await sleep(100);
      }
      expect(health, output).toMatchObject({ version: bundle.version, nodeName: 'bundle-test' });
      expect(output).toContain(`agent ${bundle.version}`);
    } finally {
      agent.kill('SIGTERM');
      await new Promise((r) => agent.once('exit', r));
    }
  });
});
