// What a node's process-form application is given when it starts: its command, environment and
// files with the placeholders (NODE_PLACEHOLDERS) filled in with what only the node knows, and
// its working folder.
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { z } from 'zod';
import { makeNodeRunDir, nodeRunDir } from './node-config';
import { NODE_PLACEHOLDERS, type processSpecSchema } from './protocol';

/** A process spec as parsed, its defaults filled in. */
export type ProcessSpec = z.output<typeof processSpecSchema>;

export interface NodeIdentity {
  name: string;
  ip: string;
}

export class ProcessContext {
  /** The user the agent, and so every application, runs as. */
  private readonly user = os.userInfo().username;

  constructor(
    private readonly node: NodeIdentity,
    private readonly stateDir: string,
  ) {}

  /** The command's argv, placeholders filled in. */
  argv(spec: ProcessSpec): string[] {
    return spec.command.map((arg) => this.fill(arg, spec));
  }

  /** The environment and working folder the application's process gets, placeholders filled in. */
  environment(spec: ProcessSpec): { env: NodeJS.ProcessEnv; cwd: string } {
    const env: NodeJS.ProcessEnv = { ...process.env, ...Object.fromEntries(Object.entries(spec.env ?? {}).map(([k, v]) => [k, this.fill(v, spec)])), NODE_IP: this.node.ip, NODE_NAME: this.node.name, NODE_DIR: path.resolve(this.stateDir) };
    if (spec.port !== undefined) env.PORT = String(spec.port);
    return { env, cwd: path.resolve(this.stateDir, spec.cwd ?? '.') };
  }

  /**
   * Writes the application's files afresh (a changed spec brings changed files); the folders they
   * need are made, private by default, and the node's run folder when the spec names it: the agent
   * touches nothing outside the node's folder that no application asked for.
   */
  writeFiles(spec: ProcessSpec): void {
    if (JSON.stringify(spec).includes(NODE_PLACEHOLDERS.nodeRunDir)) makeNodeRunDir(this.node.name);
    for (const file of spec.files ?? []) {
      const target = path.join(this.stateDir, file.path);
      mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
      const tmp = `${target}.tmp`;
      writeFileSync(tmp, this.fill(file.content, spec), { mode: file.mode });
      // The mode given at creation is masked by the umask; the spec's mode is what it asked for.
      chmodSync(tmp, file.mode);
      renameSync(tmp, target);
    }
  }

  /** Fills in what only the node knows: its address, the application's port, the node's folders and the user the agent runs as. */
  private fill(text: string, spec: ProcessSpec): string {
    return text
      .replaceAll(NODE_PLACEHOLDERS.nodeIp, this.node.ip)
      .replaceAll(NODE_PLACEHOLDERS.port, spec.port === undefined ? '' : String(spec.port))
      .replaceAll(NODE_PLACEHOLDERS.nodeDir, path.resolve(this.stateDir))
      .replaceAll(NODE_PLACEHOLDERS.nodeRunDir, nodeRunDir(this.node.name))
      .replaceAll(NODE_PLACEHOLDERS.nodeUser, this.user);
  }
}
