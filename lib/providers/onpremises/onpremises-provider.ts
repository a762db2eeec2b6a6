// The `onpremises` provider (OCS's name): nodes on a lab's own servers, reached over SSH with the
// organization's key, the server's host key pinned. A node is a folder on its server with the node
// agent running in it (scripts.ts); its applications run as containers where the server has a
// Docker-compatible engine, else as processes. Node placement: lib/hosts/placement.ts.
import { lookup } from 'node:dns/promises';
import { isIPv4 } from 'node:net';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import { agentBundle } from '@/lib/agent-bundle';
import type { Database } from '@/lib/db/client';
import { hosts, nodes, type Host } from '@/lib/db/schema';
import { NoHostError, placeNode } from '@/lib/hosts/placement';
import { openOrganizationPrivateKey } from '@/lib/hosts/ssh-key';
import { openSshSession, SshSessionError, type SshSession } from '@/lib/hosts/ssh-session';
import { ProviderError, type CreateNodeRequest, type Flavor, type NodeResource, type Provider, type ResourceState } from '../types';
import { ONPREMISES_PROVIDER } from './flavors';
import { installScript, listScript, removeScript, shellQuote, startScript, stopScript } from './scripts';

const ID = ONPREMISES_PROVIDER.id;
/** "<host id>/<node name>": which server, and which node on it. */
const RESOURCE_ID = /^([0-9a-f-]{36})\/([A-Za-z0-9][A-Za-z0-9_.-]{0,127})$/;

function lastLines(text: string, n = 3): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}

export class OnPremisesProvider implements Provider {
  readonly id = ID;
  readonly label = ONPREMISES_PROVIDER.label;

  constructor(private readonly db: () => Database) {}

  flavors(): Flavor[] {
    return ONPREMISES_PROVIDER.flavors;
  }

  async createNode(req: CreateNodeRequest): Promise<NodeResource> {
    let host: Host;
    try {
      host = await placeNode(this.db(), req.owner.nodeId, req.owner.organizationId);
    } catch (e) {
      if (e instanceof NoHostError) throw new ProviderError(ID, 'no_capacity', e.message, false);
      throw e;
    }
    const ip = await this.addressOf(host);
    const bundle = await agentBundle();
    await this.run(host, `installing node ${req.name}`, installScript({
      agentDir: host.agentDir,
      name: req.name,
      agentUrl: `${req.agent.portalUrl}/api/agent/v1/agent.mjs`,
      agentVersion: bundle.version,
      agentSha256: bundle.sha256,
      nodeConfig: { name: req.name, ip, portalUrl: req.agent.portalUrl, tags: req.tags },
      bootstrapToken: req.agent.bootstrapToken,
    }));
    return { resourceId: `${host.id}/${req.name}`, name: req.name, ipAddress: ip, state: 'running', tags: req.tags };
  }

  async describeNode(resourceId: string): Promise<NodeResource | null> {
    const where = await this.locate(resourceId);
    if (!where) return null;
    const [found] = await this.list(where.host, where.name);
    return found ?? null;
  }

  async powerOff(resourceId: string): Promise<void> {
    const where = await this.mustLocate(resourceId);
    await this.run(where.host, `powering node ${where.name} off`, stopScript({ agentDir: where.host.agentDir, name: where.name }));
  }

  async powerOn(resourceId: string): Promise<NodeResource> {
    const where = await this.mustLocate(resourceId);
    await this.run(where.host, `powering node ${where.name} on`, startScript({ agentDir: where.host.agentDir, name: where.name }));
    const [found] = await this.list(where.host, where.name);
    if (!found) throw new ProviderError(ID, 'not_found', `node ${where.name} is not on server ${where.host.name}`, false);
    return found;
  }

  async deleteNode(resourceId: string): Promise<void> {
    const where = await this.locate(resourceId);
    if (!where) return;
    await this.run(where.host, `removing node ${where.name}`, removeScript({ agentDir: where.host.agentDir, name: where.name }));
  }

  async listResources(tags: Record<string, string>): Promise<NodeResource[]> {
    const all = await Promise.all((await this.hostsHolding(tags)).map((host) => this.list(host)));
    return all.flat().filter((r) => Object.entries(tags).every(([k, v]) => r.tags[k] === v));
  }

