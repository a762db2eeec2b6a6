// What the local Sakura Cloud endpoint holds and does: servers, disks and NICs per account and zone,
// as IaaS API 1.1 shows them (sacloud/iaas-api-go's naked types) and refuses requests (status plus
// the error_code Sakura's SDKs name, the message naming the field). A server is an emulated machine
// (test/clouds/instances.ts): booting it runs the cloud-init user data its disk holds, shutting it
// down halts it, deleting it destroys it. Disks keep the user data given at boot, as cloud-init
// keeps it on the disk and runs the boothook again at every boot.
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EmulatedInstance, InstanceBackend } from '../instances';

export interface SakuraAccount {
  accessToken: string;
  accessTokenSecret: string;
  /** The zone its switches and archives are in. */
  zone: string;
  /** Ids (12 digits) of its switches and of its cloud-init-ready archives there. */
  switches: string[];
  archives: string[];
}

export class SakuraFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SakuraServer {
  id: number;
  accessToken: string;
  zone: string;
  name: string;
  description: string;
  tags: string[];
  plan: { cpu: number; memoryMB: number; commitment: string };
  status: 'up' | 'down';
  /** The NIC: on the shared segment (switchId null) or the account's switch. */
  nic: { id: number; mac: string; switchId: number | null; userIPAddress: string | null };
  /** Tests may turn this off: an OS that ignores the shutdown (ACPI) request, so only a forced one stops it. */
  respondsToAcpi: boolean;
  deleting: boolean;
  createdAt: string;
  machine: EmulatedInstance;
}

export interface SakuraDisk {
  id: number;
  accessToken: string;
  zone: string;
  name: string;
  description: string;
  tags: string[];
  planId: number;
  sizeMB: number;
  connection: string;
  archiveId: number;
  availability: 'migrating' | 'available';
  serverId: number | null;
  /** The cloud-init user data the last boot with variables gave (cloud-init's copy on the disk). */
  userData: string | null;
  createdAt: string;
}

export interface Request {
  account: SakuraAccount;
  zone: string;
  /** The ids in the path, in order. */
  ids: number[];
  body: Record<string, unknown>;
}

/** What a handler answers: the payload (without is_ok) and, when not 200, its status. */
export type Answer = { status?: number; payload: Record<string, unknown> };

const SHARED_SEGMENT_ID = 100000000001;
const ZONE_IDS: Record<string, number> = { is1a: 31001, is1b: 31002, is1c: 31003, tk1a: 21001, tk1b: 21002, tk1v: 29001 };
/** Plans by core count and memory (GB), as the zone's /product/server list names them. */
const CORES = [1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 20, 24, 32];
const MEMORY_GB = [1, 2, 3, 4, 5, 6, 8, 12, 16, 20, 24, 32, 48, 64, 96, 128, 192, 224, 256, 384, 512];
const DISK_PLANS: Record<number, string> = { 2: 'hdd', 4: 'ssd' };
/** Sakura answers a boot or a disk copy at once and finishes it shortly after. */
const SETTLE_MS = 50;

const missing = (field: string) => new SakuraFault(400, 'missing_param', `不適切な要求です。必要なパラメータが指定されていません。(${field})`);
const invalid = (field: string) => new SakuraFault(400, 'invalid_format', `不適切な要求です。パラメータに含まれている値のフォーマットが一部不正です。(${field})`);
const noSuch = (field: string) => new SakuraFault(400, 'param_res_not_found', `不適切な要求です。パラメータで指定されたリソースが存在しません。IDをご確認ください。(${field})`);
const conflict = (code: string, message: string) => new SakuraFault(409, code, `要求された操作を行えません。${message}`);
const notFound = () => new SakuraFault(404, 'not_found', '対象が見つかりません。対象は利用できない状態か、IDが誤っています。');

function object(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) throw missing(field);
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(field);
  return value as Record<string, unknown>;
}

function text(value: unknown, field: string, max = 64): string {
  if (value === undefined || value === null || value === '') throw missing(field);
  if (typeof value !== 'string' || value.length > max) throw invalid(field);
  return value;
}

function id(value: unknown, field: string): number {
  if (value === undefined || value === null) throw missing(field);
  const n = Number(value);
  if (!Number.isSafeInteger(n) || !/^\d{12}$/.test(String(n))) throw invalid(field);
  return n;
}

