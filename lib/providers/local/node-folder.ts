// A local node's state folder: `<stateRoot>/<name>/` holds node.json (identity read by the agent),
// agent.pid, agent.log, the powered-off marker, the agent's bootstrap token or credential, and
// its own apps.json and apps/ (logs and pids).
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

// What the agent reads (agent/node-config.ts), plus the provider's own createdAt. Folders made
// before the agent dialled home have no portalUrl; a power on or create writes it.
const nodeFileSchema = z.object({
  name: z.string(),
  ip: z.string(),
  portalUrl: z.string().default(''),
  tags: z.record(z.string(), z.string()),
  createdAt: z.string(),
});

export type NodeFile = z.infer<typeof nodeFileSchema>;

/** Names become folder names; a leading dot is reserved for the provider's own folders (.ips). */
export const nodeNamePattern = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

export class NodeFolder {
  readonly dir: string;

  constructor(
    stateRoot: string,
    readonly name: string,
  ) {
    this.dir = path.join(stateRoot, name);
  }

  get logFile(): string {
    return path.join(this.dir, 'agent.log');
  }

  private get nodeFile(): string {
    return path.join(this.dir, 'node.json');
  }

  private get pidFile(): string {
    return path.join(this.dir, 'agent.pid');
  }

  private get poweredOffMarker(): string {
    return path.join(this.dir, 'powered-off');
  }

  /** The folder, the node's user's alone: its agent keeps the applications' environment (secrets among it) here. */
  async create(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  /** null when the node does not exist (or its creation never got as far as node.json). */
  async readNode(): Promise<NodeFile | null> {
    const raw = await readIfExists(this.nodeFile);
    return raw === null ? null : nodeFileSchema.parse(JSON.parse(raw));
  }

  async writeNode(node: NodeFile): Promise<void> {
    // Written whole or not at all: a crash must not leave a half-written identity.
    const tmp = `${this.nodeFile}.tmp`;
    await writeFile(tmp, `${JSON.stringify(node, null, 2)}\n`, { mode: 0o600 });
    await rename(tmp, this.nodeFile);
  }

  async readPid(): Promise<number | null> {
    const raw = await readIfExists(this.pidFile);
    const pid = raw === null ? NaN : Number(raw.trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  }

  async writePid(pid: number): Promise<void> {
    await writeFile(this.pidFile, `${pid}\n`, { mode: 0o600 });
  }

  async isPoweredOff(): Promise<boolean> {
    return (await readIfExists(this.poweredOffMarker)) !== null;
  }

  async setPoweredOff(poweredOff: boolean): Promise<void> {
    if (poweredOff) await writeFile(this.poweredOffMarker, `${new Date().toISOString()}\n`, { mode: 0o600 });
    else await rm(this.poweredOffMarker, { force: true });
  }

  /** Last non-empty line of the agent's log, to explain why it is not running. */
  async lastLogLine(): Promise<string | null> {
    const raw = await readIfExists(this.logFile);
    return raw?.trimEnd().split('\n').at(-1) || null;
  }

  async remove(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // ENOTDIR: the "node" is a stray file in the state root, not a node folder.
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}
