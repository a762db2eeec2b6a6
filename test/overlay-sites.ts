// Two sites that cannot reach each other, as two campuses behind NAT: two bridges of namespace
// hosts where every host reaches only its own site and the portal's address (on site A's bridge),
// with the agent endpoints and the overlay relay listening there. Nodes boot as cloud instances do
// (their user data downloads the agent, which dials home) after joining their unit group's overlay;
// a cloud emulator's instances and the lab's servers can be put on a site too, for a real build.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { issueBootstrapToken } from '@/lib/agent-channel/credentials';
import { db } from '@/lib/db/client';
import type { Node } from '@/lib/db/schema';
import { env } from '@/lib/env';
import { joinOverlay } from '@/lib/overlay/membership';
import { startRelay, type RunningRelay } from '@/lib/overlay/relay-server';
import { relaySecret } from '@/lib/overlay/relay-ticket';
import { cloudInitUserData } from '@/lib/providers/cloud-init';
import { startAgentPortal, type AgentPortal } from './agent-portal';
import { instanceBackend, type EmulatedInstance, type InstanceBackend } from './clouds/instances';
import { until } from './fixtures';
import { createHostNetwork, type HostNetwork, type NamespaceHost } from './hosts';

export interface SiteNode {
  record: Node;
  instance: EmulatedInstance;
  /** Its overlay address. */
  address: string;
  /** Its agent's folder on its host. */
  folder: string;
}

export interface Sites {
  a: HostNetwork;
  b: HostNetwork;
  portal: AgentPortal;
  relay: RunningRelay;
  /** A new host on `site` running `record`'s agent; resolves once the node's overlay address is on its interface. */
  boot(record: Node, site: HostNetwork): Promise<SiteNode>;
  /** The machines of `site`, reaching only their own site and the portal: a cloud emulator's instances there. */
  instances(site: HostNetwork): InstanceBackend;
  /** A lab server on `site` (its sshd letting in `authorizedKeys`) that reaches only its own site and the portal. */
  addServer(site: HostNetwork, authorizedKeys: string[]): Promise<NamespaceHost>;
  /** Removes a node's host with everything on it. */
  remove(node: SiteNode): Promise<void>;
  close(): Promise<void>;
}

/** Sites named `<name>a` and `<name>b` on `<subnets[0]>.0/24` and `<subnets[1]>.0/24`. Sets OCS_AGENT_PORTAL_URL and OCS_RELAY_ENDPOINT until close(). */
export async function startSites(name: string, subnets: [string, string]): Promise<Sites> {
  const previous = { portal: process.env.OCS_AGENT_PORTAL_URL, relay: process.env.OCS_RELAY_ENDPOINT };
  const a = await createHostNetwork({ name: `${name}a`, subnet: subnets[0] });
  const b = await createHostNetwork({ name: `${name}b`, subnet: subnets[1] });
  const portal = await startAgentPortal({ host: a.bridgeAddress });
  const relay = await startRelay({ host: a.bridgeAddress, port: 0, secret: relaySecret(env().OCS_SECRET_KEY) });
  process.env.OCS_AGENT_PORTAL_URL = portal.url;
  process.env.OCS_RELAY_ENDPOINT = `${a.bridgeAddress}:${relay.port}`;
  // Only the own site and the portal: no route to the other site, nor anywhere else.
  const confine = async (host: NamespaceHost, site: HostNetwork) => {
    const routes = site === a ? 'ip route del default' : `ip route del default && ip route add ${a.bridgeAddress}/32 via ${site.bridgeAddress}`;
    const routed = await host.exec(['sh', '-c', routes]);
    if (routed.code !== 0) throw new Error(`cannot set ${host.name}'s routes: ${routed.stderr}`);
  };
  const confined = (site: HostNetwork): InstanceBackend => {
    const backend = instanceBackend(site);
    return {
      ...backend,
      async create() {
        const instance = await backend.create();
        await confine(instance.host, site);
        return instance;
      },
    };
  };
  const backends = new Map([a, b].map((site) => [site, confined(site)]));
  const booted: { node: SiteNode; site: HostNetwork }[] = [];

  return {
    a,
    b,
    portal,
    relay,
    async boot(record, site) {
      const backend = backends.get(site)!;
      const instance = await backend.create();
      const address = await joinOverlay(db(), record.unitGroupId, record.id);
      const userData = await cloudInitUserData({
        name: record.name,
        tags: { 'ocs.unitGroupId': record.unitGroupId, 'ocs.nodeId': record.id },
        agent: { portalUrl: portal.url, bootstrapToken: await issueBootstrapToken(db(), record.id) },
      });
      await backend.boot(instance, userData);
      const folder = path.join(instance.home, '.ocs-portal', 'nodes', record.name);
      await until(`${record.name}'s overlay address`, async () => (await instance.host.exec(['ip', '-4', '-o', 'addr'])).stdout.includes(`${address}/24`), 30_000, 100).catch(async (e: Error) => {
        throw new Error(`${e.message}; its agent's log:\n${await readFile(path.join(folder, 'agent.log'), 'utf8').catch(() => '(none)')}`);
      });
      const node = { record, instance, address, folder };
      booted.push({ node, site });
      return node;
    },
    instances: (site) => backends.get(site)!,
    async addServer(site, authorizedKeys) {
      const host = await site.addHost({ authorizedKeys });
      await confine(host, site);
      return host;
    },
    async remove(node) {
      const entry = booted.find((x) => x.node === node);
      if (!entry) return;
      booted.splice(booted.indexOf(entry), 1);
      await backends.get(entry.site)!.destroy(node.instance);
    },
    async close() {
      for (const { node, site } of booted.splice(0)) await backends.get(site)!.destroy(node.instance).catch(() => {});
      await relay.close();
      await portal.close();
      await a.destroy();
      await b.destroy();
      for (const [k, v] of [['OCS_AGENT_PORTAL_URL', previous.portal], ['OCS_RELAY_ENDPOINT', previous.relay]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}
