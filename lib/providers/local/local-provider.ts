// The `local` provider: every node is a real node-agent process on this machine with its own
// loopback address (like a VM with its own IP; its applications listen there) and its own folder.
// The agent dials home to the portal like on any other machine.
import type { Dirent } from 'node:fs';
import { readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BOOTSTRAP_TOKEN_FILE, readCredential } from '../../../agent/node-config';
import { powerOffNode, removeNodeWorkloads } from '../../../agent/node-lifecycle';
import {
  ProviderError,
  type AgentBootstrap,
  type CreateNodeRequest,
  type Flavor,
  type NodeResource,
  type Provider,
  type ResourceState,
} from '../types';
import { findRepoRoot } from '@/lib/repo-root';
import { runningAgent, spawnAgent, stopNodeProcesses } from './agent-process';
import { IpClaims, isLoopback, parseSubnet } from './ip-allocation';
import { NodeFolder, nodeNamePattern, type NodeFile } from './node-folder';
import { NodeLocks } from './node-lock';
import { LOCAL_PROVIDER } from './flavors';

const DEFAULT_SUBNET = '127.77.0.0/16';

export interface LocalProviderOptions {
  /** Folder holding one sub-folder per node (default `<repo>/.data/nodes`). */
  stateRoot?: string;
  /** Loopback CIDR node addresses are taken from (default 127.77.0.0/16). */
  subnet?: string;
}

export function createLocalProvider(options: LocalProviderOptions = {}): Provider {
  return new LocalProvider(options);
}

let singleton: Provider | undefined;

/** The provider the portal and workers use, configured by OCS_LOCAL_STATE_DIR and OCS_LOCAL_SUBNET. */
export function localProvider(): Provider {
  singleton ??= createLocalProvider({
    stateRoot: process.env.OCS_LOCAL_STATE_DIR,
    subnet: process.env.OCS_LOCAL_SUBNET,
  });
  return singleton;
}

class LocalProvider implements Provider {
  readonly id = LOCAL_PROVIDER.id;
  readonly label = LOCAL_PROVIDER.label;
  private readonly stateRoot: string;
  private readonly claims: IpClaims;
  /** Serialises create/power/delete per node, across processes too. */
  private readonly locks = new NodeLocks();
  /** Nodes whose agent this process is starting right now. */
  private readonly starting = new Set<string>();

  constructor(options: LocalProviderOptions) {
    this.stateRoot = path.resolve(options.stateRoot || path.join(findRepoRoot(), '.data', 'nodes'));
    this.claims = new IpClaims(path.join(this.stateRoot, '.ips'), parseSubnet(options.subnet || DEFAULT_SUBNET));
  }

  flavors(): Flavor[] {
    return LOCAL_PROVIDER.flavors;
  }

  createNode(req: CreateNodeRequest): Promise<NodeResource> {
    if (!nodeNamePattern.test(req.name)) {
      const message = `invalid node name "${req.name}": use letters, digits, '.', '_' and '-'`;
      return Promise.reject(new ProviderError('local', 'invalid_request', message, false));
    }
    const folder = this.folder(req.name);
    return this.locks.run(folder.dir, async () => {
      const node = (await folder.readNode()) ?? (await this.initialise(folder, req));
      if (req.ipAddress && node.ip !== req.ipAddress) {
        throw new ProviderError(
          'local',
          'conflict',
          `node ${req.name} already exists with address ${node.ip}, not the requested ${req.ipAddress}`,
          false,
        );
      }
      // Creating is "make sure it exists and runs": a retry after a crash must end with a running node.
      await folder.setPoweredOff(false);
      await this.writeAgentSettings(folder, node, req.agent);
      return this.ensureRunning(folder, node);
    });
  }

  async describeNode(resourceId: string): Promise<NodeResource | null> {
    if (!nodeNamePattern.test(resourceId)) return null;
    const folder = this.folder(resourceId);
    const node = await folder.readNode();
    if (!node) return null;
    if (await folder.isPoweredOff()) return this.resource(node, 'stopped');
    // Whether the agent got through to the portal is the portal's to say (lib/agent-channel).
    if (this.starting.has(node.name) || (await runningAgent(folder)) !== null) return this.resource(node, 'running');
    const lastLine = await folder.lastLogLine();
    return {
      ...this.resource(node, 'error'),
      reason: `The node agent is not running${lastLine ? ` (last log line: ${lastLine})` : ''}. Its log is ${folder.logFile}.`,
    };
  }

  powerOff(resourceId: string): Promise<void> {
    return this.withExistingNode(resourceId, async (folder) => {
      await this.stopNode(folder, { remove: false });
      // Marked only once everything is gone, so 'stopped' always means stopped.
      await folder.setPoweredOff(true);
    });
  }

