// The agent reads a real Slurm cluster's queue and the portal keeps it. Debian's slurm-wlm and
// munge (munged, slurmctld, and slurmd as one Slurm node with 1 CPU) run as the process-form
// application of a node whose agent dials home to this file's portal; jobs submitted with sbatch
// show up in the application's stored report and in workQueueOf. Slurm is addressed on 127.93.0.1
// (controller) and 127.93.0.2 (its node) only; the agent and the applications run with
// TZ=Asia/Tokyo, so a submit time read as local time without its zone would be 9 hours off.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { putDesiredApplication } from '@/lib/agent-channel/desired-state';
import { agentBundle } from '@/lib/agent-bundle';
import { workQueueOf, type UnitGroupWorkQueue } from '@/lib/burst/work-queue';
import { closeDb, db } from '@/lib/db/client';
import { applications, type Node } from '@/lib/db/schema';
import { freePort } from '@/scripts/services/free-port';
import { nodeRecords, until } from '@/test/fixtures';
import { stopNodeApplications } from './node-processes';
import type { DesiredApplication, WorkQueueReport } from './protocol';
import { processRunner, readSlurmQueue } from './work-queue';

const CONTROLLER_IP = '127.93.0.1';
const SLURM_NODE_IP = '127.93.0.2';
const run = promisify(execFile);

let dir: string;
let stateDir: string;
let node: Node;
let agentPid: number | undefined;
const slurmConf = () => path.join(stateDir, 'slurm', 'slurm.conf');
/** Slurm's client commands as a user of the cluster runs them. */
const slurm = (argv: string[]) => run(argv[0]!, argv.slice(1), { env: { ...process.env, SLURM_CONF: slurmConf() }, cwd: dir, timeout: 20_000 });

/**
 * The cluster as the application: a start script, the MUNGE key and slurm.conf (after the openhpc
 * template's, but with an absolute SlurmdSpoolDir: slurmstepd runs a batch script by its spool
 * path from the job's working folder, so a relative one fails every sbatch job).
 */
function slurmApplication(ports: { controller: number; node: number }): DesiredApplication {
  const conf = `ClusterName=ocstest
MailProg=/bin/true
SlurmctldHost=${os.hostname().split('.')[0]}(${CONTROLLER_IP})
SlurmctldPort=${ports.controller}
SlurmdPort=${ports.node}
SlurmUser={{nodeUser}}
SlurmdUser={{nodeUser}}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={{nodeDir}}/run/munge.socket
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
SlurmdParameters=config_overrides
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
StateSaveLocation={{nodeDir}}/slurm/state
SlurmdSpoolDir={{nodeDir}}/spool
SlurmctldPidFile={{nodeDir}}/run/slurmctld.pid
SlurmdPidFile={{nodeDir}}/run/slurmd.pid
NodeName=n1 NodeAddr=${SLURM_NODE_IP} CPUs=1 State=UNKNOWN
PartitionName=batch Nodes=ALL Default=YES MaxTime=INFINITE State=UP
`;
  // The daemons find slurm.conf by the application's SLURM_CONF, as squeue and sinfo then do.
  const script = `set -eu
PATH="$PATH:/usr/sbin"
D="{{nodeDir}}"
cd "$D"
mkdir -p run slurm/state spool
munged --force --foreground --key-file="$D/munge/munge.key" --socket="$D/run/munge.socket" \\
  --pid-file="$D/run/munged.pid" --seed-file="$D/munge/munged.seed" --log-file="$D/munge/munged.log" &
until [ -S "$D/run/munge.socket" ]; do sleep 0.1; done
slurmctld -D &
slurmd -D -N n1 &
wait
`;
  return {
    name: 'slurm',
    kind: 'process',
    process: {
      command: ['sh', '{{nodeDir}}/slurm/run.sh'],
      env: { SLURM_CONF: '{{nodeDir}}/slurm/slurm.conf', TZ: 'Asia/Tokyo' },
      files: [
        { path: 'munge/munge.key', content: randomBytes(48).toString('base64'), mode: 0o600 },
        { path: 'slurm/slurm.conf', content: conf, mode: 0o644 },
        { path: 'slurm/run.sh', content: script, mode: 0o644 },
      ],
      restart: 'no',
    },
    workQueue: { scheduler: 'slurm' },
  };
}

type SlurmQueue = Extract<WorkQueueReport, { nodes: unknown }>;

/** The unit group's work queue once the queue it reports satisfies `check`. */
async function queueWhen(what: string, check: (q: SlurmQueue) => boolean): Promise<UnitGroupWorkQueue & { queue: SlurmQueue }> {
  let last: unknown;
  try {
    return await until(
      what,
      async () => {
        const found = await workQueueOf(db(), node.unitGroupId);
        last = found?.queue;
        const queue = found?.queue;
        return found && queue && 'nodes' in queue && check(queue) ? { ...found, queue } : undefined;
      },
      45_000,
      200,
    );
  } catch (err) {
    const log = await readFile(path.join(stateDir, 'apps', 'slurm.log'), 'utf8').catch(() => '(no log)');
    throw new Error(`${(err as Error).message}; last queue: ${JSON.stringify(last)}\napplication log:\n${log.split('\n').slice(-20).join('\n')}`, { cause: err });
  }
}

