// What a member pastes as their SSH public key: one OpenSSH line, checked with ssh2's parser the
// way sshd would take it, and refused with a reason they can act on.
// CommonJS: Node's own ESM loader (workers, scripts under tsx) sees only its default export.
import ssh2 from 'ssh2';
import { blobFingerprint } from '@/lib/hosts/ssh-session';

/** Types OpenSSH accepts by default (ssh-dss is off since OpenSSH 7.0 and gone in 9.8). */
const ACCEPTED_TYPES = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa'] as const;
export const MIN_RSA_BITS = 2048;
/** Longer than any public key of an accepted type (RSA 16384 bits is about 2,800 characters). */
const MAX_LINE = 8192;

export interface ParsedPublicKey {
  type: string;
  /** `<type> <base64>`, without the pasted comment (the portal puts its own). */
  publicKey: string;
  /** SHA256:… as `ssh-keygen -l` prints it. */
  fingerprint: string;
  /** What the pasted line said after the key, a default name. */
  comment: string;
}

/** The bits of an RSA key's modulus, from its blob: string type, mpint e, mpint n. */
function rsaBits(blob: Buffer): number {
  let at = 0;
  const next = () => {
    const length = blob.readUInt32BE(at);
    const field = blob.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    return field;
  };
  next();
  next();
  const modulus = next();
  const first = modulus.findIndex((b) => b !== 0);
  return first < 0 ? 0 : (modulus.length - first) * 8 - Math.clz32(modulus[first]!) + 24;
}

/** The key in `text`, or a message saying why it is refused. */
export function parsePublicKey(text: string): ParsedPublicKey | { problem: string } {
  const line = text.trim();
  if (!line) return { problem: 'is required' };
  if (/PRIVATE KEY/.test(line)) return { problem: 'is a private key: paste the public key (the .pub file, e.g. ~/.ssh/id_ed25519.pub) and keep the private key to yourself' };
  if (line.length > MAX_LINE) return { problem: `must be at most ${MAX_LINE} characters` };
  if (/[\r\n]/.test(line)) return { problem: 'must be one line: one key per entry' };
  const parsed = ssh2.utils.parseKey(line);
  const key = Array.isArray(parsed) ? parsed[0] : parsed;
  if (!key || key instanceof Error) return { problem: `is not an OpenSSH public key ("<type> <base64> [comment]", as in ~/.ssh/id_ed25519.pub); accepted types: ${ACCEPTED_TYPES.join(', ')}` };
  if (key.isPrivateKey()) return { problem: 'is a private key: paste the public key (the .pub file) and keep the private key to yourself' };
  if (!(ACCEPTED_TYPES as readonly string[]).includes(key.type)) return { problem: `is of type ${key.type}, which OpenSSH no longer accepts; accepted types: ${ACCEPTED_TYPES.join(', ')}` };
  const blob = key.getPublicSSH();
  if (key.type === 'ssh-rsa') {
    const bits = rsaBits(blob);
    if (bits < MIN_RSA_BITS) return { problem: `is an RSA key of ${bits} bits: RSA keys must have at least ${MIN_RSA_BITS} (or use ssh-keygen -t ed25519)` };
  }
  return { type: key.type, publicKey: `${key.type} ${blob.toString('base64')}`, fingerprint: blobFingerprint(blob), comment: key.comment };
}
