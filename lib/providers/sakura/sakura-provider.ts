// The `sakura` provider: a node is a Sakura Cloud server in the organization's account and zone,
// named after the node, with a disk copied from the account's source archive (a cloud-init-ready
// image with Node.js 20+), on the shared segment or the account's switch. Sakura's tags are plain
// strings, so each of the node's tags is written as "key=value".
//
// The agent's user data goes in as cloud-init user data on the first boot (PUT /server/{id}/power
// with UserBootVariables), the way Sakura hands user data to cloud-init images: a startup script
// (Note) would instead be an account-wide resource holding the node's one-time token, made and
// removed per node. Later boots need nothing: cloud-init keeps the boothook on the disk and runs it
// at every boot, and the agent it installs is a systemd unit.
//
// Sakura has no client token, so a create repeated after a crash first looks for what the last
// run made: the server by its name and ocs.nodeId tag, and a disk by the same, not yet attached.
import { and, eq, isNull } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Database } from '@/lib/db/client';
import { providerAccounts, type ProviderAccount } from '@/lib/db/schema';
import { openProviderCredentials } from '@/lib/secrets/provider-credentials';
import { accountsHolding } from '../account-scope';
import { findProvider } from '../catalog';
import { cloudInitUserData } from '../cloud-init';
import { HttpStatusError } from '../http';
import { ProviderError, type AccountProvider, type CreateNodeRequest, type Flavor, type NodeResource, type NodeSpec, type ResourceState } from '../types';
import { explainSakuraError } from './errors';
import { sakuraApi, type SakuraApi, type SakuraDisk, type SakuraFilter, type SakuraId, type SakuraServer } from './sakura-api';

const ID = 'sakura';
/** "<account id>/<server id>": which account the server is in, and which server. */
const RESOURCE_ID = /^([0-9a-f-]{36})\/(\d{12})$/;
// Read when used, so a process (a test) can set them after loading the driver.
const waitEveryMs = () => Number(process.env.OCS_SAKURA_POLL_MS ?? 2000);
/** How long the OS gets to shut down on its own (ACPI) before the power is cut. */
const shutdownGraceMs = () => Number(process.env.OCS_SAKURA_SHUTDOWN_GRACE_MS ?? 120_000);
/** Copying an archive to a new disk takes minutes. */
const WAIT_MAX_MS = 20 * 60_000;
/** Disk plan ids (iaas-api-go types.DiskPlans). */
const DISK_PLANS: Record<string, number> = { ssd: 4, hdd: 2 };
const DESCRIPTION = 'OCS Portal node: delete it from the portal, which removes its disk too.';

const STATES: Record<string, ResourceState> = { up: 'running', cleaning: 'stopped', down: 'stopped' };

const tagOf = (key: string, value: string) => `${key}=${value}`;
const encodeTags = (tags: Record<string, string>) => Object.entries(tags).map(([k, v]) => tagOf(k, v));

function decodeTags(tags: string[]): Record<string, string> {
  return Object.fromEntries(tags.map((t) => (t.includes('=') ? [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)] : [t, ''])));
}

/** What the node is made of, from its flavor in the catalog (lib/providers/clouds.ts). */
function sizing(spec: NodeSpec): { cpu: number; memoryMB: number; diskPlan: number; sizeMB: number } {
  const flavor = findProvider(ID)!.flavors.find((f) => f.name === spec.flavor);
  if (!flavor) throw new ProviderError(ID, 'no_flavor', `Sakura Cloud has no flavor "${spec.flavor}"`, false);
  const v = flavor.values;
  return {
    cpu: Number(v.num_cores),
    memoryMB: Number(v.memory) * 1024,
    diskPlan: DISK_PLANS[String(v.sakuracloud_disk_plan)] ?? DISK_PLANS.ssd!,
    sizeMB: (spec.volumeSize ?? Number(v.sakuracloud_disk_size)) * 1024,
  };
}

/** A Sakura failure as a provider error: the code decides whether to retry and what to tell people. */
function providerError(e: unknown, doing: string): ProviderError {
  if (e instanceof ProviderError) return e;
  const { code, retryable, advice } = explainSakuraError(e);
  return new ProviderError(ID, code, `${doing}: Sakura Cloud ${code}: ${(e as Error).message}`, retryable, advice);
}

