// Power off and removal of a node, with or without its agent running: what the local provider
// calls in-process and what `ocs-agent stop|remove` runs on a host over SSH.
import { detectContainerEngine, type NodeContainers } from './containers';
import { authorizedKeysFile, keepNodeKeys } from './login';
import { readNodeConfig, removeNodeRunDir } from './node-config';
import { stopAgent, stopNodeApplications } from './node-processes';
import { hasOverlayKey, removeOverlayInterface } from './overlay/overlay';

async function containersOf(stateDir: string): Promise<NodeContainers | null> {
  const node = await readNodeConfig(stateDir).catch(() => null);
  const engine = node ? await detectContainerEngine() : null;
  return node && engine ? engine.forNode({ name: node.name, ip: node.ip }) : null;
}

/** Its private network interface, when it has one (the agent makes it again when it starts). */
async function removeInterface(stateDir: string): Promise<void> {
  const node = await readNodeConfig(stateDir).catch(() => null);
  if (node && (await hasOverlayKey(stateDir))) await removeOverlayInterface(node.name);
}

/** Members' keys: nobody logs in to a node that is off or gone (the agent puts them back when it starts). */
async function removeKeys(stateDir: string): Promise<void> {
  const node = await readNodeConfig(stateDir).catch(() => null);
  if (node) await keepNodeKeys(authorizedKeysFile(), node.name, []);
}

/** Stops the agent first (it would restart what stops), then the node's processes, containers, network interface and members' keys; keeps everything else. */
export async function powerOffNode(stateDir: string): Promise<void> {
  await stopAgent(stateDir);
  await stopNodeApplications(stateDir);
  await (await containersOf(stateDir))?.stopAll();
  await removeInterface(stateDir);
  await removeKeys(stateDir);
}

/** As power off, and the node's containers and volumes go too; the folder is the caller's to remove. */
export async function removeNodeWorkloads(stateDir: string): Promise<void> {
  const containers = await containersOf(stateDir);
  await stopAgent(stateDir);
  await stopNodeApplications(stateDir);
  await containers?.removeAll();
  await removeInterface(stateDir);
  await removeKeys(stateDir);
  const node = await readNodeConfig(stateDir).catch(() => null);
  if (node) await removeNodeRunDir(node.name);
}
