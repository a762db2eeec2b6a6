// The OpenHPC template on the lab's own servers: three network-namespace servers, one of them with
// a container engine that cannot pull OpenHPC's images (no registry is reachable), so the cluster is
// made from Debian's slurm-wlm and munge as processes everywhere. A job
// submitted the way the build's outputs say reaches every compute node; scaling the compute unit
// takes a Slurm node out and puts one back; deleting the unit group leaves nothing on the servers.
// Subnet 10.203.7.0/24 of this test's own.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeRunDir } from '@/agent/node-config';
import type { Actor } from '@/lib/auth/actor';
import { previewBuild } from '@/lib/builds/plan-build';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { applications, buildLogs, builds, nodes, units } from '@/lib/db/schema';
import { registerHost } from '@/lib/hosts/manage-hosts';
import { organizationSshPublicKey } from '@/lib/hosts/ssh-key';
import { closeQueue } from '@/lib/jobs/queue';
import { openApplicationSpec } from '@/lib/secrets/application-specs';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { requestUnitScale } from '@/lib/unit-groups/scale-unit';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { organizationWithMember, uniqueName } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork, type NamespaceHost } from '@/test/hosts';

let network: HostNetwork;
let portal: AgentPortal;
let actor: Actor;
let organizationId: string;
let servers: NamespaceHost[];
let unitGroupId: string | undefined;
const previousPortalUrl = process.env.OCS_AGENT_PORTAL_URL;

const agentDir = (host: NamespaceHost) => `${host.dir}/ocs`;

async function liveNodes(unitName: string) {
  const rows = await db()
    .select({ node: nodes, unit: units })
    .from(nodes)
    .innerJoin(units, eq(nodes.unitId, units.id))
    .where(and(eq(nodes.unitGroupId, unitGroupId!), isNull(nodes.deletedAt), eq(units.name, unitName)));
  return rows.map((r) => r.node);
}

const serverOf = (node: { hostId: string | null; ipAddress: string | null }) => servers.find((s) => s.ip === node.ipAddress)!;

/** Runs the build's "submit" output on the head node's server, with a job of its own in place of hostname. */
async function submitOnHead(job: string): Promise<{ code: number; lines: string[]; stderr: string }> {
  const [build] = await db().select().from(builds).where(and(eq(builds.unitGroupId, unitGroupId!), eq(builds.kind, 'create')));
  const submit = build!.outputs.find((o) => o.key === 'submit')!.values[0]!;
  const [head] = await liveNodes('master');
  const res = await serverOf(head!).exec(['sh', '-c', `${submit.replace(/srun .*$/, '')}timeout 60 ${job}`]);
  // On failure, what the daemons said goes with the job's own error.
  const logs = res.code === 0 ? '' : await daemonLogs();
  return { code: res.code, lines: res.stdout.trim().split('\n').filter(Boolean).sort(), stderr: `${res.stderr}\n${logs}` };
}

async function daemonLogs(): Promise<string> {
  const all = [...(await liveNodes('master')), ...(await liveNodes('compute'))];
  const tails = all.map((n) => {
    const apps = path.join(agentDir(serverOf(n)), 'nodes', n.name, 'apps');
    const file = readdirSync(apps).find((f) => f.endsWith('.log'));
    return `${n.name}:\n${file ? readFileSync(path.join(apps, file), 'utf8').split('\n').slice(-15).join('\n') : '(no log)'}`;
  });
  return tails.join('\n');
}

async function computeHostnames(): Promise<string[]> {
  return (await liveNodes('compute')).map((n) => serverOf(n).name).sort();
}

async function scaleCompute(numNodes: number): Promise<void> {
  const [compute] = await db().select().from(units).where(and(eq(units.unitGroupId, unitGroupId!), eq(units.name, 'compute')));
  const { buildId } = await requestUnitScale(db(), actor, compute!.id, { numNodes });
  await runBuild(db(), buildId);
}

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsoh', subnet: '10.203.7' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  process.env.OCS_AGENT_PORTAL_URL = portal.url;
  ({ organizationId, actor } = await organizationWithMember());
  const { publicKey } = await organizationSshPublicKey(db(), actor, organizationId);
  servers = [];
  for (let i = 1; i <= 3; i++) {
    const host = await network.addHost({ authorizedKeys: [publicKey] });
    servers.push(host);
    if (i === 1) await host.startContainerEngine();
    await registerHost(db(), actor, organizationId, { name: `hpc${i}`, address: host.ip, sshUser: host.user, capacity: 1, agentDir: agentDir(host) });
  }
});

afterAll(async () => {
  if (unitGroupId) await deleteUnitGroup(db(), unitGroupId).catch(() => {});
  process.env.OCS_AGENT_PORTAL_URL = previousPortalUrl;
  await portal?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
});

