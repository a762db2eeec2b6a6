// An OpenHPC cluster across providers and sites: its head node on one of the lab's servers at site A,
// its compute nodes on aws (the local EC2 endpoint, whose instances are hosts at site B). The sites
// reach each other only through the portal's address (test/overlay-sites.ts), so Slurm's traffic
// can only go over the unit group's private network: directly within site B, through the relay
// between the sites. No instance has a container engine: Debian's slurm-wlm and munge run as
// processes on every node. The head also runs jobs (headComputes), so a job spans both sites;
// scaling the compute unit takes a Slurm node out and puts one back; deleting the unit group
// leaves no instance, file or daemon behind. Subnets 10.203.20.0/24 and 10.203.21.0/24 of this test's own.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interfaceNameFor } from '@/agent/overlay/wireguard';
import type { Actor } from '@/lib/auth/actor';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { builds, nodes, overlayMembers, overlayNetworks, units, type Node } from '@/lib/db/schema';
import { registerHost } from '@/lib/hosts/manage-hosts';
import { organizationSshPublicKey } from '@/lib/hosts/ssh-key';
import { closeQueue } from '@/lib/jobs/queue';
import { blockAddress } from '@/lib/overlay/addresses';
import { setUnitBurst } from '@/lib/burst/policy';
import { scaleByWorkQueues } from '@/lib/burst/queue-scaling';
import { workQueueOf } from '@/lib/burst/work-queue';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { requestUnitScale } from '@/lib/unit-groups/scale-unit';
import { startEc2Facade, type Ec2Facade } from '@/test/clouds/ec2/facade';
import { organizationWithMember, setEnv, uniqueName, until } from '@/test/fixtures';
import type { NamespaceHost } from '@/test/hosts';
import { startSites, type Sites } from '@/test/overlay-sites';

