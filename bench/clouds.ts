// Builds on the emulated clouds: web-hello of 1 and 10 nodes on every cloud with a driver,
// each against its local wire-format endpoint whose machines are network-namespace hosts (vSphere:
// vcsim, whose VMs the bridge gives such hosts). The emulator's own instance time is measured
// beside the build, from outside the portal: for each machine, from the moment its host appears to
// the moment its application answers. The orchestration overhead is the build time minus the
// slowest machine's own time: what the portal adds (API calls, waits, records) on top of the
// machines the cloud makes. Issue 9's target: under 10 % at 10 nodes.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Actor } from '@/lib/auth/actor';
import { previewBuild } from '@/lib/builds/plan-build';
import { runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { db } from '@/lib/db/client';
import { AppError } from '@/lib/errors';
import { addProviderAccount } from '@/lib/provider-accounts/manage-accounts';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { startAgentPortal } from '@/test/agent-portal';
import { startAzureFacade } from '@/test/clouds/azure/facade';
import { startEc2Facade } from '@/test/clouds/ec2/facade';
import { instanceBackend, type InstanceBackend } from '@/test/clouds/instances';
import { startMdxFacade } from '@/test/clouds/mdx/facade';
import { startOpenStackFacade } from '@/test/clouds/openstack/facade';
import { startOciFacade } from '@/test/clouds/oracle/facade';
import { ociApiKey } from '@/test/clouds/oracle/signature';
import { startSakuraFacade } from '@/test/clouds/sakura/facade';
import { startBridge } from '@/test/clouds/vmware/bridge';
import { startVcsim } from '@/test/clouds/vmware/vcsim';
import { createHostNetwork, type HostNetwork } from '@/test/hosts';
import { summarize, timed } from './stats';
import { throwawayAwsKeys } from './throwaway-keys';

interface Cloud {
  provider: string;
  /**
   * Starts the endpoint on `backend`, points the driver at it and adds the organization's account;
   * `settled` resolves once the endpoint has carried out what it was asked (a deleted machine gone).
   */
  start(backend: InstanceBackend, organizationId: string, actor: Actor): Promise<{ settled(): Promise<void>; close(): Promise<void> }>;
}

const SUBNET = '10.205.4';
/** Issue 9: the orchestration overhead at this many nodes stays under this share of the build. */
export const OVERHEAD_TARGET = { nodes: 10, share: 0.1 };
const CATALOG = { uuid: randomUUID(), name: 'Ubuntu 22.04 + Node.js 20', template_name: 'bench-ubuntu-2204', os_type: 'Linux', login_username: os.userInfo().username };

/** On EC2: aws, or aws_spot (spot instances, in the organization's aws account: this one, made its default). */
const ec2Cloud = (provider: 'aws' | 'aws_spot'): Cloud => ({
  provider,
  async start(backend, organizationId, actor) {
    const keys = throwawayAwsKeys();
    const network = { subnetId: 'subnet-0123456789abcbe01', securityGroupId: 'sg-0123456789abcbe01', imageId: 'ami-0123456789abcbe01' };
    const ec2 = await startEc2Facade([{ ...keys, region: 'ap-northeast-1', subnets: [network.subnetId], securityGroups: [network.securityGroupId] }], { instances: backend });
    process.env.OCS_AWS_EC2_ENDPOINT = ec2.url;
    await addProviderAccount(db(), actor, organizationId, { provider: 'aws', name: `bench-${provider}`, region: 'ap-northeast-1', network, credentials: keys, isDefault: true });
    return { settled: () => ec2.settled(), close: async () => (await ec2.settled(), await ec2.close()) };
  },
});

const CLOUDS: Cloud[] = [
  ec2Cloud('aws'),
  ec2Cloud('aws_spot'),
  {
    provider: 'azure',
    async start(backend, organizationId, actor) {
      const principal = { tenantId: randomUUID(), clientId: randomUUID(), clientSecret: 'bench~secret.value_0123456789', subscriptionId: randomUUID() };
      const network = { resourceGroup: 'bench', virtualNetwork: 'bench-vnet', subnet: 'nodes' };
      const image = `/subscriptions/${principal.subscriptionId}/resourceGroups/images/providers/Microsoft.Compute/galleries/ocs/images/node20/versions/1.0.0`;
      // Its ARM endpoint's certificate is self-signed, as Azure's SDK refuses tokens over plain http.
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
      const azure = await startAzureFacade(
        [principal],
        [{ subscriptionId: principal.subscriptionId, name: network.resourceGroup, location: 'japaneast', virtualNetworks: [{ name: network.virtualNetwork, subnets: [{ name: network.subnet, addressPrefix: `${SUBNET}.0/24` }] }] }],
        { instances: backend, images: [image] },
      );
      Object.assign(process.env, { OCS_AZURE_AUTHORITY_HOST: azure.authorityHost, OCS_AZURE_ARM_ENDPOINT: azure.armEndpoint });
      await addProviderAccount(db(), actor, organizationId, { provider: 'azure', name: 'bench-azure', region: 'japaneast', network: { ...network, imageId: image }, credentials: principal });
      return { settled: () => azure.settled(), close: async () => (await azure.settled(), await azure.close()) };
    },
  },
  {
    provider: 'oracle',
    async start(backend, organizationId, actor) {
      const key = ociApiKey();
      const ad = 'Uocm:AP-TOKYO-1-AD-1';
      const credentials = { tenancyId: 'ocid1.tenancy.oc1..aaaaaaaabench', userId: 'ocid1.user.oc1..aaaaaaaabench', fingerprint: key.fingerprint, privateKey: key.privateKey };
      const subnet = { id: 'ocid1.subnet.oc1.ap-tokyo-1.aaaaaaaabench', displayName: 'nodes', cidrBlock: `${SUBNET}.0/24` };
      const image = { id: 'ocid1.image.oc1.ap-tokyo-1.aaaaaaaabenchnode20', displayName: 'node20' };
      const compartmentId = 'ocid1.compartment.oc1..aaaaaaaabench';
      const oci = await startOciFacade(
        { tenancyId: credentials.tenancyId, userId: credentials.userId, fingerprint: key.fingerprint, publicKey: key.publicKey, region: 'ap-tokyo-1', compartmentId, availabilityDomains: [ad], subnets: [subnet], images: [image], shapes: ['VM.Standard.E2.1'] },
        { instances: backend },
      );
      process.env.OCS_OCI_ENDPOINT = oci.endpoint;
      await addProviderAccount(db(), actor, organizationId, { provider: 'oracle', name: 'bench-oci', region: 'ap-tokyo-1', network: { compartmentId, subnetId: subnet.id, availabilityDomain: ad, imageId: image.id }, credentials });
      return { settled: () => oci.settled(), close: async () => (await oci.settled(), await oci.close()) };
    },
  },
  {
    provider: 'sakura',
    async start(backend, organizationId, actor) {
      const keys = { accessToken: '0f5e3c2a-7b1d-4c8e-9a6f-2d4b8e1cbe01', accessTokenSecret: 'Xq8vN2pL5tR9wK3mZ7yB4hJ6dF1sBench' };
      const sakura = await startSakuraFacade([{ ...keys, zone: 'is1a', switches: [], archives: ['113000088001'] }], { instances: backend });
      process.env.OCS_SAKURA_API_ROOT = sakura.url;
      await addProviderAccount(db(), actor, organizationId, { provider: 'sakura', name: 'bench-sakura', region: 'is1a', network: { archiveId: '113000088001' }, credentials: keys });
      return { settled: () => sakura.settled(), close: async () => (await sakura.settled(), await sakura.close()) };
    },
  },
  {
    provider: 'openstack',
    async start(backend, organizationId, actor) {
      const user = { username: 'bench', password: 'bench password', projectName: 'bench-project', userDomain: 'Default', projectDomain: 'Default' };
      const net = { id: randomUUID(), name: 'bench-net' };
      const image = { id: randomUUID(), name: 'ubuntu-node20' };
      // Its Keystone's certificate is self-signed (an account's authUrl must be https).
      process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
      const openstack = await startOpenStackFacade([{ ...user, region: 'RegionOne', networks: [net], securityGroups: ['default'], images: [image] }], { instances: backend });
      await addProviderAccount(db(), actor, organizationId, { provider: 'openstack', name: 'bench-openstack', region: 'RegionOne', network: { networkId: net.id, securityGroup: 'default', imageId: image.id }, credentials: { ...user, authUrl: openstack.authUrl } });
      return { settled: () => openstack.settled(), close: async () => (await openstack.settled(), await openstack.close()) };
    },
  },
  {
    provider: 'mdx',
    async start(backend, organizationId, actor) {
      const account = { token: 'eyJhbGciOiJIUzI1NiJ9.bench-token.signature', projectId: randomUUID(), projectName: 'bench-project', segments: [{ uuid: randomUUID(), name: 'bench-segment' }], catalogs: [CATALOG] };
      const mdx = await startMdxFacade([account], { instances: backend });
      process.env.OCS_MDX_ENDPOINT = mdx.url;
      await addProviderAccount(db(), actor, organizationId, { provider: 'mdx', name: 'bench-mdx', network: { projectId: account.projectId, networkSegment: account.segments[0]!.uuid, catalog: CATALOG.uuid }, credentials: { token: account.token } });
      return { settled: () => mdx.settled(), close: async () => (await mdx.settled(), await mdx.close()) };
    },
  },
  {
    provider: 'vmware',
    async start(backend, organizationId, actor) {
      const vcsim = await startVcsim({ username: 'bench@vsphere.local', password: 'bench password' });
      // The account trusts vcsim's own certificate as vCenter's CA.
      const credentials = { url: vcsim.url, username: 'bench@vsphere.local', password: 'bench password', caCertificate: vcsim.caCertificate };
      const bridge = await startBridge(credentials, backend);
      const network = { datacenter: 'DC0', cluster: 'DC0_C0', datastore: 'LocalDS_0', network: 'DC0_DVPG0', template: 'templates/ubuntu-node20', folder: 'ocs-nodes' };
      await addProviderAccount(db(), actor, organizationId, { provider: 'vmware', name: 'bench-vsphere', network, credentials });
      return { settled: () => bridge.settled(), close: async () => (await bridge.settled(), await bridge.close(), await vcsim.close()) };
    },
  },
];

/**
 * Watches the network for new machines and times each from its host appearing to its application
 * answering. Hosts already there when it starts are not this build's.
 */
function watchMachines(network: HostNetwork): { stop(): Promise<number[]> } {
  const before = new Set(network.hosts.map((h) => h.ip));
  const seen = new Map<string, { at: number; ready?: number }>();
  const probe = () =>
    Promise.all(
      [...seen].filter(([, m]) => m.ready === undefined).map(async ([ip, m]) => {
        const ok = await fetch(`http://${ip}:8080/healthz`, { signal: AbortSignal.timeout(200) }).then((r) => r.ok, () => false);
        if (ok) m.ready = performance.now();
      }),
    );
  let running = true;
  const loop = (async () => {
    while (running) {
      for (const host of network.hosts) if (!before.has(host.ip) && !seen.has(host.ip)) seen.set(host.ip, { at: performance.now() });
      await probe();
      await sleep(5);
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      // The build may end while a probe is still waiting on a machine that is already up: ask once more.
      for (const deadline = Date.now() + 5000; [...seen.values()].some((m) => m.ready === undefined) && Date.now() < deadline; await sleep(5)) await probe();
      return [...seen.values()].filter((m) => m.ready !== undefined).map((m) => m.ready! - m.at);
    },
  };
}

/**
 * Deletes a unit group as the portal's delete job does: a run that leaves nodes undeleted throws,
 * and the job runs again (lib/jobs/queue.ts: attempts with backoff). Teardown is not measured
 * here; each further attempt is printed, so a teardown that needed one shows.
 */
async function teardown(unitGroupId: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deleteUnitGroup(db(), unitGroupId);
    } catch (e) {
      if (attempt >= 5) throw e;
      console.warn(`bench: deleting unit group ${unitGroupId} failed (attempt ${attempt}): ${(e as Error).message.split('\n')[0]}; trying again as the delete job would`);
      await sleep(1000 * attempt);
    }
  }
}

