import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { newSshKeyPair } from './generate';
import { parsePublicKey } from './parse-key';

/** As ssh-keygen -l prints the fingerprint of a public key line. */
function sshKeygenFingerprint(line: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ocs-parse-key-'));
  try {
    writeFileSync(path.join(dir, 'key.pub'), `${line}\n`);
    return execFileSync('ssh-keygen', ['-l', '-f', path.join(dir, 'key.pub')], { encoding: 'utf8' }).split(/\s+/)[1]!;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const DSA = 'ssh-dss AAAAB3NzaC1kc3MAAACBAJnpkBXVK/CS0nvMXo8dJbG1ZFgHYV/X1xz9B4QrSkFrgJGL7bDFGfaNua4hX1yhf8M+eoDQgAqC1CKeZ6jgPUJyhOcSsJvcYMSTDr7/Mr2JmkD60fnJ9I9leYLsGMPFHCPnN98yjy7ITb9wNTCQBcMZF+3pmg8KNmJnclHGsxHPAAAAFQCxmr7jgpjNuEbtOTPH6UpDSUuUXwAAAIAZQ7wY6Dhbn5rMpcLSBhn6LLg8Yfje4fYipyghJNcfrX8pBZV8czX5k1wmfboYyXSRluIz1K1ry/ndkIujsK5vytbxcDxdFQF/vHMXS2+9Mg/+U2RSAAUUcyQ7Q8/okEhEGqn6l2+zJMChejWDtqlfWpSTrrPkLUkq++uE0FprKgAAAIEAgjSOcxDfRnwHXFGUsyFvf+wCgHJE+BVrImNM5X6GhyVOZ+UROY4PJ/+eXKXPcpE1KsPkpVhTkkZvcOnXsFIadzHw8SlReB580fIDV++S5xlhkDvDOW3c6HasDPSgSMkac+7IPWa46XwFT1ryrkR7VRv1ghnYGoCjxinVz02jufQ=';

describe('a pasted SSH public key', () => {
  it('is taken without its comment, with the fingerprint ssh-keygen prints', () => {
    const { public: line } = newSshKeyPair('me@laptop');
    const parsed = parsePublicKey(`  ${line}\n`);
    expect(parsed).toEqual({ type: 'ssh-ed25519', publicKey: line.replace(/ me@laptop$/, ''), fingerprint: sshKeygenFingerprint(line), comment: 'me@laptop' });
  });

  it('may be ECDSA, or RSA of 2048 bits or more, but not less', () => {
    expect(parsePublicKey(ssh2.utils.generateKeyPairSync('ecdsa', { bits: 256 }).public)).toMatchObject({ type: 'ecdsa-sha2-nistp256' });
    expect(parsePublicKey(ssh2.utils.generateKeyPairSync('rsa', { bits: 2048 }).public)).toMatchObject({ type: 'ssh-rsa' });
    expect(parsePublicKey(ssh2.utils.generateKeyPairSync('rsa', { bits: 1024 }).public)).toEqual({ problem: expect.stringMatching(/^is an RSA key of 1024 bits: RSA keys must have at least 2048/) });
  });

  it('is refused when it is a private key, of a type OpenSSH no longer takes, not a key, or more than one line', () => {
    const pair = newSshKeyPair('');
    expect(parsePublicKey(pair.private)).toEqual({ problem: expect.stringMatching(/^is a private key/) });
    expect(parsePublicKey(DSA)).toEqual({ problem: expect.stringMatching(/^is of type ssh-dss, which OpenSSH no longer accepts/) });
    expect(parsePublicKey('ssh-ed25519 AAAA')).toEqual({ problem: expect.stringMatching(/^is not an OpenSSH public key/) });
    expect(parsePublicKey(`${pair.public}\n${pair.public}`)).toEqual({ problem: 'must be one line: one key per entry' });
    expect(parsePublicKey(' ')).toEqual({ problem: 'is required' });
  });
});