const notFound = (e: unknown) => e instanceof HttpStatusError && e.status === 404;
/** A power request answered 409: the server is already where it was asked to go, or on its way. */
const alreadyThere = (e: unknown) => {
  if (e instanceof HttpStatusError && e.status === 409) return;
  throw e;
};

export class SakuraProvider implements AccountProvider {
  readonly id = ID;
  readonly label = findProvider(ID)!.label;

  constructor(private readonly db: () => Database) {}

  flavors(): Flavor[] {
    return findProvider(ID)!.flavors;
  }

  private async account(accountId: string): Promise<{ account: ProviderAccount; api: SakuraApi }> {
    const account = await this.db().query.providerAccounts.findFirst({ where: and(eq(providerAccounts.id, accountId), eq(providerAccounts.provider, ID), isNull(providerAccounts.removedAt)) });
    if (!account) throw new ProviderError(ID, 'no_account', `Sakura Cloud account ${accountId} is not there any more: add the account again under クラウドアカウント (Cloud accounts)`, false);
    return { account, api: sakuraApi({ zone: account.region!, credentials: openProviderCredentials(account.id, account.credentials) }) };
  }

  private resource(accountId: string, s: SakuraServer): NodeResource {
    const nic = s.Interfaces?.[0];
    const failed = s.Availability === 'failed';
    return {
      resourceId: `${accountId}/${s.ID}`,
      name: s.Name,
      ipAddress: nic?.IPAddress || nic?.UserIPAddress || '',
      state: failed ? 'error' : (STATES[s.Instance?.Status ?? ''] ?? 'booting'),
      tags: decodeTags(s.Tags ?? []),
      accountId,
      ...(failed ? { reason: 'Sakura Cloud reports the server as failed' } : {}),
    };
  }

  async createNode(req: CreateNodeRequest): Promise<NodeResource> {
    const accountId = req.owner.accountId;
    if (!accountId) throw new ProviderError(ID, 'no_account', 'a node on Sakura Cloud needs one of the organization\'s Sakura Cloud accounts', false);
    const { account, api } = await this.account(accountId);
    // The image nodes are copied from is one of the account's network settings, as the switch is.
    const archiveId = account.network.archiveId;
    if (!archiveId) throw new ProviderError(ID, 'no_archive', 'the Sakura Cloud account names no source archive: set the archive (cloud-init ready, with Node.js 20 or later) nodes are copied from', false);
    const switchId = account.network.switchId;
    const size = sizing(req.spec);
    const tags = encodeTags({ ...req.tags, 'ocs.nodeId': req.owner.nodeId });
    // What this node's earlier runs made carry its name and its node tag.
    const mine: SakuraFilter = { Name: [req.name], 'Tags.Name': [[tagOf('ocs.nodeId', req.owner.nodeId)]] };
    try {
      let server = (await api.find<SakuraServer>('/server', 'Servers', mine)).find((s) => s.Name === req.name);
      const diskId = server?.Disks?.[0]?.ID ?? (await this.diskFor(api, req, mine, { archiveId, tags, ...size }));
      server ??= (
        await api.send<{ Server: SakuraServer }>('POST', '/server', {
          Server: {
            Name: req.name,
            Description: DESCRIPTION,
            Tags: tags,
            ServerPlan: { CPU: size.cpu, MemoryMB: size.memoryMB, Commitment: 'standard' },
            ConnectedSwitches: [switchId ? { ID: Number(switchId) } : { Scope: 'shared' }],
            InterfaceDriver: 'virtio',
          },
        })
      ).Server;
      const nic = server.Interfaces?.[0];
      // On a switch Sakura assigns nothing: the fixed address is declared on the NIC.
      if (switchId && req.ipAddress && nic && nic.UserIPAddress !== req.ipAddress) await api.send('PUT', `/interface/${nic.ID}`, { Interface: { UserIPAddress: req.ipAddress } });
      if (!server.Disks?.length) {
        await this.diskReady(api, diskId);
        await api.send('PUT', `/disk/${diskId}/to/server/${server.ID}`);
      }
      server = (await api.get<{ Server: SakuraServer }>(`/server/${server.ID}`)).Server;
      if (server.Instance?.Status === 'up') return this.resource(accountId, server);
      if (server.Instance?.Status === 'cleaning') await this.mustReach(api, server.ID, 'down');
      // Not booted yet (new, or an earlier run stopped before its boot): the first boot carries the user data.
      const script = await cloudInitUserData(req);
      await api.send('PUT', `/server/${server.ID}/power`, { UserBootVariables: { CloudInit: { UserData: script } } }).catch(alreadyThere);
      return { ...this.resource(accountId, server), state: 'booting' };
    } catch (e) {
      throw providerError(e, `creating node ${req.name}`);
    }
  }