/** Why web-hello cannot be built on the provider (its plan's refusal), or null when it can. */
async function planRefusal(organization: { organizationId: string; actor: Actor }, provider: string): Promise<string | null> {
  try {
    await previewBuild(db(), organization.actor, { templateSlug: 'web-hello', provider, organizationId: organization.organizationId, parameters: { nodes: 1 } });
    return null;
  } catch (e) {
    if (e instanceof AppError && e.code === 'INVALID_INPUT') return e.message;
    throw e;
  }
}

/**
 * Per cloud and node count: build time, the slowest machine's own time, and the overhead between
 * them; a cloud web-hello cannot be built on is named with the reason instead of measured.
 */
export async function benchClouds(organization: { organizationId: string; actor: Actor }, rounds: Record<number, number>) {
  Object.assign(process.env, { OCS_AWS_POLL_MS: '100', OCS_AZURE_POLL_MS: '100', OCS_OCI_POLL_MS: '100', OCS_SAKURA_POLL_MS: '100', OCS_OPENSTACK_POLL_MS: '100', OCS_MDX_POLL_MS: '100', OCS_VMWARE_POLL_MS: '100', OCI_SDK_DEFAULT_CIRCUITBREAKER_ENABLED: 'false' });
  const previous = process.env.OCS_AGENT_PORTAL_URL;
  const results: ReturnType<typeof summarize>[] = [];
  const overhead: Record<string, number> = {};
  /** Per cloud, its overhead at the target's node count and whether it is under the target. */
  const target: Record<string, { overhead: number; met: boolean }> = {};
  const unmeasured: Record<string, string> = {};
  try {
    for (const cloud of CLOUDS) {
      const refused = await planRefusal(organization, cloud.provider);
      if (refused) {
        unmeasured[cloud.provider] = refused;
        continue;
      }
      // A network of its own per cloud: a network numbers its hosts once, and a cloud's rounds use dozens.
      const network = await createHostNetwork({ name: 'ocsbenchc', subnet: SUBNET });
      const portal = await startAgentPortal({ host: network.bridgeAddress });
      process.env.OCS_AGENT_PORTAL_URL = portal.url;
      // web-hello runs as a container on a server that is not the portal's machine: each machine has Podman.
      const endpoint = await cloud.start(instanceBackend(network, { containerEngine: true }), organization.organizationId, organization.actor);
      try {
        for (const [nodes, n] of Object.entries(rounds).map(([k, v]) => [Number(k), v] as const)) {
          const builds: number[] = [];
          const machines: number[] = [];
          for (let i = 0; i < n; i++) {
            const watch = watchMachines(network);
            let unitGroupId = '';
            builds.push(
              await timed(async () => {
                const ids = await submitBuild(db(), organization.actor, { templateSlug: 'web-hello', unitGroupName: `bench-${cloud.provider}-${nodes}-${i}-${Date.now()}`, provider: cloud.provider, flavor: 'small', organizationId: organization.organizationId, parameters: { nodes } });
                unitGroupId = ids.unitGroupId;
                await runBuild(db(), ids.buildId);
              }),
            );
            const own = await watch.stop();
            if (own.length !== nodes) throw new Error(`${cloud.provider}: ${own.length} of ${nodes} machines answered`);
            machines.push(Math.max(...own));
            await teardown(unitGroupId);
            // The cloud finishes removing the machines (vSphere: the bridge notices the VMs went) before the next round starts.
            await endpoint.settled();
          }
          const build = summarize(`${cloud.provider} build ${nodes} node(s)`, builds);
          const machine = summarize(`${cloud.provider} slowest machine's own time, ${nodes} node(s)`, machines);
          results.push(build, machine);
          const share = (build.p50 - machine.p50) / build.p50;
          overhead[`${cloud.provider} orchestration overhead, ${nodes} node(s) (build − own machine time) / build, p50`] = share;
          if (nodes === OVERHEAD_TARGET.nodes) target[cloud.provider] = { overhead: share, met: share < OVERHEAD_TARGET.share };
        }
      } finally {
        await endpoint.close();
        await portal.close();
        await network.destroy();
      }
    }
  } finally {
    if (previous === undefined) delete process.env.OCS_AGENT_PORTAL_URL;
    else process.env.OCS_AGENT_PORTAL_URL = previous;
  }
  return { results, overhead, target, unmeasured };
}