  /** The servers that may hold nodes with these tags: a node's or a unit group's servers, else every server. */
  private async hostsHolding(tags: Record<string, string>): Promise<Host[]> {
    const nodeId = tags['ocs.nodeId'];
    const unitGroupId = tags['ocs.unitGroupId'];
    const byNode = nodeId ? eq(nodes.id, nodeId) : unitGroupId ? eq(nodes.unitGroupId, unitGroupId) : undefined;
    if (!byNode) return this.db().select().from(hosts).where(isNull(hosts.removedAt));
    const ids = (await this.db().selectDistinct({ hostId: nodes.hostId }).from(nodes).where(byNode)).map((r) => r.hostId).filter((id): id is string => id !== null);
    return ids.length ? this.db().select().from(hosts).where(inArray(hosts.id, ids)) : [];
  }

  private async list(host: Host, name?: string): Promise<NodeResource[]> {
    const out = await this.run(host, 'listing nodes', listScript(host.agentDir, name));
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [nodeName, state, json, lastLog] = line.split('\t');
        const config = JSON.parse(json!) as { ip: string; tags?: Record<string, string> };
        const resource: NodeResource = { resourceId: `${host.id}/${nodeName}`, name: nodeName!, ipAddress: config.ip, state: state as ResourceState, tags: config.tags ?? {} };
        if (state === 'error') resource.reason = `the node agent is not running on server ${host.name}${lastLog ? ` (last log line: ${lastLog})` : ''}`;
        return resource;
      });
  }

  private async locate(resourceId: string): Promise<{ host: Host; name: string } | null> {
    const match = RESOURCE_ID.exec(resourceId);
    if (!match) return null;
    const [host] = await this.db().select().from(hosts).where(eq(hosts.id, match[1]!));
    return host ? { host, name: match[2]! } : null;
  }

  private async mustLocate(resourceId: string): Promise<{ host: Host; name: string }> {
    const where = await this.locate(resourceId);
    if (!where) throw new ProviderError(ID, 'not_found', `there is no onpremises node "${resourceId}"`, false);
    return where;
  }

  /** Nodes' applications listen and are probed on the server's IPv4 address. */
  private async addressOf(host: Host): Promise<string> {
    if (isIPv4(host.address)) return host.address;
    try {
      return (await lookup(host.address, { family: 4 })).address;
    } catch (e) {
      throw new ProviderError(ID, 'unresolvable', `server ${host.name}: ${host.address} has no IPv4 address (${(e as Error).message})`, true);
    }
  }

  /**
   * Runs a script on the server: its stdout, or a ProviderError naming the server and the reason.
   * The first contact pins the server's host key; a server that cannot be reached, refuses the key
   * or shows another key is marked unreachable with the reason, so nothing more is placed on it.
   */
  private async run(host: Host, what: string, script: string): Promise<string> {
    let session: SshSession;
    try {
      session = await openSshSession(host, await openOrganizationPrivateKey(this.db(), host.organizationId));
    } catch (e) {
      if (!(e instanceof SshSessionError)) throw e;
      await this.db()
        .update(hosts)
        .set({ state: sql`case when ${hosts.state} = 'active' then 'unreachable'::host_state else ${hosts.state} end`, stateReason: e.message, updatedAt: sql`now()` })
        .where(eq(hosts.id, host.id));
      throw new ProviderError(ID, e.kind, `server ${host.name}: ${e.message}`, e.kind === 'unreachable');
    }
    try {
      await this.db()
        .update(hosts)
        .set({ hostKeyFingerprint: session.fingerprint, lastContactAt: sql`now()` })
        .where(and(eq(hosts.id, host.id), sql`${hosts.hostKeyFingerprint} is null or ${hosts.hostKeyFingerprint} = ${session.fingerprint}`));
      const res = await session.exec(`sh -c ${shellQuote(script)}`);
      if (res.code !== 0) throw new ProviderError(ID, 'command_failed', `server ${host.name}: ${what} failed (exit ${res.code}): ${lastLines(res.stderr || res.stdout)}`, false);
      return res.stdout;
    } finally {
      session.close();
    }
  }
}
