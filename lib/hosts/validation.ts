import { isIP } from 'node:net';
import { z } from 'zod';
import { ZResourceName } from '@/lib/zod-fields';

// What an admin types about a server. Each field's message names what is accepted.

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** An IPv4 or IPv6 literal (brackets dropped) or a DNS host name (lower-cased); null when it is neither. */
export function normalizeAddress(text: string): string | null {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  if (isIP(bare)) return bare;
  const name = text.toLowerCase();
  const labels = name.split('.');
  if (name.length > 253 || !labels.every((l) => DNS_LABEL.test(l))) return null;
  // All digits at the end reads as a mistyped IPv4 address (192.168.1.300), not a host name.
  return /^\d+$/.test(labels.at(-1)!) ? null : name;
}

const ZAddress = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .transform((text, ctx) => {
    const address = normalizeAddress(text);
    if (address) return address;
    ctx.addIssue({ code: 'custom', message: 'must be an IPv4 or IPv6 address or a DNS host name' });
    return z.NEVER;
  });

/** A missing number is "required"; anything else that is not a number gets the range. */
const numberError = (range: string) => (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : range);

const PORT = 'must be a whole number from 1 to 65535';
const ZSshPort = z.number({ error: numberError(PORT) }).int(PORT).min(1, PORT).max(65535, PORT);

// POSIX: the portable filename characters, not starting with "-"; a digit first would read as a uid.
const ZSshUser = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(32, 'must be at most 32 characters')
  .regex(/^[A-Za-z_][A-Za-z0-9._-]*$/, 'must be a user name: letters, digits, ".", "_" and "-", starting with a letter or "_"');

// As `ssh-keygen -lf` prints it: SHA-256 in base64 without padding. Empty means "not pinned".
const ZFingerprint = z.preprocess(
  (v) => (typeof v === 'string' && !v.trim() ? null : v),
  z
    .string({ error: 'must be an OpenSSH fingerprint (SHA256:…) or null' })
    .trim()
    .regex(/^SHA256:[A-Za-z0-9+/]{43}$/, 'must be an OpenSSH fingerprint: "SHA256:" and 43 base64 characters, as ssh-keygen -lf prints it')
    .nullable(),
);

const CAPACITY = 'must be a whole number from 1 to 1000';
const ZCapacity = z.number({ error: numberError(CAPACITY) }).int(CAPACITY).min(1, CAPACITY).max(1000, CAPACITY);

// A folder the portal may own: absolute or under the SSH user's home ("~/…"), plain characters, no "..".
const AGENT_DIR = 'must be an absolute folder or one under the SSH user\'s home ("~/…"), of letters, digits, ".", "_", "-" and "/", without ".."';
const ZAgentDir = z
  .string({ error: AGENT_DIR })
  .trim()
  .regex(/^(~\/|\/)[A-Za-z0-9._/-]*[A-Za-z0-9._-]$/, AGENT_DIR)
  .refine((dir) => !dir.split('/').includes('..'), AGENT_DIR);

export const ZRegisterHost = z.object({
  name: ZResourceName,
  address: ZAddress,
  sshPort: ZSshPort.default(22),
  sshUser: ZSshUser,
  hostKeyFingerprint: ZFingerprint.default(null),
  capacity: ZCapacity,
  agentDir: ZAgentDir.default('~/.ocs-portal'),
});

/** Any of the fields; a field left out keeps its value, a null fingerprint unpins it. */
export const ZUpdateHost = z.object({
  name: ZResourceName.optional(),
  address: ZAddress.optional(),
  sshPort: ZSshPort.optional(),
  sshUser: ZSshUser.optional(),
  hostKeyFingerprint: ZFingerprint.optional(),
  capacity: ZCapacity.optional(),
  agentDir: ZAgentDir.optional(),
});

export type RegisterHostInput = z.infer<typeof ZRegisterHost>;
export type UpdateHostInput = z.infer<typeof ZUpdateHost>;
