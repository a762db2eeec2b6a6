// The node agent (OCS "base container"): one per node. It dials home to the portal; nothing
// listens on the node. Commands (the bundle: lib/agent-bundle.ts; from the sources: node --import tsx agent/main.ts):
//   node ocs-agent.mjs [run] --state-dir <dir>   run the agent (node.json in <dir> says who and where the portal is)
//   node ocs-agent.mjs stop --state-dir <dir>    stop the agent and the node's applications, keep the folder (power off)
//   node ocs-agent.mjs remove --state-dir <dir>  stop them and remove the node's containers and volumes (delete)
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { Agent } from './agent';
import { ApplicationManager } from './applications';
import { detectContainerEngine } from './containers';
import { readNodeConfig } from './node-config';
import { powerOffNode, removeNodeWorkloads } from './node-lifecycle';
import { Overlay } from './overlay/overlay';
import { AGENT_VERSION } from './protocol';

const PROBE_INTERVAL_MS = 1000;
const ENGINE_SEARCH_MS = 10_000;

function log(message: string): void {
  console.log(`[${new Date().toISOString()}] ${message}`);
}

async function run(stateDir: string): Promise<void> {
  const node = await readNodeConfig(stateDir);
  // The folder holds the applications' environment (secrets among it): the node's user's alone.
  await chmod(stateDir, 0o700);
  const pidFile = path.join(stateDir, 'agent.pid');
  await writeFile(pidFile, `${process.pid}\n`, { mode: 0o600 });

  // The processes tell the agent of changes; the agent is made after them.
  let agent: Agent | undefined;
  const processes = new ApplicationManager({ name: node.name, ip: node.ip }, stateDir, log, () => void agent?.noticeChanges().catch((e: unknown) => log(`cannot tell the portal of a change yet: ${(e as Error).message}`)));
  const engine = await detectContainerEngine();
  const forNode = (e: NonNullable<typeof engine>) => e.forNode({ name: node.name, ip: node.ip, unitGroup: node.tags['ocs.unitGroupId'] });
  const containers = engine ? forNode(engine) : null;
  const overlay = new Overlay({ stateDir, nodeName: node.name, nodeIp: node.ip, log });
  agent = new Agent({ stateDir, node, processes, containers, containerEngine: engine?.description, overlay, log });
  // Stopping the agent leaves the applications running: a restarted agent adopts them.
  for (const signal of ['SIGTERM', 'SIGINT'] as const)
    process.on(signal, () => {
      log(`${signal} received; the applications keep running`);
      agent.stop();
      process.exit(0);
    });

  log(`agent ${AGENT_VERSION}: node ${node.name} (${node.ip}), portal ${node.portalUrl}, ${engine ? `containers on ${engine.description}` : 'no container engine'}`);
  await processes.restore();
  await agent.restore();
  // No engine yet (not installed, not started, or slow to answer): look again now and then.
  const engineSearch = engine
    ? undefined
    : setInterval(() => {
        void detectContainerEngine().then((found) => {
          if (!found || !agent || !engineSearch) return;
          clearInterval(engineSearch);
          log(`found a container engine: ${found.description}`);
          agent.useContainers(forNode(found), found.description);
        });
      }, ENGINE_SEARCH_MS);
  // A failed probe round (an engine that stopped answering) is logged; the agent goes on.
  const probes = setInterval(() => {
    void processes
      .probeAll()
      .then(() => agent?.probeContainers())
      .then(() => overlay.tick())
      .then(() => agent?.noticeChanges())
      .catch((e: unknown) => log(`probe round failed: ${(e as Error).message}`));
    // Beside the round, not in it: Slurm's commands may take seconds to answer.
    void agent?.readWorkQueues().catch((e: unknown) => log(`reading a work queue failed: ${(e as Error).message}`));
  }, PROBE_INTERVAL_MS);
  await agent.run();
  clearInterval(probes);
}

/** The last line says what went wrong: the provider shows it as the node's error reason. */
function fatal(err: unknown): never {
  if (err instanceof Error && err.stack) log(err.stack);
  const message = err instanceof z.ZodError ? z.prettifyError(err) : err instanceof Error ? err.message : String(err);
  log(`agent failed: ${message.replace(/\s*\n\s*/g, ' ')}`);
  process.exit(1);
}

process.on('uncaughtException', fatal);
const { values, positionals } = parseArgs({ options: { 'state-dir': { type: 'string' } }, allowPositionals: true });
const stateDir = values['state-dir'];
const command = positionals[0] ?? 'run';
if (!stateDir) fatal(new Error('missing --state-dir <dir>'));
if (command === 'run') run(path.resolve(stateDir)).catch(fatal);
else if (command === 'stop') powerOffNode(path.resolve(stateDir)).then(() => process.exit(0), fatal);
else if (command === 'remove') removeNodeWorkloads(path.resolve(stateDir)).then(() => process.exit(0), fatal);
else fatal(new Error(`unknown command "${command}"; use run, stop or remove`));