function tagList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((t) => typeof t !== 'string' || t === '' || t.length > 128)) throw invalid(field);
  return [...(value as string[])].sort();
}

export function operations(backend: InstanceBackend, track: (work: Promise<void>) => void) {
  const servers: SakuraServer[] = [];
  const disks: SakuraDisk[] = [];
  let lastId = 113000000000;
  const nextId = () => ++lastId;
  const now = () => new Date().toISOString();

  const serverOf = (r: Request, serverId: number) => servers.find((s) => s.id === serverId && s.accessToken === r.account.accessToken && s.zone === r.zone);
  const diskOf = (r: Request, diskId: number) => disks.find((d) => d.id === diskId && d.accessToken === r.account.accessToken && d.zone === r.zone);
  const mustServer = (r: Request) => serverOf(r, r.ids[0]!) ?? throwing(notFound());
  const mustDisk = (r: Request) => diskOf(r, r.ids[0]!) ?? throwing(notFound());

  function diskView(d: SakuraDisk): Record<string, unknown> {
    const server = servers.find((s) => s.id === d.serverId);
    return {
      ID: d.id,
      Name: d.name,
      Description: d.description,
      Tags: d.tags,
      Availability: d.availability,
      Connection: d.connection,
      SizeMB: d.sizeMB,
      Plan: { ID: d.planId, Name: DISK_PLANS[d.planId] },
      SourceArchive: { ID: d.archiveId },
      Server: server ? { ID: server.id, Name: server.name } : null,
      CreatedAt: d.createdAt,
    };
  }

  function serverView(s: SakuraServer): Record<string, unknown> {
    const shared = s.nic.switchId === null;
    return {
      ID: s.id,
      Name: s.name,
      Description: s.description,
      Tags: s.tags,
      Availability: 'available',
      InterfaceDriver: 'virtio',
      // Plan ids as iaas-api-go's fake numbers them: generation, memory (GB), cores.
      ServerPlan: { ID: 200000000 + (s.plan.memoryMB / 1024) * 1000 + s.plan.cpu, Name: `${s.plan.cpu}Core-${s.plan.memoryMB / 1024}GB`, CPU: s.plan.cpu, MemoryMB: s.plan.memoryMB, GPU: 0, Commitment: s.plan.commitment, Generation: 200 },
      Zone: { ID: ZONE_IDS[s.zone], Name: s.zone },
      Instance: { Status: s.status },
      Disks: disks.filter((d) => d.serverId === s.id).map((d, i) => ({ ID: d.id, Name: d.name, Availability: d.availability, Connection: d.connection, ConnectionOrder: i + 1, SizeMB: d.sizeMB, Plan: { ID: d.planId } })),
      Interfaces: [
        {
          ID: s.nic.id,
          MACAddress: s.nic.mac,
          IPAddress: shared ? s.machine.host.ip : null,
          UserIPAddress: s.nic.userIPAddress,
          Switch: shared ? { ID: SHARED_SEGMENT_ID, Name: 'スイッチ', Scope: 'shared' } : { ID: s.nic.switchId, Scope: 'user' },
        },
      ],
      CreatedAt: s.createdAt,
    };
  }

  function boot(s: SakuraServer) {
    const userData = disks.find((d) => d.serverId === s.id)?.userData;
    track(
      sleep(SETTLE_MS).then(() => {
        if (s.deleting) return;
        s.status = 'up';
        // A boothook that fails leaves the machine up (its console says why), as on Sakura.
        if (userData) track(backend.boot(s.machine, userData).catch(() => {}));
      }),
    );
  }

  const handlers: Record<string, (r: Request) => Answer | Promise<Answer>> = {
    'Server.Read': (r) => ({ payload: { Server: serverView(mustServer(r)) } }),

    async 'Server.Create'(r) {
      const p = object(r.body.Server, 'Server');
      const name = text(p.Name, 'Server.Name');
      const plan = object(p.ServerPlan, 'Server.ServerPlan');
      const cpu = Number(plan.CPU);
      const memoryMB = Number(plan.MemoryMB);
      if (!CORES.includes(cpu) || !MEMORY_GB.includes(memoryMB / 1024)) throw noSuch('Server.ServerPlan');
      const commitment = plan.Commitment ?? 'standard';
      if (commitment !== 'standard' && commitment !== 'dedicatedcpu') throw invalid('Server.ServerPlan.Commitment');
      const switches = p.ConnectedSwitches;
      if (!Array.isArray(switches) || switches.length !== 1) throw invalid('Server.ConnectedSwitches');
      const to = object(switches[0], 'Server.ConnectedSwitches[0]');
      let switchId: number | null = null;
      if (to.Scope !== 'shared') {
        switchId = id(to.ID, 'Server.ConnectedSwitches[0].ID');
        if (r.zone !== r.account.zone || !r.account.switches.includes(String(switchId))) throw noSuch('Server.ConnectedSwitches[0].ID');
      }
      if (p.InterfaceDriver !== undefined && p.InterfaceDriver !== 'virtio' && p.InterfaceDriver !== 'e1000') throw invalid('Server.InterfaceDriver');
      const server: SakuraServer = {
        id: nextId(),
        accessToken: r.account.accessToken,
        zone: r.zone,
        name,
        description: typeof p.Description === 'string' ? p.Description : '',
        tags: tagList(p.Tags, 'Server.Tags'),
        plan: { cpu, memoryMB, commitment },
        status: 'down',
        nic: { id: nextId(), mac: `9c:a3:ba:${randomBytes(3).toString('hex').match(/../g)!.join(':')}`, switchId, userIPAddress: null },
        respondsToAcpi: true,
        deleting: false,
        createdAt: now(),
        machine: await backend.create(),
      };
      servers.push(server);
      return { status: 201, payload: { Server: serverView(server) } };
    },

    'Server.Boot'(r) {
      const s = mustServer(r);
      if (s.status !== 'down' || s.deleting) throw conflict('server_power_must_be_down', 'サーバが起動中にはこの操作を行えません。');
      const variables = r.body.UserBootVariables;
      if (variables !== undefined) {
        const userData = object(object(variables, 'UserBootVariables').CloudInit, 'UserBootVariables.CloudInit').UserData;
        if (typeof userData !== 'string') throw invalid('UserBootVariables.CloudInit.UserData');
        const disk = disks.find((d) => d.serverId === s.id);
        if (disk) disk.userData = userData;
      }
      boot(s);
      return { payload: { Success: true } };
    },

    'Server.Shutdown'(r) {
      const s = mustServer(r);
      if (s.status !== 'up') throw conflict('server_power_must_be_up', 'サーバが停止中にはこの操作を行えません。');
      if (r.body.Force === true || s.respondsToAcpi) track(backend.halt(s.machine).then(() => void (s.status = 'down')));
      return { payload: { Success: true } };
    },

    'Server.Delete'(r) {
      const s = mustServer(r);
      if (s.status !== 'down') throw conflict('server_power_must_be_down', 'サーバが起動中にはこの操作を行えません。');
      const withDisk = r.body.WithDisk ?? [];
      if (!Array.isArray(withDisk)) throw invalid('WithDisk');
      const doomed = withDisk.map((d, i) => disks.find((disk) => disk.id === Number(d) && disk.serverId === s.id) ?? throwing(noSuch(`WithDisk[${i}]`)));
      if (!s.deleting) {
        s.deleting = true;
        track(
          backend.destroy(s.machine).then(() => {
            servers.splice(servers.indexOf(s), 1);
            for (const d of disks.filter((disk) => disk.serverId === s.id)) d.serverId = null;
            for (const d of doomed) disks.splice(disks.indexOf(d), 1);
          }),
        );
      }
      return { payload: { Server: serverView(s) } };
    },

    'Disk.Read': (r) => ({ payload: { Disk: diskView(mustDisk(r)) } }),

    'Disk.Create'(r) {
      const p = object(r.body.Disk, 'Disk');
      const name = text(p.Name, 'Disk.Name');
      const planId = Number(object(p.Plan, 'Disk.Plan').ID);
      if (!DISK_PLANS[planId]) throw noSuch('Disk.Plan.ID');
      const sizeMB = Number(p.SizeMB);
      if (!Number.isInteger(sizeMB) || sizeMB < 20480 || sizeMB % 1024 !== 0) throw invalid('Disk.SizeMB');
      const connection = p.Connection ?? 'virtio';
      if (connection !== 'virtio' && connection !== 'ide') throw invalid('Disk.Connection');
      const archiveId = id(object(p.SourceArchive, 'Disk.SourceArchive').ID, 'Disk.SourceArchive.ID');
      if (r.zone !== r.account.zone || !r.account.archives.includes(String(archiveId))) throw noSuch('Disk.SourceArchive.ID');
      const disk: SakuraDisk = {
        id: nextId(),
        accessToken: r.account.accessToken,
        zone: r.zone,
        name,
        description: typeof p.Description === 'string' ? p.Description : '',
        tags: tagList(p.Tags, 'Disk.Tags'),
        planId,
        sizeMB,
        connection,
        archiveId,
        availability: 'migrating',
        serverId: null,
        userData: null,
        createdAt: now(),
      };
      disks.push(disk);
      // The archive's copy finishes a while after the answer.
      track(sleep(SETTLE_MS).then(() => void (disk.availability = 'available')));
      return { status: 202, payload: { Disk: diskView(disk), Success: 'Accepted' } };
    },

    'Disk.Delete'(r) {
      const d = mustDisk(r);
      if (d.serverId !== null) throw conflict('disconnect_b4_delete', 'サーバとの接続を切り離した後に実行してください。');
      disks.splice(disks.indexOf(d), 1);
      return { payload: { Disk: diskView(d) } };
    },

    'Disk.ConnectToServer'(r) {
      const d = mustDisk(r);
      const s = serverOf(r, r.ids[1]!) ?? throwing(noSuch('server'));
      if (d.availability !== 'available') throw conflict('disk_is_not_available', 'ディスクが利用可能な状態ではありません。コピー処理等の完了後に再度お試しください。');
      if (d.serverId !== null) throw conflict('res_already_connected', 'このリソースは他のリソースと既に接続されています。');
      if (s.status !== 'down') throw conflict('server_power_must_be_down', 'サーバが起動中にはこの操作を行えません。');
      d.serverId = s.id;
      return { payload: { Success: true } };
    },

    'Interface.Update'(r) {
      const s = servers.find((x) => x.nic.id === r.ids[0] && x.accessToken === r.account.accessToken && x.zone === r.zone) ?? throwing(notFound());
      const address = object(r.body.Interface, 'Interface').UserIPAddress;
      if (address !== null && (typeof address !== 'string' || !/^(\d{1,3}\.){3}\d{1,3}$/.test(address))) throw invalid('Interface.UserIPAddress');
      s.nic.userIPAddress = address;
      return { payload: { Interface: (serverView(s).Interfaces as unknown[])[0] } };
    },

    'Switch.Read'(r) {
      if (r.zone !== r.account.zone || !r.account.switches.includes(String(r.ids[0]))) throw notFound();
      return { payload: { Switch: { ID: r.ids[0], Name: 'ocs-switch', Scope: 'user', Zone: { ID: ZONE_IDS[r.zone], Name: r.zone } } } };
    },

    'Archive.Read'(r) {
      if (r.zone !== r.account.zone || !r.account.archives.includes(String(r.ids[0]))) throw notFound();
      return { payload: { Archive: { ID: r.ids[0], Name: 'ocs-node', Scope: 'user', Availability: 'available', Tags: ['cloud-init'] } } };
    },

    'AuthStatus.Read': (r) => ({ payload: { Account: { ID: 112900000001, Code: r.account.accessToken.slice(0, 8), Class: 'account' }, AuthClass: 'account', AuthMethod: 'apikey', IsAPIKey: true, Permission: 'create' } }),
  };

  /** The servers and disks of the caller's account and zone, as find lists them. */
  const owned = (r: Request): Record<string, Record<string, unknown>[]> => ({
    Servers: servers.filter((s) => s.accessToken === r.account.accessToken && s.zone === r.zone).map(serverView),
    Disks: disks.filter((d) => d.accessToken === r.account.accessToken && d.zone === r.zone).map(diskView),
  });

  return { handlers, owned, servers, disks };
}

function throwing(fault: SakuraFault): never {
  throw fault;
}
