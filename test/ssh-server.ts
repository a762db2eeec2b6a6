// A real OpenSSH server for tests, run as the current user on a loopback address of the test's
// own (127.0.0.0/8 is this machine's alone): the portal's SSH code talks to a real sshd without
// root and without sending anything off the machine. The user it lets in is the one running it.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import net from 'node:net';

const run = promisify(execFile);
const SSHD = '/usr/sbin/sshd';

export interface TestSshServer {
  address: string;
  port: number;
  /** The user sshd lets in: whoever runs the test. */
  user: string;
  /** As `ssh-keygen -lf` prints it: SHA256:… */
  hostKeyFingerprint(): Promise<string>;
  /** A new host key, sshd restarted: "the server's key changed". */
  replaceHostKey(): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
}

function accepting(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, address);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startTestSshServer(opts: { address: string; port: number; authorizedKeys: string[] }): Promise<TestSshServer> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ocs-sshd-'));
  const hostKey = path.join(dir, 'host_ed25519');
  const config = path.join(dir, 'sshd_config');
  await writeFile(path.join(dir, 'authorized_keys'), `${opts.authorizedKeys.join('\n')}\n`, { mode: 0o600 });
  await writeFile(
    config,
    [
      `ListenAddress ${opts.address}:${opts.port}`,
      `HostKey ${hostKey}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'UsePAM no',
      'PasswordAuthentication no',
      'KbdInteractiveAuthentication no',
      'PermitRootLogin prohibit-password',
      // The files live in a temporary folder, not a home directory.
      'StrictModes no',
      'UseDNS no',
      // Sessions run the runner's own dotfiles: where they `pyenv init`, a lock left by a login shell
      // killed mid-rehash (anywhere on the machine) would hold every command 60 s (1 s here).
      'SetEnv PYENV_REHASH_TIMEOUT=1',
      '',
    ].join('\n'),
  );
  const newHostKey = async () => {
    await rm(hostKey, { force: true });
    await rm(`${hostKey}.pub`, { force: true });
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  };
  await newHostKey();

  let sshd: ChildProcess | undefined;
  const start = async () => {
    // sshd refuses to start without its privilege-separation folder (root only needs it).
    if (process.getuid?.() === 0) await run('mkdir', ['-p', '/run/sshd']);
    sshd = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    sshd.stderr!.on('data', (d: Buffer) => (log += d));
    for (let i = 0; !(await accepting(opts.address, opts.port)); i++) {
      if (sshd.exitCode !== null || i > 100) throw new Error(`sshd did not start on ${opts.address}:${opts.port}: ${log.trim()}`);
      await sleep(50);
    }
  };
  const stop = async () => {
    const s = sshd;
    sshd = undefined;
    if (!s || s.exitCode !== null || s.signalCode !== null) return;
    const exited = new Promise((r) => s.once('exit', r));
    s.kill('SIGTERM');
    await exited;
  };
  await start();
  return {
    address: opts.address,
    port: opts.port,
    user: os.userInfo().username,
    hostKeyFingerprint: async () => (await run('ssh-keygen', ['-l', '-f', `${hostKey}.pub`])).stdout.split(/\s+/)[1]!,
    replaceHostKey: async () => {
      await stop();
      await newHostKey();
      await start();
    },
    stop,
    start,
    destroy: async () => {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
