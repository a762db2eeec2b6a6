// vcsim simulates VMs but runs nothing (0.24 can back a VM with a Docker container, which neither
// runs user data nor exists on these machines). This bridge gives vcsim's VMs real machines: it
// watches vcsim through vim25 as any client would (a ContainerView of every VM, read through the
// PropertyCollector) and plays the two things a real guest does that vCenter only reports:
//   - cloud-init's VMware datasource: a VM powered on whose extraConfig carries guestinfo.userdata
//     (with guestinfo.userdata.encoding base64 or gzip+base64) boots a namespace host
//     (test/clouds/instances.ts) running that user data, at every boot (a new
//     summary.runtime.bootTime); powered off, the host halts; gone (destroyed), the host goes;
//   - VMware Tools: once the user data ran, it reports the host's address and that Tools run, the
//     way vcsim lets a guest's properties be set (ReconfigVM_Task with extraConfig
//     SET.guest.ipAddress / SET.guest.toolsRunningStatus), and clears them when the host halts.
// So the address the driver reads (guest.ipAddress) is the machine's own, as Tools would report
// it, and the agent that dials home runs on that machine. VMs without guestinfo.userdata (the
// model's own) get no machine.
import { gunzipSync } from 'node:zlib';
import { setTimeout as sleep } from 'node:timers/promises';
import { VmwareFault } from '@/lib/providers/vmware/errors';
import { el, moref, text, type Moref } from '@/lib/providers/vmware/soap';
import { Vcenter, type Props, type VcenterSettings } from '@/lib/providers/vmware/vcenter';
import { backgroundWork } from '../facade-kit';
import type { EmulatedInstance, InstanceBackend } from '../instances';

interface Machine {
  vm: Moref;
  name: string;
  instance: EmulatedInstance | null;
  /** The boot (summary.runtime.bootTime) the host's user data ran for; null while halted. */
  bootedFor: string | null;
  /** What the last boot failed with, if it did. */
  bootError: string | null;
  busy: boolean;
}