const SITE_A = '10.203.20';
const SITE_B = '10.203.21';
const SLURMCTLD_PORT = 6817;
const KEYS = { accessKeyId: 'AKIAIOSFODNN7HYBRID0', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYHYBRIDKEY0' };
const NETWORK = { subnetId: 'subnet-0123456789abcdef1', securityGroupId: 'sg-0123456789abcdef1', imageId: 'ami-0123456789abcdef1' };

let sites: Sites;
let ec2: Ec2Facade;
let server: NamespaceHost;
let actor: Actor;
let organizationId: string;
let unitGroupId: string | undefined;
let restoreEnv: (() => void) | undefined;

const agentDir = (host: NamespaceHost) => `${host.dir}/ocs`;
const liveInstances = () => ec2.instances.filter((i) => i.tags['ocs.unitGroupId'] === unitGroupId && i.state !== 'terminated');

async function liveNodes(unitName: string): Promise<Node[]> {
  const rows = await db()
    .select({ node: nodes })
    .from(nodes)
    .innerJoin(units, eq(nodes.unitId, units.id))
    .where(and(eq(nodes.unitGroupId, unitGroupId!), isNull(nodes.deletedAt), eq(units.name, unitName)));
  return rows.map((r) => r.node).sort((a, b) => a.nodeNo - b.nodeNo);
}

/** The machine a node runs on, and its agent's folder there: the lab's server, or the EC2 instance at the node's address. */
function machineOf(node: Node): { host: NamespaceHost; folder: string } {
  if (node.ipAddress === server.ip) return { host: server, folder: path.join(agentDir(server), 'nodes', node.name) };
  const machine = liveInstances().find((i) => i.privateIpAddress === node.ipAddress)?.machine;
  if (!machine) throw new Error(`no live instance at ${node.ipAddress} for node ${node.name}`);
  return { host: machine.host, folder: path.join(machine.home, '.ocs-portal', 'nodes', node.name) };
}

/** The hostnames a job on every Slurm node answers with: the head's server and each compute instance. */
async function clusterHostnames(): Promise<string[]> {
  const all = [...(await liveNodes('master')), ...(await liveNodes('compute'))];
  return all.map((n) => machineOf(n).host.name).sort();
}

async function daemonLogs(): Promise<string> {
  const all = [...(await liveNodes('master')), ...(await liveNodes('compute'))];
  return all
    .map((n) => {
      const apps = path.join(machineOf(n).folder, 'apps');
      const file = existsSync(apps) ? readdirSync(apps).find((f) => f.endsWith('.log')) : undefined;
      return `${n.name}:\n${file ? readFileSync(path.join(apps, file), 'utf8').split('\n').slice(-15).join('\n') : '(no log)'}`;
    })
    .join('\n');
}

/** Runs `job` on the head node's server the way the build's "submit" output says (its SLURM_CONF), within 60 s. */
async function onHead(job: string): Promise<{ code: number; lines: string[]; stderr: string }> {
  const [build] = await db().select().from(builds).where(and(eq(builds.unitGroupId, unitGroupId!), eq(builds.kind, 'create')));
  const submit = build!.outputs.find((o) => o.key === 'submit')!.values[0]!;
  const res = await server.exec(['sh', '-c', `${submit.replace(/srun .*$/, '')}timeout 60 ${job}`]);
  const logs = res.code === 0 ? '' : await daemonLogs();
  return { code: res.code, lines: res.stdout.trim().split('\n').filter(Boolean).sort(), stderr: `${res.stderr}\n${logs}` };
}

async function privateIpOf(node: Node): Promise<string> {
  const [member] = await db()
    .select({ block: overlayNetworks.block, hostNo: overlayMembers.hostNo })
    .from(overlayMembers)
    .innerJoin(overlayNetworks, eq(overlayNetworks.unitGroupId, overlayMembers.unitGroupId))
    .where(eq(overlayMembers.nodeId, node.id));
  if (!member) throw new Error(`node ${node.name} is not on its unit group's private network`);
  return blockAddress(member.block, member.hostNo);
}

/** What a TCP connection from `from` to address:port gives: "open", or why not. */
async function connect(from: NamespaceHost, address: string, port = SLURMCTLD_PORT): Promise<string> {
  const probe = `require('net').connect(${port}, process.argv[1]).on('connect', function () { console.log('open'); this.destroy(); }).on('error', (e) => console.log(e.code)).setTimeout(2000, function () { console.log('timeout'); this.destroy(); })`;
  return (await from.exec(['node', '-e', probe, address])).stdout.trim();
}

async function scaleCompute(numNodes: number): Promise<void> {
  const [compute] = await db().select().from(units).where(and(eq(units.unitGroupId, unitGroupId!), eq(units.name, 'compute')));
  const { buildId } = await requestUnitScale(db(), actor, compute!.id, { numNodes });
  await runBuild(db(), buildId);
  const [build] = await db().select().from(builds).where(eq(builds.id, buildId));
  expect(build!.status, build!.error ?? '').toBe('SUCCEEDED');
}

/** sinfo's node names, once every node is idle (a restarted slurmd registers again within seconds). */
async function idleSlurmNodes(expected: string[]): Promise<string[]> {
  let last = '';
  await until(`Slurm nodes ${expected.join(', ')} idle`, async () => {
    const res = await onHead('sinfo -h -N -o "%N %t"');
    last = res.lines.join('; ') || res.stderr;
    return res.code === 0 && res.lines.length === expected.length && res.lines.every((l) => l.endsWith(' idle'));
  }, 60_000, 1000).catch((e: Error) => {
    throw new Error(`${e.message}; sinfo said: ${last}`);
  });
  return (await onHead('sinfo -h -N -o %N')).lines;
}

beforeAll(async () => {
  sites = await startSites('ocshy', [SITE_A, SITE_B]);
  ({ organizationId, actor } = await organizationWithMember());
  const { publicKey } = await organizationSshPublicKey(db(), actor, organizationId);
  server = await sites.addServer(sites.a, [publicKey]);
  await registerHost(db(), actor, organizationId, { name: 'hpc-head', address: server.ip, sshUser: server.user, capacity: 1, agentDir: agentDir(server) });
  ec2 = await startEc2Facade([{ ...KEYS, region: 'ap-northeast-1', subnets: [NETWORK.subnetId], securityGroups: [NETWORK.securityGroupId] }], { instances: sites.instances(sites.b) });
  restoreEnv = setEnv({ OCS_AWS_EC2_ENDPOINT: ec2.url, OCS_AWS_POLL_MS: '100' });
  await addProviderAccount(db(), actor, organizationId, { provider: 'aws', name: 'burst-aws', region: 'ap-northeast-1', network: NETWORK, credentials: KEYS });
}, 120_000);

afterAll(async () => {
  if (unitGroupId) await deleteUnitGroup(db(), unitGroupId).catch(() => {});
  await ec2?.settled();
  restoreEnv?.();
  await ec2?.close();
  await sites?.close();
  await closeQueue();
  await closeDb();
}, 120_000);

describe('an OpenHPC cluster with its head on the lab\'s server and its compute nodes on aws', { timeout: 300_000 }, () => {
  it('builds a Slurm cluster whose job runs on the head and both compute nodes, across the sites', async () => {
    const submitted = await submitBuild(db(), actor, {
      templateSlug: 'openhpc',
      unitGroupName: uniqueName('hybrid-hpc'),
      provider: 'onpremises',
      providerByRole: { compute: 'aws' },
      organizationId,
      parameters: { computeNodes: 2, headComputes: true, cpusPerNode: 1 },
    });
    unitGroupId = submitted.unitGroupId;
    await runBuild(db(), submitted.buildId);
    const [build] = await db().select().from(builds).where(eq(builds.id, submitted.buildId));
    expect(build!.status, build!.error ?? '').toBe('SUCCEEDED');

    // The head on the server at site A, the compute nodes on the instances at site B.
    const [head] = await liveNodes('master');
    const compute = await liveNodes('compute');
    expect(head).toMatchObject({ provider: 'onpremises', ipAddress: server.ip });
    expect(server.ip.startsWith(`${SITE_A}.`)).toBe(true);
    expect(compute.map((n) => n.provider)).toEqual(['aws', 'aws']);
    expect(compute.map((n) => n.ipAddress).sort()).toEqual(liveInstances().map((i) => i.privateIpAddress).sort());
    for (const n of compute) expect(n.ipAddress!.startsWith(`${SITE_B}.`), n.ipAddress!).toBe(true);

    // Users sign in to the head at its own address; a job goes to every Slurm node.
    const outputs = Object.fromEntries(build!.outputs.map((o) => [o.key, o.values]));
    expect(outputs['head-node']).toEqual([server.ip]);
    expect(outputs.submit).toEqual([`export SLURM_CONF=${machineOf(head!).folder}/slurm/slurm.conf; srun -p compute -N 3 hostname`]);

    // Slurm names every node by its private address; a compute node cannot reach the head's own
    // address, only its private one (once the relay has carried the peers' first handshake).
    const headPrivateIp = await privateIpOf(head!);
    const slurmConf = readFileSync(path.join(machineOf(compute[0]!).folder, 'slurm', 'slurm.conf'), 'utf8').split('\n');
    expect(slurmConf).toContain(`SlurmctldHost=${server.name}(${headPrivateIp})`);
    expect(slurmConf.filter((l) => l.startsWith('NodeName='))).toEqual([
      `NodeName=compute-1 NodeAddr=${await privateIpOf(compute[0]!)} CPUs=1 State=UNKNOWN`,
      `NodeName=compute-2 NodeAddr=${await privateIpOf(compute[1]!)} CPUs=1 State=UNKNOWN`,
      `NodeName=head NodeAddr=${headPrivateIp} CPUs=1 State=UNKNOWN`,
    ]);
    const computeHost = machineOf(compute[0]!).host;
    expect(await connect(computeHost, server.ip)).not.toBe('open');
    await until(`the head's slurmctld at ${headPrivateIp} from ${computeHost.name}`, async () => (await connect(computeHost, headPrivateIp)) === 'open', 30_000, 500);

    expect(await idleSlurmNodes(['compute-1', 'compute-2', 'head'])).toEqual(['compute-1', 'compute-2', 'head']);
    const job = await onHead('srun -p compute -N 3 hostname');
    expect(job, job.stderr).toMatchObject({ code: 0, lines: await clusterHostnames() });
    expect(new Set(job.lines).size).toBe(3);

    // The head's agent reached the compute nodes through the relay, each compute node the other directly.
    const paths = await until('every agent to report a path to each peer', async () => {
      const rows = await db().select({ nodeId: overlayMembers.nodeId, report: overlayMembers.report }).from(overlayMembers).where(eq(overlayMembers.unitGroupId, unitGroupId!));
      return rows.length === 3 && rows.every((r) => r.report?.peers.length === 2 && r.report.peers.every((p) => p.path !== 'none')) && rows;
    }, 30_000, 200);
    const siteOf = (nodeId: string) => (nodeId === head!.id ? 'a' : 'b');
    for (const { nodeId, report } of paths)
      for (const peer of report!.peers) expect(peer.path, `${nodeId} → ${peer.nodeId}`).toBe(siteOf(peer.nodeId) === siteOf(nodeId) ? 'direct' : 'relay');
  });

  it('scaling the compute unit in takes an instance and its Slurm node out, and scaling out brings one back', async () => {
    await scaleCompute(1);
    expect(liveInstances()).toHaveLength(1);
    expect(await idleSlurmNodes(['compute-1', 'head'])).toEqual(['compute-1', 'head']);
    const two = await onHead('srun -p compute -N 2 hostname');
    expect(two, two.stderr).toMatchObject({ code: 0, lines: await clusterHostnames() });

    await scaleCompute(2);
    expect(liveInstances()).toHaveLength(2);
    for (const n of await liveNodes('compute')) expect(n.ipAddress!.startsWith(`${SITE_B}.`), n.ipAddress!).toBe(true);
    expect(await idleSlurmNodes(['compute-1', 'compute-3', 'head'])).toEqual(['compute-1', 'compute-3', 'head']);
    const three = await onHead('srun -p compute -N 3 hostname');
    expect(three, three.stderr).toMatchObject({ code: 0, lines: await clusterHostnames() });
  });

  it('follows the Slurm queue on its own cloud: a job waiting adds an instance, and those idle long go but the first', async () => {
    const [compute] = await db().select().from(units).where(and(eq(units.unitGroupId, unitGroupId!), eq(units.name, 'compute')));
    await setUnitBurst(db(), actor, compute!.id, { provider: 'aws', flavor: 'small', maxNodes: 3, queue: { pendingSeconds: 60, idleSeconds: 300 } });
    const decision = async (at: Date) => (await scaleByWorkQueues(db(), at)).find((d) => d.unitId === compute!.id)!;
    const queue = (what: string, check: (q: { pendingJobCount: number; nodes: { name: string; state: string }[] }) => boolean) =>
      until(what, async () => {
        const reported = await workQueueOf(db(), unitGroupId!);
        return reported && 'nodes' in reported.queue && check(reported.queue);
      }, 90_000, 500);
    const runChange = async (buildId: string) => {
      await runBuild(db(), buildId);
      const [build] = await db().select().from(builds).where(eq(builds.id, buildId));
      expect(build!.status, build!.error ?? '').toBe('SUCCEEDED');
    };

    // Three Slurm nodes of one CPU each: the fourth job waits.
    for (let i = 0; i < 4; i++) expect((await onHead('sbatch -p compute -N 1 -o /dev/null --wrap "sleep 600"')).code).toBe(0);
    await queue('one job pending', (q) => q.pendingJobCount === 1);
    const grow = await decision(new Date(Date.now() + 61_000));
    expect(grow, JSON.stringify(grow)).toMatchObject({ action: 'add', nodes: 1 });
    await runChange((grow as { buildId: string }).buildId);
    expect((await liveNodes('compute')).map((n) => [n.nodeNo, n.provider])).toEqual([[1, 'aws'], [3, 'aws'], [4, 'aws']]);
    expect(liveInstances()).toHaveLength(3);
    await queue('no job pending, compute-4 running one', (q) => q.pendingJobCount === 0 && q.nodes.some((n) => n.name === 'compute-4' && n.state === 'allocated'));

    expect((await onHead('scancel -u "$(id -un)"')).code).toBe(0);
    await queue('every node idle', (q) => q.nodes.length === 4 && q.nodes.every((n) => n.state === 'idle'));
    expect(await decision(new Date())).toMatchObject({ action: 'none' });
    const shrink = await decision(new Date(Date.now() + 301_000));
    expect(shrink, JSON.stringify(shrink)).toMatchObject({ action: 'remove', nodes: 2, reason: expect.stringContaining('node(s) 3, 4 ran no job') });
    await runChange((shrink as { buildId: string }).buildId);
    expect((await liveNodes('compute')).map((n) => n.nodeNo)).toEqual([1]);
    await ec2.settled();
    expect(liveInstances()).toHaveLength(1);
  });

  it('deleting the unit group terminates the instances and leaves no file, daemon or network on the server', async () => {
    const all = [...(await liveNodes('master')), ...(await liveNodes('compute'))];
    // Hosts share this machine's process view: a node's daemons name its folder (so its name) or its interface.
    const pattern = [...all.map((n) => n.name), ...all.map((n) => interfaceNameFor(n.name))].join('|');
    const daemons = async () => (await server.exec(['sh', '-c', `ps -eo args | grep -E '^(slurmctld|slurmd|munged|wireguard-go) ' | grep -E -- "$1" || true`, 'daemons', pattern])).stdout;
    // Every node runs munged, slurmd (the head too) and its WireGuard; the head slurmctld.
    expect((await daemons()).split('\n').map((l) => l.split(' ')[0]).filter(Boolean).sort()).toEqual([
      ...Array<string>(all.length).fill('munged'),
      'slurmctld',
      ...Array<string>(all.length).fill('slurmd'),
      ...Array<string>(all.length).fill('wireguard-go'),
    ]);

    await deleteUnitGroup(db(), unitGroupId!);
    const deleted = unitGroupId!;
    unitGroupId = undefined;
    await ec2.settled();
    expect(ec2.instances.filter((i) => i.tags['ocs.unitGroupId'] === deleted && i.state !== 'terminated')).toEqual([]);
    expect(sites.b.hosts).toHaveLength(0);
    expect(existsSync(agentDir(server))).toBe(false);
    expect(await daemons()).toBe('');
  });
});