  powerOn(resourceId: string): Promise<NodeResource> {
    return this.withExistingNode(resourceId, async (folder, node) => {
      await folder.setPoweredOff(false);
      return this.ensureRunning(folder, node);
    });
  }

  async deleteNode(resourceId: string): Promise<void> {
    if (!nodeNamePattern.test(resourceId)) return;
    const folder = this.folder(resourceId);
    await this.locks.run(folder.dir, async () => {
      await this.stopNode(folder, { remove: true });
      await folder.remove();
      // Also frees a claim left by a creation that crashed before writing node.json.
      for (const ip of await this.claims.ownedBy(resourceId)) await this.claims.release(ip);
    });
  }

  async listResources(tags: Record<string, string>): Promise<NodeResource[]> {
    let entries: Dirent[];
    try {
      entries = await readdir(this.stateRoot, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const names = entries.filter((e) => e.isDirectory() && nodeNamePattern.test(e.name)).map((e) => e.name);
    const nodes = await Promise.all(names.map((name) => this.describeNode(name)));
    return nodes.filter(
      (node): node is NodeResource =>
        node !== null && Object.entries(tags).every(([key, value]) => node.tags[key] === value),
    );
  }

  /** First creation: claim an address and write node.json. */
  private async initialise(folder: NodeFolder, req: CreateNodeRequest): Promise<NodeFile> {
    const ip = await this.claimAddress(req);
    await folder.create();
    const node: NodeFile = {
      name: req.name,
      ip,
      portalUrl: req.agent.portalUrl,
      tags: req.tags,
      createdAt: new Date().toISOString(),
    };
    await folder.writeNode(node);
    return node;
  }

  private async claimAddress(req: CreateNodeRequest): Promise<string> {
    const previous = await this.claims.ownedBy(req.name);
    const wanted = req.ipAddress;
    if (!wanted) {
      // A creation that crashed after claiming left this address to us.
      if (previous.length > 0) return previous[0];
      return this.claims.allocate(req.name);
    }
    if (!isLoopback(wanted)) {
      throw new ProviderError('local', 'invalid_request', `${wanted} is not a loopback address (127.0.0.0/8)`, false);
    }
    if (!(await this.claims.claim(wanted, req.name))) {
      throw new ProviderError('local', 'ip_taken', `address ${wanted} is already used by another node`, false);
    }
    for (const ip of previous) if (ip !== wanted) await this.claims.release(ip);
    return wanted;
  }

  /** Where the portal is, and the one-time token unless the agent already holds its credential. */
  private async writeAgentSettings(folder: NodeFolder, node: NodeFile, agent: AgentBootstrap): Promise<void> {
    if (node.portalUrl !== agent.portalUrl) await folder.writeNode({ ...node, portalUrl: agent.portalUrl });
    const tokenFile = path.join(folder.dir, BOOTSTRAP_TOKEN_FILE);
    if (await readCredential(folder.dir)) await rm(tokenFile, { force: true });
    else await writeFile(tokenFile, `${agent.bootstrapToken}\n`, { mode: 0o600 });
  }

  /** Starts the agent unless it already runs. */
  private async ensureRunning(folder: NodeFolder, node: NodeFile): Promise<NodeResource> {
    this.starting.add(node.name);
    try {
      if ((await runningAgent(folder)) === null) {
        // Whatever a crashed agent of an older kind left in its group goes with it.
        const pid = await folder.readPid();
        if (pid !== null) await stopNodeProcesses(pid, folder.dir);
        await spawnAgent(folder);
      }
      return this.resource(node, 'running');
    } finally {
      this.starting.delete(node.name);
    }
  }

  /** The agent first (it would restart what stops), then the applications it leaves running, and on delete their containers. */
  private async stopNode(folder: NodeFolder, { remove }: { remove: boolean }): Promise<void> {
    // The agent's process group: also what an agent from before detached applications ran.
    const pid = (await runningAgent(folder)) ?? (await folder.readPid());
    if (pid !== null) await stopNodeProcesses(pid, folder.dir);
    await (remove ? removeNodeWorkloads(folder.dir) : powerOffNode(folder.dir));
  }

  private resource(node: NodeFile, state: ResourceState): NodeResource {
    return { resourceId: node.name, name: node.name, ipAddress: node.ip, state, tags: node.tags };
  }

  private folder(name: string): NodeFolder {
    return new NodeFolder(this.stateRoot, name);
  }

  private withExistingNode<T>(resourceId: string, task: (folder: NodeFolder, node: NodeFile) => Promise<T>): Promise<T> {
    const notFound = () => new ProviderError('local', 'not_found', `there is no local node "${resourceId}"`, false);
    if (!nodeNamePattern.test(resourceId)) return Promise.reject(notFound());
    const folder = this.folder(resourceId);
    return this.locks.run(folder.dir, async () => {
      const node = await folder.readNode();
      if (!node) throw notFound();
      return task(folder, node);
    });
  }
}
