// A host's own OpenSSH server: config, host key and log in the host's folder, run inside the host.
// Run by root it is a normal sshd (privilege separation, any user it is told to let in); run by an
// ordinary user (test/hosts/sandbox.sh) it cannot switch users, so it lets in only that user.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { enterArgs, type HostNamespace } from './netns';
import { accepting, alive, HOST_ENV, kill, run } from './system';

const SSHD = '/usr/sbin/sshd';

/** The user sshd lets in when none is asked for, and checks one that is. */
export function sshUser(requested: string | undefined): string {
  const self = os.userInfo().username;
  const user = requested ?? (process.getuid?.() === 0 ? 'root' : self);
  if (!/^[a-z_][a-z0-9_-]*$/.test(user)) throw new Error(`not a user name: '${user}'`);
  if (process.getuid?.() !== 0 && user !== self) throw new Error(`sshd run by ${self} (not root) can let in only ${self}, not ${user}`);
  return user;
}

export class Sshd {
  #process: ChildProcess | undefined;
  #fingerprint = '';

  constructor(
    private readonly host: {
      name: string;
      ip: string;
      port: number;
      user: string;
      dir: string;
      authorizedKeys: string[];
      /** Set in every session (SetEnv): what a program started over SSH finds of the host. */
      env: Record<string, string>;
      ns: HostNamespace;
    },
  ) {}

  /** The current host key as `ssh-keygen -lf` prints it: 'SHA256:…'. */
  get fingerprint(): string {
    return this.#fingerprint;
  }

  #file(name: string): string {
    return path.join(this.host.dir, name);
  }

  /** Writes the config, authorized_keys and a host key. */
  async configure(): Promise<void> {
    const authorizedKeys = this.host.authorizedKeys.map((k) => k.trim());
    if (authorizedKeys.some((k) => k.includes('\n'))) throw new Error('an authorized key must be one line');
    await writeFile(this.#file('authorized_keys'), authorizedKeys.map((k) => `${k}\n`).join(''), { mode: 0o644 });
    await writeFile(
      this.#file('sshd_config'),
      [
        `ListenAddress ${this.host.ip}:${this.host.port}`,
        `HostKey ${this.#file('ssh_host_ed25519_key')}`,
        `PidFile ${this.#file('sshd.pid')}`,
        `AuthorizedKeysFile ${this.#file('authorized_keys')}`,
        `AllowUsers ${this.host.user}`,
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        // The files live under /tmp, not in a home directory.
        'StrictModes no',
        'UseDNS no',
        // One line: sshd takes the first SetEnv line and ignores the others.
        ...(Object.keys(this.host.env).length ? [`SetEnv ${Object.entries(this.host.env).map(([name, value]) => `${name}=${value}`).join(' ')}`] : []),
        '',
      ].join('\n'),
    );
    // A root sshd refuses to start without its privilege-separation folder.
    if (process.getuid?.() === 0) await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    await this.newHostKey();
  }

  async newHostKey(): Promise<void> {
    const key = this.#file('ssh_host_ed25519_key');
    await rm(key, { force: true });
    await rm(`${key}.pub`, { force: true });
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', this.host.name, '-f', key]);
    // `256 SHA256:… comment (ED25519)`
    this.#fingerprint = (await run('ssh-keygen', ['-l', '-f', `${key}.pub`])).split(/\s+/)[1]!;
  }

  #running(): boolean {
    const sshd = this.#process;
    return !!sshd && sshd.exitCode === null && sshd.signalCode === null;
  }

  /** Starts sshd in the host; resolves once it accepts TCP connections. */
  async start(): Promise<void> {
    if (this.#running()) return;
    const { name, ip, port, dir, ns } = this.host;
    const log = this.#file('sshd.log');
    // Detached (own session, not waited for): it does not go down with the test worker's process
    // group, and destroy() and the leftover cleanup find it by its network namespace anyway.
    const sshd = spawn('nsenter', [...enterArgs(ns, name, dir), SSHD, '-D', '-f', this.#file('sshd_config'), '-E', log], {
      detached: true,
      stdio: 'ignore',
      env: HOST_ENV,
    });
    let spawnError: Error | undefined;
    sshd.once('error', (e) => (spawnError = e));
    sshd.unref();
    this.#process = sshd;
    for (let attempt = 0; !(await accepting(ip, port)); attempt++) {
      const exited = !!spawnError || !this.#running();
      if (exited || attempt > 200) {
        const logText = await readFile(log, 'utf8').catch(() => '');
        if (!exited) kill(sshd.pid!, 'SIGKILL');
        throw new Error(`sshd of ${name} did not start on ${ip}:${port}: ${spawnError?.message ?? logText.trim().split('\n').slice(-5).join(' | ')}`);
      }
      await sleep(50);
    }
  }

  /** Stops the listening sshd; the sessions it forked live on until the host is removed. */
  async stop(): Promise<void> {
    const sshd = this.#process;
    this.#process = undefined;
    if (!sshd?.pid || sshd.exitCode !== null || sshd.signalCode !== null) return;
    const exited = new Promise((resolve) => sshd.once('exit', resolve));
    kill(sshd.pid, 'SIGTERM');
    const stopped = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
    if (!stopped && alive(sshd.pid)) {
      kill(sshd.pid, 'SIGKILL');
      await exited;
    }
  }

  /** Forgets the process (the host's removal kills it with everything else in the namespace). */
  forget(): void {
    this.#process = undefined;
  }
}
