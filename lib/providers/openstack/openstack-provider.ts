// The `openstack` provider (mdx II and other academic clouds): a node is a Nova server in the
// organization's project (its region, network, security group and image), named after the node,
// with the node's tags as its metadata. Its user data installs and starts the node agent
// (lib/providers/cloud-init.ts), which then dials home. Nova takes no idempotency token, so before
// creating, the driver looks for the server with the node's name and ocs.nodeId: a create
// repeated after a crash finds the server made the first time instead of making a second one.
import { and, eq, isNull } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '@/lib/db/client';
import { providerAccounts } from '@/lib/db/schema';
import { openProviderCredentials } from '@/lib/secrets/provider-credentials';
import { accountsHolding } from '../account-scope';
import { findProvider } from '../catalog';
import { cloudInitUserData } from '../cloud-init';
import { HttpStatusError, withRetry } from '../http';
import { ProviderError, type AccountProvider, type CreateNodeRequest, type Flavor, type NodeResource, type ResourceState } from '../types';
import { OpenStackError, openStackFailure, serverFaultError } from './errors';
import { OpenStackProject } from './project';

const ID = 'openstack';
/** "<account id>/<server id>": which account the server is in, and which server. */
const RESOURCE_ID = /^([0-9a-f-]{36})\/([0-9a-f-]{36})$/;
const WAIT_EVERY_MS = Number(process.env.OCS_OPENSTACK_POLL_MS ?? 3000);
const WAIT_MAX_MS = 10 * 60_000;

/** Nova's server statuses (nova/api/openstack/common.py) as node states; ERROR, RESCUE and UNKNOWN are errors. */
const STATES: Record<string, ResourceState> = {
  BUILD: 'booting',
  REBUILD: 'booting',
  REBOOT: 'booting',
  HARD_REBOOT: 'booting',
  ACTIVE: 'running',
  PASSWORD: 'running',
  MIGRATING: 'running',
  RESIZE: 'running',
  VERIFY_RESIZE: 'running',
  REVERT_RESIZE: 'running',
  SHUTOFF: 'stopped',
  PAUSED: 'stopped',
  SUSPENDED: 'stopped',
  SHELVED: 'stopped',
  SHELVED_OFFLOADED: 'stopped',
};
const GONE = ['DELETED', 'SOFT_DELETED'];

interface Server {
  id: string;
  name: string;
  status: string;
  metadata?: Record<string, string>;
  addresses?: Record<string, { addr: string; version: number; 'OS-EXT-IPS:type'?: string }[]>;
  fault?: { code?: number; message?: string };
  'OS-EXT-STS:task_state'?: string | null;
}

interface Cloud {
  accountId: string;
  network: Record<string, string>;
  project: OpenStackProject;
}

/** An OpenStack failure as a provider error: its code decides whether to retry and what to tell people. */
function providerError(e: unknown, doing: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const { code, retryable, advice } = openStackFailure(e);
  return new ProviderError(ID, code, `${doing}: OpenStack ${code}: ${(e as Error).message}`, retryable, advice);
}

const notFound = (e: unknown) => e instanceof HttpStatusError && e.status === 404;

export class OpenStackProvider implements AccountProvider {
  readonly id = ID;
  readonly label = findProvider(ID)!.label;

  constructor(private readonly db: () => Database) {}

  flavors(): Flavor[] {
    return findProvider(ID)!.flavors;
  }

  private async account(accountId: string): Promise<Cloud> {
    const account = await this.db().query.providerAccounts.findFirst({ where: and(eq(providerAccounts.id, accountId), eq(providerAccounts.provider, ID), isNull(providerAccounts.removedAt)) });
    if (!account) throw new ProviderError(ID, 'no_account', `OpenStack account ${accountId} is not there any more: add the account again under クラウドアカウント (Cloud accounts)`, false);
    return { accountId, network: account.network, project: new OpenStackProject({ credentials: openProviderCredentials(account.id, account.credentials), region: account.region }) };
  }

  private async resource(cloud: Cloud, s: Server): Promise<NodeResource> {
    // Nova keys a server's addresses by network name; the node's address is its own on the account's network.
    const network = await cloud.project.networkName(cloud.network.networkId!);
    const ipAddress = s.addresses?.[network]?.find((a) => a.version === 4 && (a['OS-EXT-IPS:type'] ?? 'fixed') === 'fixed')?.addr ?? '';
    const state = STATES[s.status] ?? 'error';
    return { resourceId: `${cloud.accountId}/${s.id}`, name: s.name, ipAddress, state, tags: s.metadata ?? {}, accountId: cloud.accountId, ...(state === 'error' ? { reason: s.fault?.message ?? `Nova reports the server ${s.status}` } : {}) };
  }

