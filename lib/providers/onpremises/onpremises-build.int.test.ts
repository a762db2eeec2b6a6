// A build of web-hello on the lab's own servers, end to end: two network-namespace servers, each
// with sshd and its own container engine (Podman's Docker API), registered and checked as an admin
// does; the build places one node on each, installs the agent over SSH, and the agents run the
// application as a container published on their server's address. Deleting the unit group leaves
// nothing the portal put on the servers. Subnet 10.203.6.0/24 of this test's own.
import { existsSync } from 'node:fs';
import { and, eq, isNull } from 'drizzle-orm';
import Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '@/lib/auth/actor';
import { BuildFailedError, runBuild } from '@/lib/builds/run-build';
import { submitBuild } from '@/lib/builds/submit-build';
import { previewBuild } from '@/lib/builds/plan-build';
import { closeDb, db } from '@/lib/db/client';
import { applications, buildLogs, builds, nodes } from '@/lib/db/schema';
import { checkHost } from '@/lib/hosts/check-host';
import { registerHost } from '@/lib/hosts/manage-hosts';
import { organizationSshPublicKey } from '@/lib/hosts/ssh-key';
import { closeQueue } from '@/lib/jobs/queue';
import { openApplicationSpec } from '@/lib/secrets/application-specs';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { startAgentPortal, type AgentPortal } from '@/test/agent-portal';
import { organizationWithMember, uniqueName } from '@/test/fixtures';
import { newSshKeyPair } from '@/lib/ssh-keys/generate';
import { createHostNetwork, type HostNetwork, type NamespaceHost } from '@/test/hosts';

let network: HostNetwork;
let portal: AgentPortal;
let actor: Actor;
let organizationId: string;
let servers: NamespaceHost[];
let unitGroupId: string | undefined;
const previousPortalUrl = process.env.OCS_AGENT_PORTAL_URL;

const agentDir = (host: NamespaceHost) => `${host.dir}/ocs`;
const engineOf = (host: NamespaceHost) => new Dockerode({ socketPath: host.containerEngine!.socketPath });
const labelled = async (host: NamespaceHost) => {
  const docker = engineOf(host);
  const containers = await docker.listContainers({ all: true, filters: { label: ['ocs.node'] } });
  const { Volumes } = await docker.listVolumes({ filters: { label: ['ocs.node'] } });
  return { containers, volumes: Volumes ?? [] };
};

beforeAll(async () => {
  network = await createHostNetwork({ name: 'ocsob', subnet: '10.203.6' });
  portal = await startAgentPortal({ host: network.bridgeAddress });
  process.env.OCS_AGENT_PORTAL_URL = portal.url;
  ({ organizationId, actor } = await organizationWithMember());
  const { publicKey } = await organizationSshPublicKey(db(), actor, organizationId);
  servers = [await network.addHost({ authorizedKeys: [publicKey] }), await network.addHost({ authorizedKeys: [publicKey] })];
  for (const [i, host] of servers.entries()) {
    await host.startContainerEngine();
    const registered = await registerHost(db(), actor, organizationId, { name: `lab${i + 1}`, address: host.ip, sshUser: host.user, capacity: 1, agentDir: agentDir(host) });
    const { check } = await checkHost(db(), actor, registered.id);
    expect(check).toMatchObject({ ok: true, containerEngine: `Docker API at ${host.containerEngine!.socketPath}` });
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

describe('web-hello on the lab\'s servers', { timeout: 180_000 }, () => {
  it('plans two nodes on the two servers, and refuses a third', async () => {
    const input = { templateSlug: 'web-hello', provider: 'onpremises', organizationId, parameters: { nodes: 2 } };
    expect(await previewBuild(db(), actor, input)).toMatchObject({ canSubmit: true, servers: { active: 2, freeNodes: 2, withContainers: 2 } });
    const three = await previewBuild(db(), actor, { ...input, parameters: { nodes: 3 } });
    expect(three.problems).toEqual([{ kind: 'servers-full', message: "This makes 3 nodes on the organization's servers, which can take 2 more." }]);
  });

  it('builds one node on each server, the application running as a container on the server\'s address', async () => {
    const submitted = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('lab-web'), provider: 'onpremises', organizationId, parameters: { nodes: 2 } });
    unitGroupId = submitted.unitGroupId;
    await runBuild(db(), submitted.buildId);
    const [build] = await db().select().from(builds).where(eq(builds.id, submitted.buildId));
    expect(build!.status).toBe('SUCCEEDED');
    const built = await db().select().from(nodes).where(and(eq(nodes.unitGroupId, unitGroupId), isNull(nodes.deletedAt)));
    expect(built.map((n) => n.ipAddress).sort()).toEqual(servers.map((s) => s.ip).sort());
    for (const node of built) {
      expect(node).toMatchObject({ state: 'RUNNING', capabilities: { containers: true, containerEngine: expect.stringMatching(/^Podman Engine /) } });
      const [app] = await db().select().from(applications).where(eq(applications.nodeId, node.id));
      expect(openApplicationSpec(node.id, 'hello', app!.spec!)).toMatchObject({ kind: 'container', container: { image: 'ocs/hello-web:1.0', ports: [8080] } });
      const page = await (await fetch(`http://${node.ipAddress}:8080/`)).text();
      expect(page).toContain('こんにちは / Hello');
      expect(page).toContain(node.name);
      const host = servers.find((s) => s.ip === node.ipAddress)!;
      const { containers } = await labelled(host);
      expect(containers.map((c) => c.Labels['ocs.node'])).toEqual([node.name]);
    }
    expect(build!.outputs.flatMap((o) => o.values).sort()).toEqual(servers.map((s) => `http://${s.ip}:8080/`).sort());
  });

  it('fails a build on a server that refuses the portal\'s key, with the server and the reason in the build\'s log, leaving nothing', async () => {
    const stranger = newSshKeyPair('');
    const refusing = await network.addHost({ authorizedKeys: [stranger.public] });
    const host = await registerHost(db(), actor, organizationId, { name: 'refuses', address: refusing.ip, sshUser: refusing.user, capacity: 1, agentDir: agentDir(refusing) });
    const submitted = await submitBuild(db(), actor, { templateSlug: 'web-hello', unitGroupName: uniqueName('refused'), provider: 'onpremises', organizationId, parameters: { nodes: 1 } });
    await expect(runBuild(db(), submitted.buildId)).rejects.toBeInstanceOf(BuildFailedError);
    const [failed] = await db().select().from(builds).where(eq(builds.id, submitted.buildId));
    expect(failed!.status).toBe('FAILED');
    const log = (await db().select().from(buildLogs).where(eq(buildLogs.buildId, submitted.buildId))).map((l) => l.message).join('\n');
    expect(log).toMatch(/node web-1 could not be created: server refuses: .* refused the portal's key: add the organization's public key/);
    const [node] = await db().select().from(nodes).where(eq(nodes.unitGroupId, submitted.unitGroupId));
    expect(node).toMatchObject({ state: 'HOST_ERROR', hostId: host.id });
    expect(existsSync(agentDir(refusing))).toBe(false);
    await deleteUnitGroup(db(), submitted.unitGroupId);
  });

  it('deleting the unit group leaves nothing on the servers: no container, volume, process or file', async () => {
    await deleteUnitGroup(db(), unitGroupId!);
    unitGroupId = undefined;
    for (const host of servers) {
      expect(await labelled(host)).toEqual({ containers: [], volumes: [] });
      expect(existsSync(agentDir(host))).toBe(false);
      await expect(fetch(`http://${host.ip}:8080/`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    }
  });
});
