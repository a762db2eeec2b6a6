import ssh2 from 'ssh2';
import { describe, expect, it } from 'vitest';
import { newSshKeyPair } from './generate';

describe('a new SSH key pair', () => {
  // ssh2's own generator gets about 1 pair in 280 wrong: among 2,000 some would be, were they not drawn again.
  it('is always one OpenSSH can read, public and private', () => {
    const unreadable: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const pair = newSshKeyPair('test');
      for (const key of [pair.public, pair.private]) {
        const parsed = ssh2.utils.parseKey(key);
        if (!parsed || parsed instanceof Error) unreadable.push(key);
      }
    }
    expect(unreadable).toEqual([]);
  });

  it('carries its comment and a 32-byte public key', () => {
    const { public: line } = newSshKeyPair('ocs-portal:lab');
    const [type, blob, comment] = line.split(' ');
    expect([type, comment]).toEqual(['ssh-ed25519', 'ocs-portal:lab']);
    // string "ssh-ed25519" (4 + 11 bytes), then string key (4 + 32 bytes).
    expect(Buffer.from(blob!, 'base64').readUInt32BE(15)).toBe(32);
  });
});
