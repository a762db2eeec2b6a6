// One SSH session to a lab's server with the organization's key, checking the server's host key
// against the pinned fingerprint. The connection check uses it now; installing the node agent
// over SSH will use it next.
import { createHash } from 'node:crypto';
// CommonJS: Node's own ESM loader (workers, scripts under tsx) sees only its default export.
import ssh2 from 'ssh2';

const READY_TIMEOUT_MS = 10_000;

export interface SshTarget {
  address: string;
  sshPort: number;
  sshUser: string;
  /** The pinned host key (SHA256:…); null on first contact, when the key seen is to be pinned. */
  hostKeyFingerprint: string | null;
}

/** Why a session could not be had, in words an admin can act on. */
export class SshSessionError extends Error {
  constructor(
    message: string,
    /** host_key_changed | auth_refused | unreachable | failed */
    readonly kind: 'host_key_changed' | 'auth_refused' | 'unreachable' | 'failed',
  ) {
    super(message);
    this.name = 'SshSessionError';
  }
}

/** OpenSSH's SHA256 fingerprint of a raw public key blob, as `ssh-keygen -lf` prints it. */
export function blobFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

export interface SshCommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface SshSession {
  /** The host key fingerprint this session saw (the pinned one, or the one to pin). */
  fingerprint: string;
  exec(command: string): Promise<SshCommandResult>;
  close(): void;
}

function explain(e: Error & { code?: string; level?: string }, target: SshTarget): SshSessionError {
  const where = `${target.sshUser}@${target.address}:${target.sshPort}`;
  if (e.level === 'client-authentication')
    return new SshSessionError(`${where} refused the portal's key: add the organization's public key to ~${target.sshUser}/.ssh/authorized_keys there`, 'auth_refused');
  if (['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN'].includes(e.code ?? '') || /Timed out while waiting for handshake/.test(e.message))
    return new SshSessionError(`${where} cannot be reached: ${e.code ?? e.message}`, 'unreachable');
  return new SshSessionError(`${where}: ${e.message}`, 'failed');
}

/** Opens a session, or fails with an SshSessionError that says why (a changed host key among the reasons). */
export function openSshSession(target: SshTarget, privateKey: string): Promise<SshSession> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let seen: string | undefined;
    let mismatch: SshSessionError | undefined;
    client.once('ready', () =>
      resolve({
        fingerprint: seen!,
        exec: (command) =>
          new Promise((done, fail) =>
            client.exec(command, (err, stream) => {
              if (err) return fail(err);
              let stdout = '';
              let stderr = '';
              stream.on('data', (d: Buffer) => (stdout += d));
              stream.stderr.on('data', (d: Buffer) => (stderr += d));
              stream.once('close', (code: number | null) => done({ code, stdout, stderr }));
            }),
          ),
        close: () => client.end(),
      }),
    );
    client.once('error', (e: Error & { code?: string; level?: string }) => {
      client.end();
      reject(mismatch ?? explain(e, target));
    });
    client.connect({
      host: target.address,
      port: target.sshPort,
      username: target.sshUser,
      privateKey,
      readyTimeout: READY_TIMEOUT_MS,
      // The server proves it is the one pinned before the portal's key is offered to it.
      hostVerifier: (key: Buffer) => {
        seen = blobFingerprint(key);
        if (target.hostKeyFingerprint && seen !== target.hostKeyFingerprint) {
          mismatch = new SshSessionError(
            `the host key of ${target.address}:${target.sshPort} changed (pinned ${target.hostKeyFingerprint}, now ${seen}): nothing is done on it until an admin checks the server and updates or clears the pinned fingerprint`,
            'host_key_changed',
          );
          return false;
        }
        return true;
      },
    });
  });
}