export interface VsphereBridge {
  /** The machine of each VM that ever had one, by VM name (a destroyed VM's has instance null). */
  readonly machines: Map<string, Machine>;
  /** Resolves once every change vcsim shows at this moment has been carried out. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const PATHS = ['name', 'runtime.powerState', 'summary.runtime.bootTime', 'config.extraConfig'];

/** The user data the guest would read, as cloud-init's VMware datasource decodes it (the last value of a key wins). */
function userDataOf(p: Props): string | null {
  const options = new Map((p.get('config.extraConfig')?.children ?? []).map((o) => [o.child('key')?.text ?? '', o.child('value')?.text ?? '']));
  const data = options.get('guestinfo.userdata');
  if (!data) return null;
  const encoding = options.get('guestinfo.userdata.encoding') ?? '';
  if (encoding === 'base64' || encoding === 'b64') return Buffer.from(data, 'base64').toString('utf8');
  if (encoding === 'gzip+base64' || encoding === 'gz+b64') return gunzipSync(Buffer.from(data, 'base64')).toString('utf8');
  return encoding ? null : data;
}

export async function startBridge(settings: VcenterSettings, backend: InstanceBackend, pollMs = 100): Promise<VsphereBridge> {
  // A session of its own: the driver's comes and goes as the driver's does.
  const vc = new Vcenter(settings);
  const { viewManager, rootFolder } = await vc.managers();
  const viewParams = moref('container', rootFolder) + text('type', 'VirtualMachine') + text('recursive', true);
  let view = (await vc.call('CreateContainerView', viewManager, viewParams)).child('returnval')!.moref;
  const machines = new Map<string, Machine>();
  const work = backgroundWork();
  let stopped = false;
  let polls = 0;
  /** Changes started so far, and changes put off because their machine was busy. */
  let started = 0;
  let deferred = 0;

  /** What VMware Tools would tell vCenter about the guest. */
  const report = (m: Machine, tools: string, ip: string) =>
    vc
      .task('ReconfigVM_Task', m.vm, el('spec', el('extraConfig', text('key', 'SET.guest.toolsRunningStatus') + text('value', tools, 'xsd:string'), 'OptionValue') + el('extraConfig', text('key', 'SET.guest.ipAddress') + text('value', ip, 'xsd:string'), 'OptionValue')))
      .catch((e: unknown) => {
        // Destroyed meanwhile: nobody asks about it any more.
        if (!(e instanceof VmwareFault && e.code === 'ManagedObjectNotFound')) throw e;
      });

  async function halt(m: Machine): Promise<void> {
    if (!m.instance || m.bootedFor === null) return;
    await backend.halt(m.instance);
    m.bootedFor = null;
    await report(m, 'guestToolsNotRunning', '');
  }

  async function boot(m: Machine, bootTime: string, userData: string): Promise<void> {
    await halt(m);
    m.instance ??= await backend.create();
    m.bootedFor = bootTime;
    try {
      await backend.boot(m.instance, userData);
      m.bootError = null;
    } catch (e) {
      // As a guest whose boothook failed: it runs, without what the user data should have started.
      m.bootError = (e as Error).message;
    }
    await report(m, 'guestToolsRunning', m.instance.host.ip);
  }

  async function destroy(m: Machine): Promise<void> {
    if (m.instance) await backend.destroy(m.instance);
    m.instance = null;
    m.bootedFor = null;
  }

  /** Starts what one VM's state asks of its machine, unless its machine is busy (the next poll sees it again). */
  function converge(m: Machine, p: Props | undefined): void {
    const power = p?.text('runtime.powerState');
    const bootTime = p?.text('summary.runtime.bootTime') ?? '';
    const userData = p ? userDataOf(p) : null;
    let change: (() => Promise<void>) | null = null;
    if (!p) change = m.instance ? () => destroy(m) : null;
    else if (power === 'poweredOn' && userData && m.bootedFor !== bootTime) change = () => boot(m, bootTime, userData);
    else if (power !== 'poweredOn' && m.bootedFor !== null) change = () => halt(m);
    if (!change) return;
    // Still carrying out the last change (a halt before the VM went): a later poll starts this one.
    if (m.busy) {
      deferred += 1;
      return;
    }
    m.busy = true;
    started += 1;
    work.track(change().finally(() => (m.busy = false)));
  }

  async function poll(): Promise<void> {
    // The view lives in a session: when vCenter ended that one, the view went with it and is made again.
    let listed = (await vc.props(view, ['view']))?.get('view');
    if (!listed) {
      view = (await vc.call('CreateContainerView', viewManager, viewParams)).child('returnval')!.moref;
      listed = (await vc.props(view, ['view']))!.get('view');
    }
    const vms = [...(await vc.retrieve('VirtualMachine', listed?.children.map((c) => c.moref) ?? [], PATHS)).values()];
    const seen = new Set<string>();
    for (const p of vms) {
      seen.add(p.obj.value);
      const name = p.text('name') ?? p.obj.value;
      let m = [...machines.values()].find((x) => x.vm.value === p.obj.value);
      if (!m && userDataOf(p)) machines.set(name, (m = { vm: p.obj, name, instance: null, bootedFor: null, bootError: null, busy: false }));
      if (m) converge(m, p);
    }
    for (const m of machines.values()) if (!seen.has(m.vm.value)) converge(m, undefined);
  }

  const loop = (async () => {
    while (!stopped) {
      await poll().catch((e: unknown) => console.error(`vSphere bridge: ${(e as Error).message}`));
      polls += 1;
      await sleep(pollMs);
    }
  })();

  return {
    machines,
    async settled() {
      // Settled once two whole polls (every VM's state read after this moment) started nothing new and put nothing off.
      for (;;) {
        const before = started + deferred;
        for (const target = polls + 2; polls < target; ) await sleep(pollMs / 2);
        await work.settled();
        if (started + deferred === before) return;
      }
    },
    async close() {
      stopped = true;
      await loop;
      await work.settled();
      for (const m of machines.values()) await destroy(m);
      await vc.logout();
    },
  };
}
