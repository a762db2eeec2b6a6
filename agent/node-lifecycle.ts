// Power off and removal of a node, with or without its agent running: what the local provider
// calls in-process and what `ocs-agent stop|remove` runs on a host over SSH.
import { detectContainerEngine, type NodeContainers } from './containers';
import { readNodeConfig } from './node-config';
import { stopAgent, stopNodeApplications } from './node-processes';

async function containersOf(stateDir: string): Promise<NodeContainers | null> {
  const node = await readNodeConfig(stateDir).catch(() => null);
  const engine = node ? await detectContainerEngine() : null;
  return node && engine ? engine.forNode({ name: node.name, ip: node.ip }) : null;
}

/** Stops the agent first (it would restart what stops), then the node's processes and containers; keeps everything else. */
export async function powerOffNode(stateDir: string): Promise<void> {
  await stopAgent(stateDir);
  await stopNodeApplications(stateDir);
  await (await containersOf(stateDir))?.stopAll();
}

/** As power off, and the node's containers and volumes go too; the folder is the caller's to remove. */
export async function removeNodeWorkloads(stateDir: string): Promise<void> {
  const containers = await containersOf(stateDir);
  await stopAgent(stateDir);
  await stopNodeApplications(stateDir);
  await containers?.removeAll();
}
