import { spawn } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEMPLATES_DIR } from '@/lib/catalog/template-files';

// templates/tljh/start-jupyterhub.mjs, run as the node agent runs it: in the node's folder, with
// the environment the template gives it.

const LAUNCHER = path.join(TEMPLATES_DIR, 'tljh', 'start-jupyterhub.mjs');
const scratch: string[] = [];
afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ocs-tljh-'));
  scratch.push(dir);
  return dir;
}

function run(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [LAUNCHER, ...args], { cwd, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const CLASS = { STUDENTS: 'student01,student02', ADMIN_USERS: 'teacher', CLASS_PASSWORD: 'pa"ss\\word' };

describe('start-jupyterhub.mjs', () => {
  it('writes a config for the node: dummy authenticator, simple spawner with --allow-root, all on the node address', async () => {
    const cwd = await tempDir();
    const { code, stdout } = await run(['--ip', '127.77.0.9', '--port', '8000', '--print-config'], CLASS, cwd);
    expect(code).toBe(0);
    for (const line of [
      'c.JupyterHub.ip = "127.77.0.9"',
      'c.JupyterHub.port = 8000',
      'c.JupyterHub.hub_ip = "127.77.0.9"',
      'c.ConfigurableHTTPProxy.api_url = "http://127.77.0.9:8001"',
      'c.JupyterHub.authenticator_class = "dummy"',
      'c.DummyAuthenticator.password = "pa\\"ss\\\\word"',
      'c.Authenticator.allowed_users = {"student01", "student02", "teacher"}',
      'c.Authenticator.admin_users = {"teacher"}',
      'c.JupyterHub.spawner_class = "simple"',
      'c.Spawner.ip = "127.77.0.9"',
      'c.Spawner.args = ["--allow-root"]',
      `c.SimpleLocalProcessSpawner.home_dir_template = ${JSON.stringify(path.join(cwd, 'home', '{username}'))}`,
      `c.JupyterHub.db_url = ${JSON.stringify(`sqlite:///${path.join(cwd, 'jupyterhub.sqlite')}`)}`,
    ])
      expect(stdout).toContain(line);
  });

  it('runs jupyterhub -f with that config, NODE_PATH including /usr/share/nodejs, and passes on its exit code', async () => {
    const cwd = await tempDir();
    const bin = await tempDir();
    // A stand-in for Debian's jupyterhub that records how it was started.
    await writeFile(path.join(bin, 'jupyterhub'), `#!/bin/sh\necho "$@" > "${cwd}/args"\necho "$NODE_PATH" > "${cwd}/node-path"\nexit 3\n`);
    await chmod(path.join(bin, 'jupyterhub'), 0o755);
    const { code } = await run(['--ip', '127.77.0.9'], { ...CLASS, NODE_PATH: '/opt/node_modules', PATH: `${bin}:${process.env.PATH}` }, cwd);
    expect(code).toBe(3);
    expect((await readFile(path.join(cwd, 'args'), 'utf8')).trim()).toBe(`-f ${path.join(cwd, 'jupyterhub_config.py')}`);
    expect((await readFile(path.join(cwd, 'node-path'), 'utf8')).trim()).toBe('/opt/node_modules:/usr/share/nodejs');
    // It holds the class password: readable by the node's user only.
    expect((await stat(path.join(cwd, 'jupyterhub_config.py'))).mode & 0o777).toBe(0o600);
  });

  it('says how to install jupyterhub when it is missing', async () => {
    const cwd = await tempDir();
    const { code, stderr } = await run(['--ip', '127.77.0.9'], { ...CLASS, PATH: cwd }, cwd);
    expect(code).toBe(127);
    expect(stderr).toContain('cannot run jupyterhub');
    expect(stderr).toContain('apt-get install jupyterhub');
  });

  it('refuses bad settings before writing anything', async () => {
    const cwd = await tempDir();
    expect((await run(['--ip', '127.77.0.9'], { ...CLASS, STUDENTS: 'ok,Not_OK' }, cwd)).stderr).toContain('STUDENTS: "Not_OK" is not a valid user name');
    expect((await run(['--ip', '127.77.0.9'], { ...CLASS, CLASS_PASSWORD: 'short' }, cwd)).code).toBe(2);
    expect((await run([], CLASS, cwd)).stderr).toContain('--ip (the node address) is required');
    await expect(stat(path.join(cwd, 'jupyterhub_config.py'))).rejects.toThrow(/ENOENT/);
  });
});
