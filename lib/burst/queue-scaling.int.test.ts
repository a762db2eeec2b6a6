// The queue-driven burst on a real Slurm cluster: OpenHPC on two of the lab's servers (the head and
// one compute node, room for nothing more), its compute unit with a burst policy to aws (the EC2
// emulator's instances, on the same network). A job waiting behind another makes the portal add a
// compute node on the cloud, where the job then runs; once the jobs are gone and the cloud node has
// been idle long enough, it is removed, and the first compute node never is. The clock the decisions
// are made with is simulated: minutes pass in a call. Subnet 10.203.24.0/24 of this test's own.
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, builds, nodes, units } from '@/lib/db/schema';
import { registerHost } from '@/lib/hosts/manage-hosts';
import { organizationSshPublicKey } from '@/lib/hosts/ssh-key';
import { closeQueue } from '@/lib/jobs/queue';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { startEc2Facade, type Ec2Facade } from '@/test/clouds/ec2/facade';
import { instanceBackend } from '@/test/clouds/instances';
import { organizationWithMember, setEnv, uniqueName, until } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork, type NamespaceHost } from '@/test/hosts';
import { setUnitBurst } from './policy';
import { QUEUE_SCALING_LABEL, scaleByWorkQueues, type QueueDecision } from './queue-scaling';
import { workQueueOf } from './work-queue';

const KEYS = { accessKeyId: 'AKIAIOSFODNN7QUEUE00', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYQUEUEKEY00' };
const NETWORK = { subnetId: 'subnet-0123456789abcdef2', securityGroupId: 'sg-0123456789abcdef2', imageId: 'ami-0123456789abcdef2' };
const PENDING_SECONDS = 120;
const IDLE_SECONDS = 600;

let network: HostNetwork;
let portal: AgentPortal;
let ec2: Ec2Facade;
let actor: Actor;
let organizationId: string;
let servers: NamespaceHost[];
let unitGroupId: string | undefined;
let computeUnitId: string;
let restoreEnv: (() => void) | undefined;

const liveInstances = () => ec2.instances.filter((i) => i.tags['ocs.unitGroupId'] === unitGroupId && i.state !== 'terminated');
const computeNodes = () => db().select().from(nodes).where(and(eq(nodes.unitId, computeUnitId), isNull(nodes.deletedAt))).orderBy(nodes.nodeNo);
const later = (seconds: number) => new Date(Date.now() + seconds * 1000);
const decisionFor = (decisions: QueueDecision[]) => decisions.find((d) => d.unitId === computeUnitId)!;

/** Runs a Slurm command on the head node's server the way the build's "submit" output says (its SLURM_CONF). */
async function onHead(command: string): Promise<string> {
  const [build] = await db().select().from(builds).where(and(eq(builds.unitGroupId, unitGroupId!), eq(builds.kind, 'create')));
  const submit = build!.outputs.find((o) => o.key === 'submit')!.values[0]!;
  const res = await servers[0]!.exec(['sh', '-c', `${submit.replace(/srun .*$/, '')}timeout 60 ${command}`]);
  if (res.code !== 0) throw new Error(`${command} failed: ${res.stderr}`);
  return res.stdout.trim();
}

/** Until the queue the portal holds satisfies `check`. */
async function reportedQueue(what: string, check: (q: { pendingJobCount: number; nodes: { name: string; state: string }[] }) => boolean) {
  return until(what, async () => {
    const reported = await workQueueOf(db(), unitGroupId!);
    return reported && 'nodes' in reported.queue && check(reported.queue) ? reported.queue : undefined;
  }, 90_000, 500);
}

async function runScaleBuild(decision: QueueDecision): Promise<void> {
  if (decision.action === 'none') throw new Error(`expected a change, got none: ${decision.reason}`);
  await runBuild(db(), decision.buildId);
  const [build] = await db().select().from(builds).where(eq(builds.id, decision.buildId));
  expect(build!.status, build!.error ?? '').toBe('SUCCEEDED');
}

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsqs', subnet: '10.203.24' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  ec2 = await startEc2Facade([{ ...KEYS, region: 'ap-northeast-1', subnets: [NETWORK.subnetId], securityGroups: [NETWORK.securityGroupId] }], { instances: instanceBackend(network) });
  restoreEnv = setEnv({ OCS_AGENT_PORTAL_URL: portal.url, OCS_AWS_EC2_ENDPOINT: ec2.url, OCS_AWS_POLL_MS: '100' });
  ({ organizationId, actor } = await organizationWithMember());
  const { publicKey } = await organizationSshPublicKey(db(), actor, organizationId);
  servers = [await network.addHost({ authorizedKeys: [publicKey] }), await network.addHost({ authorizedKeys: [publicKey] })];
  for (const [i, host] of servers.entries())
    await registerHost(db(), actor, organizationId, { name: `queue${i + 1}`, address: host.ip, sshUser: host.user, capacity: 1, agentDir: `${host.dir}/ocs` });
  await addProviderAccount(db(), actor, organizationId, { provider: 'aws', name: 'burst-aws', region: 'ap-northeast-1', network: NETWORK, credentials: KEYS });
}, 120_000);