describe('an OpenHPC cluster on the lab\'s servers', { timeout: 240_000 }, () => {
  it('plans the head and compute nodes as processes, without the NFS server the servers do not need', async () => {
    const plan = await previewBuild(db(), actor, { templateSlug: 'openhpc', provider: 'onpremises', organizationId, parameters: { computeNodes: 2 } });
    expect(plan).toMatchObject({ canSubmit: true, problems: [] });
    const apps = Object.fromEntries(plan.units!.map((u) => [u.name, u.applications.map((a) => ({ name: a.name, needsContainers: a.needsContainers }))]));
    expect(apps).toEqual({ master: [{ name: 'slurmctld', needsContainers: false }], compute: [{ name: 'slurmd', needsContainers: false }] });
  });

  it('builds a Slurm cluster whose job reaches every compute node', async () => {
    const submitted = await submitBuild(db(), actor, { templateSlug: 'openhpc', unitGroupName: uniqueName('hpc'), provider: 'onpremises', organizationId, parameters: { computeNodes: 2, cpusPerNode: 1 } });
    unitGroupId = submitted.unitGroupId;
    await runBuild(db(), submitted.buildId);
    const [build] = await db().select().from(builds).where(eq(builds.id, submitted.buildId));
    expect(build!.status).toBe('SUCCEEDED');
    const [head] = await liveNodes('master');
    const submit = build!.outputs.find((o) => o.key === 'submit')!.values;
    expect(submit).toEqual([`export SLURM_CONF=${agentDir(serverOf(head!))}/nodes/${head!.name}/slurm/slurm.conf; srun -p compute -N 2 hostname`]);

    const job = await submitOnHead('srun -p compute -N 2 hostname');
    expect(job, job.stderr).toMatchObject({ code: 0, lines: await computeHostnames() });
    // A batch job too: Slurm runs its script from the compute node's spool by an absolute path.
    const batch = await submitOnHead(`sbatch -p compute -N 1 --wait -o /dev/null --wrap 'hostname'`);
    expect(batch, batch.stderr).toMatchObject({ code: 0, lines: [expect.stringMatching(/^Submitted batch job \d+$/)] });

    // On the server with an engine, the daemon was handed over as a container with its process form,
    // and runs as that process: the image cannot be pulled there.
    const withEngine = [...(await liveNodes('master')), ...(await liveNodes('compute'))].find((n) => n.ipAddress === servers[0]!.ip)!;
    expect(withEngine.capabilities).toMatchObject({ containers: true });
    const [app] = await db().select().from(applications).where(eq(applications.nodeId, withEngine.id));
    expect(openApplicationSpec(withEngine.id, app!.name, app!.spec!)).toMatchObject({ kind: 'container', process: { command: expect.arrayContaining(['sh']) } });
    expect(app!.report).toMatchObject({ kind: 'process', state: 'running', healthy: true });

    // The cluster's key is the node user's alone, and no log shows it.
    const mungeKey = build!.outputs.find((o) => o.key === 'munge-key')!.values[0]!;
    const keyFile = path.join(agentDir(serverOf(head!)), 'nodes', head!.name, 'munge', 'munge.key');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const log = (await db().select().from(buildLogs).where(eq(buildLogs.buildId, submitted.buildId))).map((l) => l.message).join('\n');
    expect(log).not.toContain(mungeKey);
  });

  it('scaling the compute unit in takes its Slurm node out, and scaling out brings one back', async () => {
    await scaleCompute(1);
    expect(await liveNodes('compute')).toHaveLength(1);
    const one = await submitOnHead('sinfo -h -N -o %N');
    expect(one, one.stderr).toMatchObject({ code: 0, lines: ['compute-1'] });
    expect(await submitOnHead('srun -p compute -N 1 hostname')).toMatchObject({ code: 0, lines: await computeHostnames() });

    await scaleCompute(2);
    const two = await submitOnHead('sinfo -h -N -o %N');
    expect(two.lines).toEqual(['compute-1', 'compute-3']);
    const job = await submitOnHead('srun -p compute -N 2 hostname');
    expect(job, job.stderr).toMatchObject({ code: 0, lines: await computeHostnames() });
  });

  it('deleting the unit group stops every Slurm and MUNGE daemon and removes their files', async () => {
    const folders = servers.map(agentDir);
    const all = [...(await liveNodes('master')), ...(await liveNodes('compute'))];
    // Each node's short folder for sockets and spools (NODE_PLACEHOLDERS.nodeRunDir) is there until then.
    const runDirs = all.map((n) => nodeRunDir(n.name));
    expect(runDirs.filter((d) => existsSync(path.join(d, 'munge.socket')))).toEqual(runDirs);
    await deleteUnitGroup(db(), unitGroupId!);
    unitGroupId = undefined;
    for (const folder of [...folders, ...runDirs]) expect(existsSync(folder)).toBe(false);
    const left = await servers[0]!.exec(['sh', '-c', `pgrep -ax 'slurmctld|slurmd|munged' | grep -F ${network.dir} || true`]);
    expect(left.stdout).toBe('');
  });
});
