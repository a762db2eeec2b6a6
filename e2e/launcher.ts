import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

/** Ports of a second portal started by a test, beside the one the e2e run shares. */
export interface LauncherPorts {
  portal: number;
  idp: number;
  samlIdp: number;
  smtp: number;
  postgres: number;
  redis: number;
}

export interface Launcher {
  baseUrl: string;
  process: ChildProcess;
  /** Everything it printed so far, stdout and stderr. */
  output(): string;
  /** Ctrl-C, as a person stops it; resolves with its exit code. */
  interrupt(): Promise<number | null>;
}

/**
 * Starts `scripts/start.ts` from `repo` as `npm start` does, with its own data folder, ports and
 * loopback range. `env` adds to (or, with undefined, removes from) the inherited environment.
 */
export function startLauncher(repo: string, dataDir: string, ports: LauncherPorts, subnet: string, env: Record<string, string | undefined> = {}): Launcher {
  const merged: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: undefined, REDIS_URL: undefined, NEXTAUTH_URL: undefined, PORT: undefined };
  Object.assign(merged, {
    OCS_IDP_PORT: String(ports.idp),
    OCS_SAML_IDP_PORT: String(ports.samlIdp),
    OCS_SMTP_PORT: String(ports.smtp),
    OCS_PG_PORT: String(ports.postgres),
    OCS_REDIS_PORT: String(ports.redis),
    OCS_LOCAL_SUBNET: subnet,
    OCS_LOCAL_STATE_DIR: path.join(dataDir, 'nodes'),
    ...env,
  });
  for (const [k, v] of Object.entries(merged)) if (v === undefined) delete merged[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts', '--port', String(ports.portal), '--data-dir', dataDir], { cwd: repo, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d));
  child.stderr!.on('data', (d: Buffer) => (output += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    baseUrl: `http://localhost:${ports.portal}`,
    process: child,
    output: () => output,
    interrupt: async () => {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

/** Waits until `url` answers with `status`; returns the last answer's body. */
export async function waitForStatus(url: string, status: number, timeoutMs: number): Promise<unknown> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: string;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
      const body = await res.text();
      if (res.status === status) return body ? JSON.parse(body) : null;
      last = `${res.status} ${body.slice(0, 200)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer ${status} within ${timeoutMs / 1000}s (last: ${last})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
