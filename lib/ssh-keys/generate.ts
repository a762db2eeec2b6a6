// Ed25519 key pairs in OpenSSH's format. ssh2's generator writes a public key whose first byte is
// zero as 31 bytes instead of 32 (about 1 pair in 280), which OpenSSH and ssh2 itself then refuse:
// such a pair is drawn again.
// CommonJS: Node's own ESM loader (workers, scripts under tsx) sees only its default export.
import ssh2 from 'ssh2';

export interface SshKeyPair {
  /** One authorized_keys line: `ssh-ed25519 AAAA… comment`. */
  public: string;
  /** OpenSSH's private key file. */
  private: string;
}

/** Whether ssh2 (and so OpenSSH) reads the key, public or private. */
export const readableSshKey = (key: string): boolean => {
  const parsed = ssh2.utils.parseKey(key);
  return !!parsed && !(parsed instanceof Error);
};

export function newSshKeyPair(comment: string): SshKeyPair {
  for (;;) {
    const pair = ssh2.utils.generateKeyPairSync('ed25519', { comment });
    if (readableSshKey(pair.public) && readableSshKey(pair.private)) return pair;
  }
}
