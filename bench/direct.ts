// The floor under a build: the same bundled agents and applications started by hand (each node's
// folder written directly with its application, no portal, queue, database or steps), measured in
// the same run as builds.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { stopAgent, stopNodeApplications } from '@/agent/node-processes';
import { agentBundle } from '@/lib/agent-bundle';
import { templateDir } from '@/lib/catalog/template-files';
import { summarize, timed } from './stats';

/** Addresses of its own, apart from the builds' subnet. */
const SUBNET = '127.74.0';

async function healthy(ip: string): Promise<boolean> {
  try {
    return (await fetch(`http://${ip}:8080/healthz`, { signal: AbortSignal.timeout(500) })).ok;
  } catch {
    return false;
  }
}

async function startDirectly(root: string, count: number, round: number): Promise<string[]> {
  const bundle = await agentBundle();
  const dirs = await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const ip = `${SUBNET}.${2 + i}`;
      const dir = path.join(root, `direct-${round}-${i}`);
      mkdirSync(path.join(dir, 'apps'), { recursive: true, mode: 0o700 });
      // No portal to dial: the agent restores the application it finds in its folder.
      writeFileSync(path.join(dir, 'node.json'), JSON.stringify({ name: `direct-${i}`, ip, portalUrl: 'http://127.0.0.1:9/' }));
      writeFileSync(path.join(dir, 'apps.json'), JSON.stringify({ hello: { command: [process.execPath, path.join(templateDir('web-hello'), 'app.mjs')], port: 8080, healthPath: '/healthz', restart: 'on-failure' } }));
      spawn(process.execPath, [bundle.file, '--state-dir', dir], { cwd: dir, detached: true, stdio: 'ignore' }).unref();
      while (!(await healthy(ip))) await sleep(20);
      return dir;
    }),
  );
  return dirs;
}

/** p50 of starting `count` web-hello nodes directly, over `rounds` rounds (each torn down after). */
export async function benchDirect(root: string, count: number, rounds: number) {
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let dirs: string[] = [];
    samples.push(await timed(async () => (dirs = await startDirectly(root, count, i))));
    for (const dir of dirs) {
      await stopAgent(dir);
      await stopNodeApplications(dir);
    }
  }
  return summarize(`direct start ${count} node(s): agents + applications healthy`, samples);
}
