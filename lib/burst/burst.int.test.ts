// Cloud burst, end to end: web-hello on the lab's servers (two namespace servers, room for one node
// each) with a burst policy to aws (the EC2 emulator, whose instances are namespace hosts too).
// Scaled to 4, two nodes go to the servers and two to the cloud, each answering on its address;
// scaled back to 2, the cloud nodes go first and the emulator holds no live instance.
// Subnet 10.203.23.0/24 of this test's own.
import { randomUUID } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { auditEvents, builds, nodes, units } from '@/lib/db/schema';
import type { AppError } from '@/lib/errors';
import { checkHost } from '@/lib/hosts/check-host';
import { registerHost } from '@/lib/hosts/manage-hosts';
import { organizationSshPublicKey } from '@/lib/hosts/ssh-key';
import { closeQueue } from '@/lib/jobs/queue';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { requestUnitScale } from '@/lib/unit-groups/scale-unit';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { startEc2Facade, type Ec2Facade } from '@/test/clouds/ec2/facade';
import { instanceBackend } from '@/test/clouds/instances';
import { organizationWithMember, setEnv, uniqueName } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork, type NamespaceHost } from '@/test/hosts';
import { removeUnitBurst, setUnitBurst } from './policy';

const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const NETWORK = { subnetId: 'subnet-0123456789abcdef0', securityGroupId: 'sg-0123456789abcdef0', imageId: 'ami-0123456789abcdef0' };

let network: HostNetwork;
let portal: AgentPortal;
let ec2: Ec2Facade;
let actor: Actor;
let organizationId: string;
let servers: NamespaceHost[];
let unitGroupId: string | undefined;
let unitId: string;
let restoreEnv: (() => void) | undefined;

const liveInstances = () => ec2.instances.filter((i) => i.tags['ocs.unitGroupId'] === unitGroupId && i.state !== 'terminated');
const liveNodes = () => db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId!), isNull(nodes.deletedAt))).orderBy(nodes.nodeNo);

async function scale(numNodes: number): Promise<void> {
  const { buildId } = await requestUnitScale(db(), actor, unitId, { numNodes });
  await runBuild(db(), buildId);
  const [build] = await db().select().from(builds).where(eq(builds.id, buildId));
  expect(build!.status).toBe('SUCCEEDED');
}

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsbu', subnet: '10.203.23' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  ec2 = await startEc2Facade([{ ...KEYS, region: 'ap-northeast-1', subnets: [NETWORK.subnetId], securityGroups: [NETWORK.securityGroupId] }], { instances: instanceBackend(network, { containerEngine: true }) });
  restoreEnv = setEnv({ OCS_AGENT_PORTAL_URL: portal.url, OCS_AWS_EC2_ENDPOINT: ec2.url, OCS_AWS_POLL_MS: '100' });
  ({ organizationId, actor } = await organizationWithMember());
  const { publicKey } = await organizationSshPublicKey(db(), actor, organizationId);
  servers = [await network.addHost({ authorizedKeys: [publicKey] }), await network.addHost({ authorizedKeys: [publicKey] })];
  for (const [i, host] of servers.entries()) {
    await host.startContainerEngine();
    const registered = await registerHost(db(), actor, organizationId, { name: `burst${i + 1}`, address: host.ip, sshUser: host.user, capacity: 1, agentDir: `${host.dir}/ocs` });
    // Its connection test finds the container engine web-hello needs.
    expect((await checkHost(db(), actor, registered.id)).check).toMatchObject({ ok: true });
  }
});

afterAll(async () => {
  if (unitGroupId) await deleteUnitGroup(db(), unitGroupId).catch(() => {});
  await ec2?.settled();
  restoreEnv?.();
  await ec2?.close();
  await portal?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
});