  /** The server, or null once Nova no longer has it. */
  private async show(cloud: Cloud, serverId: string): Promise<Server | null> {
    try {
      const { server } = await cloud.project.call<{ server: Server }>('compute', 'GET', `/servers/${serverId}`);
      return GONE.includes(server.status) ? null : server;
    } catch (e) {
      if (notFound(e)) return null;
      throw e;
    }
  }

  private async at(resourceId: string): Promise<{ cloud: Cloud; serverId: string; server: Server | null } | null> {
    const m = RESOURCE_ID.exec(resourceId);
    if (!m) return null;
    const [, accountId, serverId] = m as unknown as [string, string, string];
    const cloud = await this.account(accountId);
    try {
      return { cloud, serverId, server: await this.show(cloud, serverId) };
    } catch (e) {
      throw providerError(e, `describing server ${serverId}`);
    }
  }

  /** Polls until `settled` holds for the server (then it), or the server is gone (then null). */
  private async waitFor(cloud: Cloud, serverId: string, settled: (s: Server) => boolean): Promise<Server | null> {
    for (const deadline = Date.now() + WAIT_MAX_MS; Date.now() < deadline; await sleep(WAIT_EVERY_MS)) {
      const server = await this.show(cloud, serverId);
      if (!server || settled(server)) return server;
    }
    throw new ProviderError(ID, 'timeout', `server ${serverId} did not settle within ${WAIT_MAX_MS / 60_000} minutes`, true);
  }

  /** The server once it is `status`; ERROR instead is the failure its fault tells. */
  private async reach(cloud: Cloud, serverId: string, status: 'ACTIVE' | 'SHUTOFF'): Promise<Server> {
    const server = await this.waitFor(cloud, serverId, (s) => s.status === status || s.status === 'ERROR');
    if (!server) throw new ProviderError(ID, 'not_found', `server ${serverId} was deleted before it became ${status}`, false);
    if (server.status === 'ERROR') throw serverFaultError(serverId, server.fault);
    return server;
  }

  private async action(cloud: Cloud, serverId: string, action: 'os-start' | 'os-stop'): Promise<void> {
    await cloud.project.call('compute', 'POST', `/servers/${serverId}/action`, { body: { [action]: null } });
  }

  /** Deletes the server and waits until Nova no longer has it. */
  private async remove(cloud: Cloud, serverId: string): Promise<void> {
    await cloud.project.call('compute', 'DELETE', `/servers/${serverId}`).catch((e: unknown) => {
      if (!notFound(e)) throw e;
    });
    await this.waitFor(cloud, serverId, () => false);
  }

  /** The Nova flavor id of a flavor name (Nova's flavorRef takes ids only); an id is taken as it is. */
  private async flavorRef(cloud: Cloud, name: string): Promise<string> {
    const flavors = await cloud.project.list<{ id: string; name: string }>('/flavors', 'flavors');
    const flavor = flavors.find((f) => f.name === name) ?? flavors.find((f) => f.id === name);
    if (!flavor) throw new OpenStackError('FlavorNotFound', `the project has no flavor ${name} (it has ${flavors.map((f) => f.name).slice(0, 20).join(', ')})`);
    return flavor.id;
  }

  private async serverRequest(cloud: Cloud, req: CreateNodeRequest): Promise<unknown> {
    // The unit's own instance type, else the flavor's (vcp_flavor.yml's flavor_name).
    const flavorName = req.spec.instanceType ?? findProvider(ID)!.flavors.find((f) => f.name === req.spec.flavor)?.values.flavor_name;
    if (typeof flavorName !== 'string') throw new OpenStackError('FlavorNotFound', `flavor ${req.spec.flavor} names no OpenStack flavor`);
    const imageRef = cloud.network.imageId;
    if (!imageRef) throw new OpenStackError('ImageNotSet', 'the account names no image for nodes (imageId)');
    return {
      server: {
        name: req.name,
        flavorRef: await this.flavorRef(cloud, flavorName),
        imageRef,
        networks: [{ uuid: cloud.network.networkId, ...(req.ipAddress ? { fixed_ip: req.ipAddress } : {}) }],
        security_groups: [{ name: cloud.network.securityGroup ?? 'default' }],
        user_data: Buffer.from(await cloudInitUserData(req)).toString('base64'),
        metadata: req.tags,
      },
    };
  }

