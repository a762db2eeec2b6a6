// The container form of a work queue: Slurm's commands run inside the application's container
// through the Docker Engine API (a namespace host's own Podman, test/hosts). The image is the
// web-hello one (test/images), given stand-in squeue and sinfo programs that print what a Slurm of
// the container's own would; the real Slurm's output is agent/work-queue.int.test.ts's. Subnet
// 10.203.22.0/24 of this test's own (the host's engine needs one; nothing is addressed on it).
import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHostNetwork, type HostNetwork } from '@/test/hosts';
import { HELLO_WEB_IMAGE } from '@/test/images/hello-web';
import { detectContainerEngine, type NodeContainers } from './containers';
import { containerSpecSchema } from './protocol';
import { containerRunner, readSlurmQueue } from './work-queue';

const NODE = { name: 'wq-head', ip: '10.203.22.11' };

let network: HostNetwork | undefined;
let containers: NodeContainers;

/** A tar of the stand-in programs for /usr/local/bin, as the Docker API takes files into a container. */
async function standIns(programs: Record<string, string>): Promise<Buffer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ocs-wq-bin-'));
  try {
    await mkdir(path.join(dir, 'usr', 'local', 'bin'), { recursive: true });
    for (const [name, source] of Object.entries(programs)) {
      const file = path.join(dir, 'usr', 'local', 'bin', name);
      await writeFile(file, `#!/usr/bin/node\n${source}\n`);
      await chmod(file, 0o755);
    }
    const { stdout } = await promisify(execFile)('tar', ['-c', '-C', dir, 'usr'], { encoding: 'buffer' });
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocswq', subnet: '10.203.22' });
  const host = await network.addHost({ authorizedKeys: [] });
  const podman = await host.startContainerEngine();
  const engine = await detectContainerEngine({ socketPath: podman.socketPath });
  if (!engine) throw new Error(`no engine answers on ${podman.socketPath}`);
  containers = engine.forNode(NODE);
  // Slurm's configuration, as an image would set it; the agent's exec keeps it.
  await containers.ensure('slurmctld', containerSpecSchema.parse({ image: HELLO_WEB_IMAGE, env: { SLURM_CONF: '/etc/slurm/slurm.conf', TZ: 'Asia/Tokyo' } }));
  const [container] = await new Dockerode({ socketPath: podman.socketPath }).listContainers({ filters: { label: [`ocs.node=${NODE.name}`] } });
  await new Dockerode({ socketPath: podman.socketPath }).getContainer(container!.Id).putArchive(
    await standIns({
      // The submit time as Slurm prints it: local time of the zone TZ says, without the zone.
      squeue: `const local = new Date(Date.UTC(2026, 11, 1, 10, 48, 30)).toLocaleString('sv', { timeZone: process.env.TZ === 'UTC0' ? 'UTC' : process.env.TZ }).replace(' ', 'T');
if (process.env.SLURM_CONF !== '/etc/slurm/slurm.conf' || process.env.SLURM_TIME_FORMAT !== 'standard') { console.error('squeue: error: not as the agent runs it'); process.exit(1); }
console.log(process.argv.slice(2).join(' ') === '-h -t PENDING -o %i|%V|%D|%r' ? \`7|\${local}|2|Resources\` : 'unexpected arguments');`,
      sinfo: `console.log('n1|10.0.0.11|allocated\\nn2|10.0.0.12|idle');`,
    }),
    { path: '/' },
  );
});

afterAll(async () => {
  await network?.destroy();
});

describe('a work queue read inside the container', { timeout: 60_000 }, () => {
  it('runs Slurm\'s commands with the container\'s environment, its times printed in UTC', async () => {
    expect(await readSlurmQueue(containerRunner(containers, 'slurmctld'))).toEqual({
      pendingJobCount: 1,
      pendingJobs: [{ jobId: '7', submittedAt: '2026-12-01T10:48:30.000Z', nodes: 2, reason: 'Resources' }],
      nodes: [
        { name: 'n1', address: '10.0.0.11', state: 'allocated' },
        { name: 'n2', address: '10.0.0.12', state: 'idle' },
      ],
    });
  });

  it('says what failed: a command that is not there, one that fails, an application without a running container', async () => {
    const runner = containerRunner(containers, 'slurmctld');
    const run = (argv: string[]) => runner(argv, new AbortController().signal);
    await expect(run(['scontrol', 'ping'])).rejects.toThrow('scontrol is not installed where the application runs');
    await expect(run(['/usr/bin/node', '-e', 'console.error("slurm_load_jobs error: Unable to contact slurm controller (connect failure)"); process.exit(1)'])).rejects.toThrow(
      /^slurm_load_jobs error: Unable to contact slurm controller \(connect failure\)$/,
    );
    expect(await readSlurmQueue(containerRunner(containers, 'nfs-server'))).toEqual({ problem: 'application nfs-server has no running container' });
  });
});
