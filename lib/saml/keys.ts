import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SamlKeyPair {
  keyFile: string;
  certFile: string;
  /** PEM */
  privateKey: string;
  /** PEM, self-signed: SAML trusts a certificate by its presence in metadata, not by a CA. */
  certificate: string;
}

/**
 * A 2048-bit RSA key and a self-signed certificate in `dir` (key.pem, cert.pem), made with the
 * openssl CLI on first use and reused afterwards, so the metadata registered with a federation
 * stays valid across restarts.
 */
export async function ensureSamlKeyPair(dir: string, commonName: string): Promise<SamlKeyPair> {
  const keyFile = path.join(dir, 'key.pem');
  const certFile = path.join(dir, 'cert.pem');
  if (!existsSync(keyFile) || !existsSync(certFile)) {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    // "/" and "=" would be read as the next field of the -subj name.
    const cn = commonName.replace(/[/=\\]/g, ' ');
    await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '3650', '-subj', `/CN=${cn}`, '-keyout', keyFile, '-out', certFile]);
    await chmod(keyFile, 0o600);
  }
  return { keyFile, certFile, privateKey: await readFile(keyFile, 'utf8'), certificate: await readFile(certFile, 'utf8') };
}