  /**
   * The node's disk: one a crashed run left unattached (the first still usable; failed and extra
   * ones removed, so none leaks), else a new copy of the source archive.
   */
  private async diskFor(api: SakuraApi, req: CreateNodeRequest, mine: SakuraFilter, d: { archiveId: string; tags: string[]; diskPlan: number; sizeMB: number }): Promise<SakuraId> {
    const left = (await api.find<SakuraDisk>('/disk', 'Disks', mine)).filter((disk) => disk.Name === req.name && !disk.Server);
    const reused = left.find((disk) => disk.Availability !== 'failed');
    for (const disk of left) if (disk !== reused) await api.send('DELETE', `/disk/${disk.ID}`);
    if (reused) return reused.ID;
    const created = await api.send<{ Disk: SakuraDisk }>('POST', '/disk', {
      Disk: { Name: req.name, Description: DESCRIPTION, Tags: d.tags, Plan: { ID: d.diskPlan }, Connection: 'virtio', SizeMB: d.sizeMB, SourceArchive: { ID: Number(d.archiveId) } },
    });
    return created.Disk.ID;
  }

  /** Waits out the archive's copy; a copy that failed is removed so the next try makes a new one. */
  private async diskReady(api: SakuraApi, diskId: SakuraId): Promise<void> {
    for (const deadline = Date.now() + WAIT_MAX_MS; Date.now() < deadline; await sleep(waitEveryMs())) {
      const { Disk: disk } = await api.get<{ Disk: SakuraDisk }>(`/disk/${diskId}`);
      if (disk.Availability === 'available') return;
      if (disk.Availability === 'failed') {
        await api.send('DELETE', `/disk/${diskId}`);
        throw new ProviderError(ID, 'disk_failed', `copying the source archive to disk ${diskId} failed; the disk was removed and the next try makes a new one`, true);
      }
    }
    throw new ProviderError(ID, 'timeout', `disk ${diskId} was not copied within ${WAIT_MAX_MS / 60_000} minutes`, true);
  }

  /** Polls until the server's Instance.Status is `status`; null once it is gone, false when `withinMs` passes first. */
  private async until(api: SakuraApi, serverId: SakuraId, status: string | null, withinMs: number): Promise<SakuraServer | null | false> {
    for (const deadline = Date.now() + withinMs; ; await sleep(waitEveryMs())) {
      const found = await api.get<{ Server: SakuraServer }>(`/server/${serverId}`).then(
        (r) => r.Server,
        (e: unknown) => {
          if (notFound(e)) return null;
          throw e;
        },
      );
      if (!found || found.Instance?.Status === status) return found;
      if (Date.now() >= deadline) return false;
    }
  }

  private async mustReach(api: SakuraApi, serverId: SakuraId, status: string | null): Promise<SakuraServer | null> {
    const reached = await this.until(api, serverId, status, WAIT_MAX_MS);
    if (reached === false) throw new ProviderError(ID, 'timeout', `server ${serverId} did not become ${status ?? 'gone'} within ${WAIT_MAX_MS / 60_000} minutes`, true);
    return reached;
  }

  private async server(resourceId: string): Promise<{ accountId: string; serverId: SakuraId; api: SakuraApi; found: SakuraServer | null } | null> {
    const m = RESOURCE_ID.exec(resourceId);
    if (!m) return null;
    const [, accountId, serverId] = m as unknown as [string, string, string];
    const { api } = await this.account(accountId);
    try {
      const { Server: found } = await api.get<{ Server: SakuraServer }>(`/server/${serverId}`);
      return { accountId, serverId: Number(serverId), api, found };
    } catch (e) {
      if (notFound(e)) return { accountId, serverId: Number(serverId), api, found: null };
      throw providerError(e, `describing server ${serverId}`);
    }
  }