beforeAll(async () => {
  // Short: slurmd's job sockets live under it, and a socket's path must stay under 108 bytes.
  dir = await mkdtemp(path.join(os.tmpdir(), 'ocs-wq-'));
  stateDir = path.join(dir, 'node');
  [node] = (await nodeRecords(1)) as [Node];
  const ports = { controller: await freePort('0.0.0.0'), node: await freePort('0.0.0.0') };
  await putDesiredApplication(db(), node.id, { spec: slurmApplication(ports), image: 'debian:slurm-wlm', port: null, url: null });

  await mkdir(stateDir);
  await writeFile(path.join(stateDir, 'node.json'), JSON.stringify({ name: node.name, ip: CONTROLLER_IP, portalUrl: process.env.OCS_AGENT_PORTAL_URL }));
  await writeFile(path.join(stateDir, 'bootstrap-token'), await issueBootstrapToken(db(), node.id), { mode: 0o600 });
  const bundle = await agentBundle();
  const agentEnv: Record<string, string | undefined> = { PATH: process.env.PATH, HOME: process.env.HOME, TZ: 'Asia/Tokyo' };
  const out = openSync(path.join(dir, 'agent.log'), 'a');
  try {
    const agent = spawn(process.execPath, [bundle.file, '--state-dir', stateDir], { cwd: stateDir, detached: true, stdio: ['ignore', out, out], env: agentEnv as NodeJS.ProcessEnv });
    agentPid = agent.pid;
  } finally {
    closeSync(out);
  }
});

afterAll(async () => {
  await slurm(['scancel', '--full', '-u', os.userInfo().username]).catch(() => {});
  if (agentPid) process.kill(agentPid, 'SIGTERM');
  // The agent leaves its applications running when it stops: Slurm and MUNGE go here.
  if (stateDir) await stopNodeApplications(stateDir);
  if (dir) await rm(dir, { recursive: true, force: true });
  await closeDb();
});

describe('a Slurm cluster\'s work queue', { timeout: 120_000 }, () => {
  it('is reported once Slurm runs: its node idle, nothing pending', async () => {
    const found = await queueWhen('Slurm\'s node idle in the stored report', (q) => q.nodes.some((n) => n.state === 'idle'));
    expect(found).toMatchObject({ nodeId: node.id, application: 'slurm', queue: { pendingJobCount: 0, pendingJobs: [], nodes: [{ name: 'n1', state: 'idle' }] } });
    expect(found.heartbeatAt).toBeInstanceOf(Date);
  });

  let firstJob: string;
  let secondJob: string;
  let allocatedAt: string;

  it('shows the job that waits for the node, with its node count and how long it has waited', async () => {
    const before = Date.now();
    const sbatch = async () => (await slurm(['sbatch', '--parsable', '-D', dir, '-o', path.join(dir, 'job-%j.out'), '--wrap', 'sleep 300'])).stdout.trim();
    firstJob = await sbatch();
    secondJob = await sbatch();
    const after = Date.now();

    const found = await queueWhen('one pending job and the node allocated', (q) => q.pendingJobs.length === 1 && q.nodes[0]?.state === 'allocated');
    expect(found.queue).toMatchObject({ pendingJobCount: 1, pendingJobs: [{ jobId: secondJob, nodes: 1 }], nodes: [{ name: 'n1', state: 'allocated' }] });
    const [pending] = found.queue.pendingJobs;
    // squeue prints whole seconds.
    expect(Date.parse(pending!.submittedAt)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(pending!.submittedAt)).toBeLessThanOrEqual(after);
    allocatedAt = found.queue.at;
    expect(Date.parse(allocatedAt)).toBeGreaterThanOrEqual(before);

    // Stored as the agent sent it, and typed as the protocol says.
    const [row] = await db().select().from(applications).where(and(eq(applications.nodeId, node.id), eq(applications.name, 'slurm')));
    expect(row!.report?.workQueue).toEqual(found.queue);
    // The module alone, as any process on the node with the cluster's slurm.conf reads it.
    expect(await readSlurmQueue(processRunner({ env: { ...process.env, SLURM_CONF: slurmConf(), TZ: 'Asia/Tokyo' }, cwd: dir }))).toEqual({
      pendingJobCount: 1,
      pendingJobs: [pending],
      nodes: [{ name: 'n1', address: SLURM_NODE_IP, state: 'allocated' }],
    });
  });

  it('shows the node idle and nothing pending once the jobs are cancelled', async () => {
    await slurm(['scancel', firstJob, secondJob]);
    const found = await queueWhen('no pending job and the node idle', (q) => q.pendingJobs.length === 0 && q.nodes[0]?.state === 'idle');
    expect(found.queue).toMatchObject({ pendingJobCount: 0, nodes: [{ name: 'n1', state: 'idle' }] });
    expect(Date.parse(found.queue.at)).toBeGreaterThan(Date.parse(allocatedAt));
  });
});