afterAll(async () => {
  if (unitGroupId) await deleteUnitGroup(db(), unitGroupId).catch(() => {});
  await ec2?.settled();
  restoreEnv?.();
  await ec2?.close();
  await portal?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
}, 120_000);

describe('a Slurm cluster whose compute unit follows its queue onto aws', { timeout: 240_000 }, () => {
  it('builds on the servers, and the head node reports the queue', async () => {
    const submitted = await submitBuild(db(), actor, { templateSlug: 'openhpc', unitGroupName: uniqueName('queue'), provider: 'onpremises', organizationId, parameters: { computeNodes: 1, cpusPerNode: 1 } });
    unitGroupId = submitted.unitGroupId;
    await runBuild(db(), submitted.buildId);
    const [compute] = await db().select().from(units).where(and(eq(units.unitGroupId, unitGroupId), eq(units.name, 'compute')));
    computeUnitId = compute!.id;
    await setUnitBurst(db(), actor, computeUnitId, { provider: 'aws', flavor: 'small', maxNodes: 1, queue: { pendingSeconds: PENDING_SECONDS, idleSeconds: IDLE_SECONDS } });
    await reportedQueue('the head node to report an idle compute node', (q) => q.pendingJobCount === 0 && q.nodes.some((n) => n.state === 'idle'));
  });

  it('adds a compute node on aws for a job that waited longer than the policy says, and the job runs there', async () => {
    // One CPU on the only compute node: the second job waits for it.
    await onHead('sbatch -p compute -N 1 -o /dev/null --wrap "sleep 600"');
    await onHead('sbatch -p compute -N 1 -o /dev/null --wrap "sleep 600"');
    await reportedQueue('one job pending', (q) => q.pendingJobCount === 1);

    expect(decisionFor(await scaleByWorkQueues(db()))).toMatchObject({ action: 'none' });
    const decision = decisionFor(await scaleByWorkQueues(db(), later(PENDING_SECONDS + 1)));
    expect(decision).toMatchObject({ action: 'add', nodes: 1, reason: expect.stringContaining(`waited longer than ${PENDING_SECONDS} s`) });
    await runScaleBuild(decision);

    const grown = await computeNodes();
    expect(grown.map((n) => [n.nodeNo, n.provider, n.state])).toEqual([
      [1, 'onpremises', 'RUNNING'],
      [2, 'aws', 'RUNNING'],
    ]);
    expect(liveInstances().map((i) => i.privateIpAddress)).toEqual([grown[1]!.ipAddress]);
    await reportedQueue('no job pending, the cloud node running one', (q) => q.pendingJobCount === 0 && q.nodes.some((n) => n.name === 'compute-2' && n.state === 'allocated'));
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'unit.scale'), eq(auditEvents.targetId, computeUnitId)));
    expect(audit).toMatchObject({ actorLabel: QUEUE_SCALING_LABEL, actorUserId: null, details: expect.objectContaining({ from: 1, numNodes: 2 }) });
  });

  it('removes the cloud node once it has been idle long enough, never the first compute node', async () => {
    await onHead('scancel -u "$(id -un)"');
    await reportedQueue('both compute nodes idle', (q) => q.pendingJobCount === 0 && q.nodes.filter((n) => n.state === 'idle').length === 2);

    expect(decisionFor(await scaleByWorkQueues(db()))).toMatchObject({ action: 'none' });
    expect((await computeNodes()).every((n) => n.queueIdleSince !== null)).toBe(true);
    const decision = decisionFor(await scaleByWorkQueues(db(), later(IDLE_SECONDS + 1)));
    expect(decision).toMatchObject({ action: 'remove', nodes: 1, reason: expect.stringContaining('node(s) 2 ran no job') });
    await runScaleBuild(decision);

    expect((await computeNodes()).map((n) => [n.nodeNo, n.provider])).toEqual([[1, 'onpremises']]);
    await ec2.settled();
    expect(liveInstances()).toEqual([]);
    // Idle as long again: the first compute node stays.
    expect(decisionFor(await scaleByWorkQueues(db(), later(10 * IDLE_SECONDS)))).toMatchObject({ action: 'none' });

    await deleteUnitGroup(db(), unitGroupId!);
    unitGroupId = undefined;
    expect(ec2.instances.filter((i) => i.state !== 'terminated')).toEqual([]);
  });
});
