// A build of web-hello on aws, end to end: the real @aws-sdk/client-ec2 → the local EC2 endpoint
// → an instance (a namespace host with Podman's Docker API) boots its user data → the agent dials
// home → the application runs as a container answering on the instance's address. Then the unit
// is scaled in and the unit group deleted: the emulator holds no live instance of it afterwards.
// Subnet 10.203.9.0/24 of this test's own.
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { previewBuild } from '@/lib/builds/plan-build';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { closeDb, db } from '@/lib/db/client';
import { INSTALL_TAG, installationId } from '@/lib/providers/installation';
import { builds, nodes, units } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { requestUnitScale } from '@/lib/unit-groups/scale-unit';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { startEc2Facade, type Ec2Facade } from '@/test/clouds/ec2/facade';
import { instanceBackend } from '@/test/clouds/instances';
import { organizationWithMember, uniqueName } from '@/test/fixtures';
import { createHostNetwork, type HostNetwork } from '@/test/hosts';

const KEYS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const NETWORK = { subnetId: 'subnet-0123456789abcdef0', securityGroupId: 'sg-0123456789abcdef0', imageId: 'ami-0123456789abcdef0' };

let network: HostNetwork;
let portal: AgentPortal;
let ec2: Ec2Facade;
let actor: Actor;
let organizationId: string;
let unitGroupId: string | undefined;
const previous = { endpoint: process.env.OCS_AWS_EC2_ENDPOINT, poll: process.env.OCS_AWS_POLL_MS, portal: process.env.OCS_AGENT_PORTAL_URL };

const liveInstances = () => ec2.instances.filter((i) => i.tags['ocs.unitGroupId'] === unitGroupId && i.state !== 'terminated');

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsawsb', subnet: '10.203.9' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  process.env.OCS_AGENT_PORTAL_URL = portal.url;
  ec2 = await startEc2Facade([{ ...KEYS, region: 'ap-northeast-1', subnets: [NETWORK.subnetId], securityGroups: [NETWORK.securityGroupId] }], { instances: instanceBackend(network, { containerEngine: true }) });
  process.env.OCS_AWS_EC2_ENDPOINT = ec2.url;
  process.env.OCS_AWS_POLL_MS = '100';
  ({ organizationId, actor } = await organizationWithMember());
});

afterAll(async () => {
  if (unitGroupId) await deleteUnitGroup(db(), unitGroupId).catch(() => {});
  await ec2?.settled();
  for (const [k, v] of [['OCS_AWS_EC2_ENDPOINT', previous.endpoint], ['OCS_AWS_POLL_MS', previous.poll], ['OCS_AGENT_PORTAL_URL', previous.portal]] as const) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await ec2?.close();
  await portal?.close();
  await network?.destroy();
  await closeQueue();
  await closeDb();
});

describe('web-hello on aws (emulated)', { timeout: 240_000 }, () => {
  it('needs an AWS account of the organization before it can be built', async () => {
    const plan = await previewBuild(db(), actor, { templateSlug: 'web-hello', provider: 'aws', organizationId, parameters: { nodes: 2 } });
    expect(plan.problems).toEqual([expect.objectContaining({ kind: 'no-account', provider: 'aws' })]);
    await addProviderAccount(db(), actor, organizationId, { provider: 'aws', name: 'lab-aws', region: 'ap-northeast-1', network: NETWORK, credentials: KEYS });
    expect((await previewBuild(db(), actor, { templateSlug: 'web-hello', provider: 'aws', organizationId, parameters: { nodes: 2 } })).canSubmit).toBe(true);
  });

  it('builds two instances whose application answers on their addresses', async () => {
    const submitted = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('aws-web'), provider: 'aws', organizationId, parameters: { nodes: 2 } });
    unitGroupId = submitted.unitGroupId;
    await runBuild(db(), submitted.buildId);
    const [build] = await db().select().from(builds).where(eq(builds.id, submitted.buildId));
    expect(build!.status).toBe('SUCCEEDED');
    const [unit] = await db().select().from(units).where(eq(units.unitGroupId, unitGroupId));
    expect(unit!.providerAccountId).not.toBeNull();
    const built = await db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)));
    expect(built.map((n) => n.ipAddress).sort()).toEqual(liveInstances().map((i) => i.privateIpAddress).sort());
    // Tagged with the installation, organization, unit group and node, so leaks can be told apart.
    const install = await installationId(db());
    for (const i of liveInstances()) expect(i.tags).toMatchObject({ [INSTALL_TAG]: install, 'ocs.organizationId': organizationId, 'ocs.nodeId': built.find((n) => n.ipAddress === i.privateIpAddress)!.id });
    for (const node of built) {
      expect(node).toMatchObject({ state: 'RUNNING', providerResourceId: expect.stringMatching(/^[0-9a-f-]{36}\/i-[0-9a-f]{17}$/) });
      const page = await (await fetch(`http://${node.ipAddress}:8080/`)).text();
      expect(page).toContain(node.name);
    }
  });

  it('scaling in terminates an instance; deleting the unit group terminates the rest', async () => {
    const [unit] = await db().select().from(units).where(eq(units.unitGroupId, unitGroupId!));
    const { buildId } = await requestUnitScale(db(), actor, unit!.id, { numNodes: 1 });
    await runBuild(db(), buildId);
    expect(liveInstances()).toHaveLength(1);
    await deleteUnitGroup(db(), unitGroupId!);
    unitGroupId = undefined;
    await ec2.settled();
    expect(ec2.instances.filter((i) => i.state !== 'terminated')).toEqual([]);
    expect(network.hosts).toHaveLength(0);
  });
});
