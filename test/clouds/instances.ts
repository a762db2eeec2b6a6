// The cloud emulator's instances: each is a real namespace host (test/hosts) on the test's own
// network that runs its user data the way cloud-init runs a boothook: at every boot, as root, with
// the instance's own home folder. Stopping one stops what its user data started (the node agents
// and their applications, as a shutdown would); starting it boots it again; terminating it removes
// the host with everything on it.
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { stopAgent, stopNodeApplications } from '@/agent/node-processes';
import type { HostNetwork, NamespaceHost } from '@/test/hosts';

export interface EmulatedInstance {
  readonly host: NamespaceHost;
  /** The instance's home: what its user data installs goes here ($HOME). */
  readonly home: string;
  /** The output of its last boot. */
  bootLog: string;
}

export interface InstanceBackend {
  /** A new machine with its own address; not booted yet. */
  create(): Promise<EmulatedInstance>;
  /** Runs the user data as a boothook; rejects when the script fails (as a boot that fails its boothook shows in the console log). */
  boot(instance: EmulatedInstance, userData: string): Promise<void>;
  /** What was started is stopped; the files stay. */
  halt(instance: EmulatedInstance): Promise<void>;
  /** Gone, with everything on it. */
  destroy(instance: EmulatedInstance): Promise<void>;
}

// The engine's socket is in the host's folder, not at /var/run/docker.sock where a VM has it: its address goes in the environment.
const engineEnv = (instance: EmulatedInstance) => (instance.host.containerEngine ? [`DOCKER_HOST=${instance.host.dockerHost}`] : []);

/** Instances on `network`; with `containerEngine`, each has Podman serving the Docker API (test/hosts). */
export function instanceBackend(network: HostNetwork, options: { containerEngine?: boolean } = {}): InstanceBackend {
  return {
    async create() {
      const host = await network.addHost({ authorizedKeys: [] });
      if (options.containerEngine) await host.startContainerEngine();
      const home = path.join(host.dir, 'home');
      await mkdir(home, { recursive: true });
      return { host, home, bootLog: '' };
    },

    async boot(instance, userData) {
      const res = await instance.host.exec(['env', `HOME=${instance.home}`, ...engineEnv(instance), 'sh', '-c', userData]);
      instance.bootLog = `${res.stdout}${res.stderr}`;
      if (res.code !== 0) throw new Error(`user data exited with ${res.code}: ${instance.bootLog.trim().split('\n').slice(-3).join(' | ')}`);
    },

    async halt(instance) {
      const nodes = path.join(instance.home, '.ocs-portal', 'nodes');
      let names: string[];
      try {
        names = readdirSync(nodes);
      } catch {
        return;
      }
      for (const name of names) {
        const dir = path.join(nodes, name);
        // As a shutdown would: the agent's own stop takes its applications and containers down too.
        const res = await instance.host.exec(['env', ...engineEnv(instance), 'sh', '-c', 'node "$(cat "$1/agent-file")" stop --state-dir "$1"', 'halt', dir]);
        if (res.code !== 0) {
          await stopAgent(dir);
          await stopNodeApplications(dir);
        }
      }
    },

    async destroy(instance) {
      await this.halt(instance);
      await network.removeHost(instance.host);
    },
  };
}
