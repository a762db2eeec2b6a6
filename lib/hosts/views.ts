// An organization's own servers (the onpremises provider) as the API shows them: where the portal
// signs in and how many nodes each takes; the connection test's findings; the organization's SSH
// public key. Never the private key, nor who registered a server.
import { z } from 'zod';
import { ZTimestamp } from '@/lib/api/schemas/common';

export const ZHostView = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    name: z.string(),
    address: z.string().describe('An IPv4 or IPv6 address or a DNS name.'),
    sshPort: z.number().int(),
    sshUser: z.string(),
    hostKeyFingerprint: z.string().nullable().describe('OpenSSH `SHA256:…` of the server\'s host key; null until pinned at the first contact.'),
    capacity: z.number().int().describe('Most nodes the server runs at once.'),
    nodes: z.number().int().describe('Live nodes placed on it.'),
    freeCapacity: z.number().int().describe('How many more nodes it can take.'),
    containerEngine: z.string().nullable().describe('The Docker-compatible engine the server has, as its agents or the connection test last found; null when none.'),
    agentDir: z.string().describe('Where on the server the portal installs its agent and nodes ("~/" is the SSH user\'s home).'),
    state: z.enum(['active', 'draining', 'unreachable']).describe('draining: keeps its nodes but gets no new ones; unreachable: the portal could not reach it.'),
    stateReason: z.string().nullable(),
    lastContactAt: ZTimestamp.nullable(),
    createdAt: ZTimestamp,
    updatedAt: ZTimestamp,
  })
  .meta({ id: 'Host' });

export const ZHostCheck = z
  .object({
    ok: z.boolean(),
    reason: z.string().nullable().describe('What went wrong, for the admin to act on.'),
    fingerprint: z.string().nullable().describe('The host key the server showed (pinned now if nothing was pinned).'),
    system: z.string().nullable().describe('`uname -srm` on the server.'),
    containerEngine: z.string().nullable().describe('Where the server\'s Docker-compatible engine listens, when it has one.'),
  })
  .meta({ id: 'HostCheck' });

export const ZSshPublicKey = z
  .object({
    publicKey: z.string().describe('One OpenSSH line, for the servers\' ~/.ssh/authorized_keys.'),
    fingerprint: z.string().describe('As `ssh-keygen -lf` prints it: SHA256:<base64 without padding>.'),
  })
  .meta({ id: 'SshPublicKey' });

export type HostView = z.input<typeof ZHostView>;
export type HostCheck = z.input<typeof ZHostCheck>;
export type SshPublicKeyView = z.input<typeof ZSshPublicKey>;
