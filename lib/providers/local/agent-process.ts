// Starting, finding and stopping the agent process of a local node. The agent runs detached in
// its own process group; its applications run in groups of their own (agent/node-processes.ts),
// so they outlive a restart of the agent.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import path from 'node:path';
import { agentBundle } from '@/lib/agent-bundle';
import { groupMembers, terminateGroup } from '../../../agent/node-processes';
import { isAlive, listProcesses, readCommandLine } from '../../../agent/process-tree';
import { ProviderError } from '../types';
import type { NodeFolder } from './node-folder';

const STOP_GRACE_MS = 5000;
/** The bundled agent's file name (lib/agent-bundle.ts). */
const AGENT_FILE = /^ocs-agent-.+\.mjs$/;
/** How nodes made before the bundle run their agent: they are still ours to stop and delete. */
const SOURCE_AGENT = path.join('agent', 'main.ts');

/** Variables a node inherits from the portal. Everything else (database URLs, secrets) stays out of nodes. */
const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR'];
const INHERITED_ENV_PATTERN = /^(LC_[A-Z]+|(HTTP|HTTPS|NO)_PROXY|(http|https|no)_proxy)$/;

function agentEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => INHERITED_ENV.includes(key) || INHERITED_ENV_PATTERN.test(key)),
  );
  // Next.js's typings make NODE_ENV mandatory; nodes deliberately do not inherit the portal's.
  return env as NodeJS.ProcessEnv;
}

/** Starts the node's agent detached from this process; returns its pid (= its process group id). */
export async function spawnAgent(folder: NodeFolder): Promise<number> {
  // The bundled agent, run by plain node from the node's own folder, as on any other host.
  const bundle = await agentBundle();
  const out = openSync(folder.logFile, 'a', 0o600);
  let child;
  try {
    child = spawn(process.execPath, [bundle.file, '--state-dir', folder.dir], {
      cwd: folder.dir,
      detached: true,
      stdio: ['ignore', out, out],
      env: agentEnv(),
    });
  } finally {
    closeSync(out);
  }
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  if (child.pid === undefined) {
    const err = await spawnError;
    throw new ProviderError('local', 'spawn_failed', `cannot start the agent of node ${folder.name}: ${err.message}`, true);
  }
  // The agent outlives this process: it must not keep the portal or a worker from exiting.
  child.unref();
  await folder.writePid(child.pid);
  return child.pid;
}

/** True when `pid` is a live agent serving this state folder (and not a process that reused the pid). */
export function isAgentOf(pid: number, stateDir: string): boolean {
  if (!isAlive(pid)) return false;
  const argv = readCommandLine(pid) ?? [];
  const dirArg = argv.indexOf('--state-dir');
  return dirArg >= 0 && argv[dirArg + 1] === stateDir && argv.some((arg) => AGENT_FILE.test(path.basename(arg)) || arg.endsWith(SOURCE_AGENT));
}

/**
 * The pid of the live agent serving `folder`, or null. The pid file is only a hint: a worker
 * killed between starting an agent and recording it leaves the agent running unrecorded (or
 * recorded by itself a moment later), and starting a second one would race it for the node's
 * one-time token. So when the file names no live agent, the process table is searched.
 */
export async function runningAgent(folder: NodeFolder): Promise<number | null> {
  const recorded = await folder.readPid();
  if (recorded !== null && isAgentOf(recorded, folder.dir)) return recorded;
  const found = listProcesses().find((p) => p.state !== 'Z' && isAgentOf(p.pid, folder.dir));
  if (!found) return null;
  await folder.writePid(found.pid);
  return found.pid;
}

/**
 * Stops every process of the node whose agent had pid `pgid`: SIGTERM to the group, SIGKILL if
 * anything is left after a grace period. Resolves once none is left.
 */
export async function stopNodeProcesses(pgid: number, stateDir: string): Promise<void> {
  // A live leader that is not our agent means the pid was reused: our group is long gone.
  // (The kernel never reuses a pid while a group with that id still has members.)
  if (isAlive(pgid) && !isAgentOf(pgid, stateDir)) return;
  if (await terminateGroup(pgid, STOP_GRACE_MS)) return;
  throw new ProviderError(
    'local',
    'stop_failed',
    `processes ${groupMembers(pgid).join(', ')} of ${stateDir} are still alive after SIGKILL`,
    true,
  );
}
