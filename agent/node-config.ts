// What a node's folder tells its agent: <stateDir>/node.json (who it is and where the portal is),
// bootstrap-token (one-time, written by whoever installed the agent) and credential.json (what
// the portal gave in exchange; the folder is the node user's alone).
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
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

/** The node's short folder for sockets (NODE_PLACEHOLDERS.nodeRunDir): made with its applications, removed with them. */
export function nodeRunDir(nodeName: string): string {
  return path.join(os.tmpdir(), nodeName);
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
