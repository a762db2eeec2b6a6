// For the namespace hosts' own tests: one command over a fresh SSH connection, as a portal would
// run it, with the host key the server showed.
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import type { NamespaceHost } from './host';

export interface SshResult {
  stdout: string;
  code: number | null;
  /** The host key's fingerprint as `ssh-keygen -lf` prints it. */
  hostKey: string;
}

function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Signs in to the host with `privateKey` (any host key accepted), runs `command` and closes the connection. */
export function sshRun(host: NamespaceHost, privateKey: string, command: string): Promise<SshResult> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let hostKey = '';
    let stdout = '';
    const fail = (error: Error) => {
      client.end();
      reject(error);
    };
    client
      .on('ready', () => {
        client.exec(command, (error, stream) => {
          if (error) return fail(error);
          stream.on('data', (d: Buffer) => (stdout += d));
          stream.stderr.resume();
          stream.on('close', (code: number | null) => {
            client.end();
            resolve({ stdout, code, hostKey });
          });
        });
      })
      .on('error', fail)
      .connect({
        host: host.ip,
        port: host.port,
        username: host.user,
        privateKey,
        readyTimeout: 20_000,
        hostVerifier: (key: Buffer) => {
          hostKey = fingerprint(key);
          return true;
        },
      });
  });
}