describe('a unit on the lab\'s servers that overflows to aws', { timeout: 240_000 }, () => {
  it('builds on the servers, and names the field at fault in a burst policy it cannot take', async () => {
    const submitted = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('burst'), provider: 'onpremises', organizationId, parameters: { nodes: 1 } });
    unitGroupId = submitted.unitGroupId;
    await runBuild(db(), submitted.buildId);
    const [unit] = await db().select().from(units).where(eq(units.unitGroupId, unitGroupId));
    unitId = unit!.id;

    const refusal = async (policy: unknown) => ((await setUnitBurst(db(), actor, unitId, policy).catch((e: unknown) => e)) as AppError).details?.fields;
    expect(await refusal({ provider: 'aws', flavor: 'small', maxNodes: 2 })).toEqual({ accountId: expect.stringContaining('no aws account') });
    await addProviderAccount(db(), actor, organizationId, { provider: 'aws', name: 'lab-aws', region: 'ap-northeast-1', network: NETWORK, credentials: KEYS });
    expect(await refusal({ provider: 'onpremises', flavor: 'small', maxNodes: 2 })).toEqual({ provider: expect.stringContaining('not a cloud') });
    expect(await refusal({ provider: 'aws', flavor: 'huge', maxNodes: 2 })).toEqual({ flavor: expect.stringContaining('small, medium') });
    expect(await refusal({ provider: 'aws', flavor: 'small', maxNodes: 0 })).toEqual({ maxNodes: 'must be at least 1' });
    expect(await refusal({ provider: 'aws', accountId: randomUUID(), flavor: 'small', maxNodes: 2 })).toEqual({ accountId: 'no aws account of this organization has this id' });
    // web-hello runs no scheduler: there is no queue to follow.
    expect(await refusal({ provider: 'aws', flavor: 'small', maxNodes: 2, queue: { pendingSeconds: 60, idleSeconds: 600 } })).toEqual({ queue: expect.stringContaining('runs no scheduler') });
    expect(await refusal(null)).toEqual({ body: expect.any(String) });
    expect((await db().select().from(units).where(eq(units.id, unitId)))[0]!.burst).toBeNull();
  });

  it('scaled to 4, fills the two servers and puts the other two nodes on aws', async () => {
    const { burst } = await setUnitBurst(db(), actor, unitId, { provider: 'aws', flavor: 'small', maxNodes: 2 });
    expect(burst).toMatchObject({ provider: 'aws', flavor: 'small', maxNodes: 2, providerAccountId: expect.any(String) });
    const [audit] = await db().select().from(auditEvents).where(and(eq(auditEvents.action, 'unit.burst'), eq(auditEvents.targetId, unitId)));
    expect(audit).toMatchObject({ outcome: 'success' });

    await scale(4);
    const placed = await liveNodes();
    expect(placed.map((n) => [n.nodeNo, n.provider, n.state])).toEqual([
      [1, 'onpremises', 'RUNNING'],
      [2, 'onpremises', 'RUNNING'],
      [3, 'aws', 'RUNNING'],
      [4, 'aws', 'RUNNING'],
    ]);
    expect(placed.filter((n) => n.provider === 'aws').every((n) => n.providerAccountId === burst!.providerAccountId)).toBe(true);
    expect(placed.filter((n) => n.provider === 'onpremises').map((n) => n.ipAddress).sort()).toEqual(servers.map((s) => s.ip).sort());
    expect(liveInstances().map((i) => i.privateIpAddress).sort()).toEqual(placed.filter((n) => n.provider === 'aws').map((n) => n.ipAddress).sort());
    for (const node of placed) expect(await (await fetch(`http://${node.ipAddress}:8080/`)).text()).toContain(node.name);

    // Past the servers' room and the policy's two cloud nodes: refused, nothing recorded.
    const over = (await requestUnitScale(db(), actor, unitId, { numNodes: 5 }).catch((e: unknown) => e)) as AppError;
    expect(over).toMatchObject({ code: 'QUOTA_EXCEEDED', details: { fields: { numNodes: 'at most 0 more node(s): 0 on the servers, 0 on aws' } } });
    expect(await liveNodes()).toHaveLength(4);
  });

  it('scaled back to 2, removes the cloud nodes first, its policy removed or not', async () => {
    const before = await liveNodes();
    await removeUnitBurst(db(), actor, unitId);
    await scale(2);
    const left = await liveNodes();
    expect(left.map((n) => [n.nodeNo, n.provider])).toEqual([
      [1, 'onpremises'],
      [2, 'onpremises'],
    ]);
    await ec2.settled();
    expect(liveInstances()).toEqual([]);
    for (const node of before.filter((n) => n.provider === 'aws')) await expect(fetch(`http://${node.ipAddress}:8080/`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    for (const node of left) expect((await fetch(`http://${node.ipAddress}:8080/`)).status).toBe(200);

    await deleteUnitGroup(db(), unitGroupId!);
    unitGroupId = undefined;
    expect(ec2.instances.filter((i) => i.state !== 'terminated')).toEqual([]);
  });
});
