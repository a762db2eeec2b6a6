// The bundled agent as a product of its own: plain node runs it in a folder with nothing of this
// repository, under Node's permission model (no file outside that folder, and /proc where it reads
// processes), and it dials home, registers and runs what its desired state says. (An application
// that names {{nodeRunDir}} gets a short folder outside too; this one does not.)
import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { stopNodeApplications } from '@/agent/node-processes';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { putDesiredApplication } from '@/lib/agent-channel/desired-state';
import { closeDb, db } from '@/lib/db/client';
import { applications, nodes } from '@/lib/db/schema';
import { nodeRecords, until } from '@/test/fixtures';
import { agentBundle } from './agent-bundle';

const scratch = mkdtemp(path.join(os.tmpdir(), 'ocs-agent-bundle-'));

afterAll(async () => {
  await rm(await scratch, { recursive: true, force: true });
  await closeDb();
});

describe('the bundled agent', () => {
  it('runs under plain node on a host with nothing of this repository, reading and writing only its own folder', async () => {
    const bundle = await agentBundle();
    const host = await scratch;
    const stateDir = path.join(host, 'node');
    await mkdir(stateDir, { mode: 0o700 });
    const file = path.join(host, 'ocs-agent.mjs');
    await copyFile(bundle.file, file);
    const [record] = await nodeRecords(1);
    const ip = '127.93.0.2';
    await writeFile(path.join(stateDir, 'node.json'), JSON.stringify({ name: record!.name, ip, portalUrl: process.env.OCS_AGENT_PORTAL_URL }));
    await writeFile(path.join(stateDir, 'bootstrap-token'), await issueBootstrapToken(db(), record!.id));
    const agent = spawn(process.execPath, ['--experimental-permission', `--allow-fs-read=${host}/*`, '--allow-fs-read=/proc/*', `--allow-fs-write=${host}/*`, '--allow-child-process', file, '--state-dir', stateDir], {
      cwd: host,
      env: Object.fromEntries([['PATH', process.env.PATH ?? ''], ['HOME', host]]) as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    agent.stdout!.on('data', (d: Buffer) => (output += d));
    agent.stderr!.on('data', (d: Buffer) => (output += d));
    try {
      const registered = await until('the agent to register', async () => (await db().query.nodes.findFirst({ where: eq(nodes.id, record!.id) }))?.agentVersion, 20_000, 100).catch((e: Error) => {
        throw new Error(`${e.message}\n${output}`);
      });
      expect(registered).toBe(bundle.version);
      expect(output).toContain(`agent ${bundle.version}`);
      const server = `require('node:http').createServer((q, s) => s.end('ok')).listen(Number(process.env.PORT), process.env.NODE_IP)`;
      await putDesiredApplication(db(), record!.id, {
        spec: { name: 'tiny', kind: 'process', process: { command: [process.execPath, '-e', server], port: 18081, healthPath: '/', restart: 'on-failure' } },
        image: 'tiny',
        port: 18081,
        url: null,
      });
      await until('the application to run', async () => {
        const [app] = await db().select().from(applications).where(and(eq(applications.nodeId, record!.id), eq(applications.name, 'tiny')));
        return app?.report?.state === 'running' && app.report.healthy;
      }, 20_000, 100);
      expect(await (await fetch(`http://${ip}:18081/`)).text()).toBe('ok');
      expect(output).not.toMatch(/ERR_ACCESS_DENIED/);
    } finally {
      agent.kill('SIGTERM');
      await new Promise((r) => agent.once('exit', r));
      await stopNodeApplications(stateDir);
    }
  });
});