  async describeNode(resourceId: string): Promise<NodeResource | null> {
    const at = await this.server(resourceId);
    return at?.found ? this.resource(at.accountId, at.found) : null;
  }

  /** Asks the OS to shut down, and cuts the power when it has not within the grace time. */
  private async stop(api: SakuraApi, server: SakuraServer, grace: number): Promise<void> {
    if (server.Instance?.Status === 'up') {
      await api.send('DELETE', `/server/${server.ID}/power`, { Force: grace === 0 }).catch(alreadyThere);
      if (grace > 0 && (await this.until(api, server.ID, 'down', grace)) === false) await api.send('DELETE', `/server/${server.ID}/power`, { Force: true }).catch(alreadyThere);
    }
    await this.mustReach(api, server.ID, 'down');
  }

  async powerOff(resourceId: string): Promise<void> {
    const at = await this.server(resourceId);
    if (!at?.found) throw new ProviderError(ID, 'not_found', `there is no server ${resourceId}`, false);
    try {
      await this.stop(at.api, at.found, shutdownGraceMs());
    } catch (e) {
      throw providerError(e, `stopping server ${at.serverId}`);
    }
  }

  async powerOn(resourceId: string): Promise<NodeResource> {
    const at = await this.server(resourceId);
    if (!at?.found) throw new ProviderError(ID, 'not_found', `there is no server ${resourceId}`, false);
    try {
      if (at.found.Instance?.Status === 'up') return this.resource(at.accountId, at.found);
      // A shutdown still under way must end before the server can boot.
      await this.mustReach(at.api, at.serverId, 'down');
      await at.api.send('PUT', `/server/${at.serverId}/power`).catch(alreadyThere);
      const up = await this.mustReach(at.api, at.serverId, 'up');
      if (!up) throw new ProviderError(ID, 'not_found', `server ${at.serverId} went away while booting`, false);
      return this.resource(at.accountId, up);
    } catch (e) {
      throw providerError(e, `starting server ${at.serverId}`);
    }
  }

  async deleteNode(resourceId: string): Promise<void> {
    const at = await this.server(resourceId);
    if (!at?.found) return;
    const { api, found } = at;
    try {
      // Its disks go with it, so the power is cut rather than waiting for the OS.
      await this.stop(api, found, 0);
      await api.send('DELETE', `/server/${found.ID}`, { WithDisk: (found.Disks ?? []).map((d) => d.ID) }).catch((e: unknown) => {
        if (!notFound(e)) throw e;
      });
      // Teardown ends when the server is gone, so a unit group's deletion leaves none behind.
      await this.mustReach(api, found.ID, null);
      const nodeId = decodeTags(found.Tags ?? [])['ocs.nodeId'];
      if (!nodeId) return;
      // A disk a crashed create left unattached is this node's too.
      const left = await api.find<SakuraDisk>('/disk', 'Disks', { Name: [found.Name], 'Tags.Name': [[tagOf('ocs.nodeId', nodeId)]] });
      for (const disk of left.filter((d) => d.Name === found.Name && !d.Server)) await api.send('DELETE', `/disk/${disk.ID}`);
    } catch (e) {
      throw providerError(e, `deleting server ${found.ID}`);
    }
  }

  /** The servers carrying all of `tags` (Sakura matches tags exactly), in the accounts that may hold them. */
  async listResources(tags: Record<string, string>): Promise<NodeResource[]> {
    const found: NodeResource[] = [];
    for (const id of await accountsHolding(this.db(), ID, tags)) found.push(...(await this.listAccountResources(id, tags)));
    return found;
  }

  async listAccountResources(accountId: string, tags: Record<string, string>): Promise<NodeResource[]> {
    const filter: SakuraFilter = Object.keys(tags).length ? { 'Tags.Name': [encodeTags(tags)] } : {};
    const { api } = await this.account(accountId);
    try {
      return (await api.find<SakuraServer>('/server', 'Servers', filter)).map((s) => this.resource(accountId, s));
    } catch (e) {
      throw providerError(e, 'listing servers');
    }
  }
}