  /**
   * The server made for this node before (its name and ocs.nodeId), else a new one. Retried as a
   * whole, never the POST alone: after a POST that failed on the way, the look finds the server
   * Nova made anyway.
   */
  private findOrBoot(cloud: Cloud, req: CreateNodeRequest): Promise<{ id: string }> {
    return withRetry(async () => {
      // Nova's name filter is a regular expression.
      const exactly = `^${req.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
      const named = await cloud.project.list<Server>(`/servers/detail?name=${encodeURIComponent(exactly)}`, 'servers');
      const earlier = named.find((s) => s.name === req.name && s.metadata?.['ocs.nodeId'] === req.tags['ocs.nodeId'] && !GONE.includes(s.status));
      if (earlier && earlier.status !== 'ERROR') return earlier;
      // One that failed to build holds quota and would be found again: it goes, and the node is made anew.
      if (earlier) await this.remove(cloud, earlier.id);
      const body = await this.serverRequest(cloud, req);
      return (await cloud.project.call<{ server: { id: string } }>('compute', 'POST', '/servers', { body, once: true })).server;
    });
  }

  async createNode(req: CreateNodeRequest): Promise<NodeResource> {
    const accountId = req.owner.accountId;
    if (!accountId) throw new ProviderError(ID, 'no_account', "a node on OpenStack needs one of the organization's OpenStack accounts", false);
    const cloud = await this.account(accountId);
    try {
      const { id } = await this.findOrBoot(cloud, req);
      // Nova places the server after answering: a failure to (No valid host) shows as ERROR.
      const built = await this.waitFor(cloud, id, (s) => s.status !== 'BUILD');
      if (!built) throw new OpenStackError('ServerFault', `server ${id} was deleted while it was being built`, true);
      if (built.status === 'ERROR') {
        await this.remove(cloud, id);
        throw serverFaultError(id, built.fault);
      }
      return await this.resource(cloud, built);
    } catch (e) {
      throw providerError(e, `creating node ${req.name}`);
    }
  }

  async describeNode(resourceId: string): Promise<NodeResource | null> {
    const at = await this.at(resourceId);
    if (!at?.server) return null;
    try {
      return await this.resource(at.cloud, at.server);
    } catch (e) {
      throw providerError(e, `describing server ${at.serverId}`);
    }
  }

  async powerOff(resourceId: string): Promise<void> {
    const at = await this.at(resourceId);
    if (!at?.server) throw new ProviderError(ID, 'not_found', `there is no server ${resourceId}`, false);
    try {
      // Nova refuses (409) to stop a server stopped or stopping: it is only waited for then.
      if (at.server.status !== 'SHUTOFF' && at.server['OS-EXT-STS:task_state'] !== 'powering-off') await this.action(at.cloud, at.serverId, 'os-stop');
      await this.reach(at.cloud, at.serverId, 'SHUTOFF');
    } catch (e) {
      throw providerError(e, `stopping server ${at.serverId}`);
    }
  }

  async powerOn(resourceId: string): Promise<NodeResource> {
    const at = await this.at(resourceId);
    if (!at?.server) throw new ProviderError(ID, 'not_found', `there is no server ${resourceId}`, false);
    try {
      // A stop still under way must end before the server can start.
      const server = at.server['OS-EXT-STS:task_state'] === 'powering-off' ? await this.reach(at.cloud, at.serverId, 'SHUTOFF') : at.server;
      if (server.status === 'SHUTOFF' && server['OS-EXT-STS:task_state'] !== 'powering-on') await this.action(at.cloud, at.serverId, 'os-start');
      return await this.resource(at.cloud, await this.reach(at.cloud, at.serverId, 'ACTIVE'));
    } catch (e) {
      throw providerError(e, `starting server ${at.serverId}`);
    }
  }

  async deleteNode(resourceId: string): Promise<void> {
    const at = await this.at(resourceId);
    if (!at?.server) return;
    try {
      // Teardown ends when the server is gone, so a unit group's deletion leaves none behind.
      await this.remove(at.cloud, at.serverId);
    } catch (e) {
      throw providerError(e, `deleting server ${at.serverId}`);
    }
  }

  /** The servers (not deleted) carrying all of `tags`, in the accounts that may hold them. */
  async listResources(tags: Record<string, string>): Promise<NodeResource[]> {
    const found: NodeResource[] = [];
    for (const id of await accountsHolding(this.db(), ID, tags)) found.push(...(await this.listAccountResources(id, tags)));
    return found;
  }

  async listAccountResources(accountId: string, tags: Record<string, string>): Promise<NodeResource[]> {
    const cloud = await this.account(accountId);
    try {
      // Nova lets a project's members filter servers by name, status, image, … but not metadata: matched here.
      const servers = await cloud.project.list<Server>('/servers/detail', 'servers');
      const tagged = servers.filter((s) => !GONE.includes(s.status) && Object.entries(tags).every(([k, v]) => s.metadata?.[k] === v));
      return await Promise.all(tagged.map((s) => this.resource(cloud, s)));
    } catch (e) {
      throw providerError(e, 'listing servers');
    }
  }
}
