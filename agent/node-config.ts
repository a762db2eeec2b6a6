// What a node's folder tells its agent: <stateDir>/node.json (who it is and where the portal is),
// bootstrap-token (one-time, written by whoever installed the agent) and credential.json (what
// the portal gave in exchange; the folder is the node user's alone).
import { lstatSync, mkdirSync, type Stats } from 'node:fs';
import { lstat, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

export const nodeConfigSchema = z.object({
  name: z.string().min(1),
  /** The node's own address: applications listen and are probed on it. */
  ip: z.ipv4(),
  /** Where the agent dials home. */
  portalUrl: z.url(),
  tags: z.record(z.string(), z.string()).default({}),
});

export type NodeConfig = z.infer<typeof nodeConfigSchema>;

const credentialSchema = z.object({ nodeId: z.string(), credential: z.string() });
export type Credential = z.infer<typeof credentialSchema>;

export const BOOTSTRAP_TOKEN_FILE = 'bootstrap-token';
const CREDENTIAL_FILE = 'credential.json';

/**
 * The node's short folder for sockets (NODE_PLACEHOLDERS.nodeRunDir): made with its applications
 * (makeNodeRunDir), removed with them. Not in $XDG_RUNTIME_DIR: logind removes that folder when the
 * user's last session ends (such as the SSH session that started the agent), and the sockets of
 * the daemons still running with it; and whoever removes the node (`ocs-agent remove`, the local
 * provider) must find the same path without the agent's environment.
 */
export function nodeRunDir(nodeName: string): string {
  return path.join(os.tmpdir(), nodeName);
}

/**
 * Makes the node's run folder unless it is there; one that is there must be the node user's alone.
 * Its name shows in `ps`: another user of the machine could make it first and so own the sockets
 * placed in it (MUNGE's, which Slurm trusts). Once it is ours, the temporary folder's sticky bit
 * keeps others from replacing it. Throws saying why it cannot be used.
 */
export function makeNodeRunDir(nodeName: string): void {
  const dir = nodeRunDir(nodeName);
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const why = notPrivate(lstatSync(dir));
  if (why) throw new Error(`the node's run folder ${dir} cannot be used: ${why}`);
}

function notPrivate(stat: Stats): string | null {
  const uid = process.getuid!();
  if (stat.isSymbolicLink()) return 'it is a symbolic link';
  if (!stat.isDirectory()) return 'it is not a folder';
  if (stat.uid !== uid) return `it belongs to user ${stat.uid}, not to this node's user (${uid})`;
  if (stat.mode & 0o077) return `other users may use it (mode ${(stat.mode & 0o777).toString(8)}, not 700)`;
  return null;
}

/** Removes the node's run folder when it is the node user's: one another user made was never used, nor is it ours to empty. */
export async function removeNodeRunDir(nodeName: string): Promise<void> {
  const dir = nodeRunDir(nodeName);
  const stat = await lstat(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  if (stat?.isDirectory() && stat.uid === process.getuid!()) await rm(dir, { recursive: true, force: true });
}

export async function readNodeConfig(stateDir: string): Promise<NodeConfig> {
  return nodeConfigSchema.parse(JSON.parse(await readFile(path.join(stateDir, 'node.json'), 'utf8')));
}

async function readIfExists(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

export async function readBootstrapToken(stateDir: string): Promise<string | null> {
  return (await readIfExists(path.join(stateDir, BOOTSTRAP_TOKEN_FILE)))?.trim() || null;
}

export async function readCredential(stateDir: string): Promise<Credential | null> {
  const raw = await readIfExists(path.join(stateDir, CREDENTIAL_FILE));
  return raw === null ? null : credentialSchema.parse(JSON.parse(raw));
}

/** Kept before the token is forgotten: a crash in between leaves a usable credential, never neither. */
export async function saveCredential(stateDir: string, credential: Credential): Promise<void> {
  const file = path.join(stateDir, CREDENTIAL_FILE);
  await writeFile(`${file}.tmp`, JSON.stringify(credential), { mode: 0o600 });
  await rename(`${file}.tmp`, file);
  await rm(path.join(stateDir, BOOTSTRAP_TOKEN_FILE), { force: true });
}

export async function forgetCredential(stateDir: string): Promise<void> {
  await rm(path.join(stateDir, CREDENTIAL_FILE), { force: true });
}
