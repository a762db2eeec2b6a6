// How the node agent gets onto an mdx VM. mdx deploys a copy of a template VM and takes nothing to
// run at boot (its deploy has no user data field: mdx-rest-client-python's spec schema allows
// catalog, template_name, packs, gpu, disk_size, network_adapters, shared_key, storage_network and
// service_level). What it does take is shared_key, an SSH public key for the template's login user.
// So the VM is deployed with the organization's SSH key (the one the portal signs in to the
// organization's lab servers with), and once the VM has its IPv4 address the portal runs the
// onpremises provider's install script over SSH, as OCS's own notebooks set mdx VMs up over SSH.
// A new VM's host key cannot be known beforehand and no record holds one, so it is not pinned.
import { setTimeout as sleep } from 'node:timers/promises';
import { openSshSession, SshSessionError, type SshSession } from '@/lib/hosts/ssh-session';
import { EXIT, shellQuote } from '../onpremises/scripts';
import { ProviderError } from '../types';

const SSH_PORT = 22;
/** sshd answers some time after the address shows; a key injected at first boot may lag too. */
const SSH_WAIT_MS = 5 * 60_000;

export interface VmLogin {
  address: string;
  user: string;
  privateKey: string;
}

/** A session on the VM, waiting while its sshd is not up yet or does not know the key yet. */
async function sessionOn(login: VmLogin, pollMs: number): Promise<SshSession> {
  const deadline = Date.now() + SSH_WAIT_MS;
  for (;;) {
    try {
      return await openSshSession({ address: login.address, sshPort: SSH_PORT, sshUser: login.user, hostKeyFingerprint: null }, login.privateKey);
    } catch (e) {
      if (!(e instanceof SshSessionError) || !['unreachable', 'auth_refused'].includes(e.kind)) throw e;
      if (Date.now() > deadline) throw new ProviderError('mdx', e.kind === 'auth_refused' ? 'ssh_refused' : 'ssh_unreachable', `the VM at ${login.address} did not let the portal in over SSH within ${SSH_WAIT_MS / 60_000} minutes: ${e.message}`, true);
      await sleep(pollMs);
    }
  }
}

const EXPLAINED: Record<number, { code: string; retryable: boolean; hint: string }> = {
  [EXIT.noNode]: { code: 'no_nodejs', retryable: false, hint: "the catalog's template needs Node.js 20 or later for the node agent" },
  [EXIT.oldNode]: { code: 'no_nodejs', retryable: false, hint: "the catalog's template needs Node.js 20 or later for the node agent" },
  [EXIT.download]: { code: 'agent_download', retryable: true, hint: "the VM could not download the agent: its segment's ACL must let it reach the portal" },
  [EXIT.checksum]: { code: 'agent_download', retryable: true, hint: 'the agent the VM downloaded did not match its checksum' },
  [EXIT.noPortal]: { code: 'agent_download', retryable: true, hint: "the VM could not reach the portal: its segment's ACL must let it" },
};

/** Runs a script of onpremises/scripts.ts on the VM as its login user: its stdout, or a ProviderError saying why not. */
export async function runOnVm(login: VmLogin, what: string, script: string, pollMs: number): Promise<string> {
  const session = await sessionOn(login, pollMs);
  try {
    const res = await session.exec(`sh -c ${shellQuote(script)}`);
    if (res.code === 0) return res.stdout;
    const known = EXPLAINED[res.code ?? -1];
    const last = (res.stderr || res.stdout).trim().split('\n').slice(-3).join(' | ');
    throw new ProviderError('mdx', known?.code ?? 'command_failed', `VM ${login.address}: ${what} failed (exit ${res.code})${known ? `: ${known.hint}` : ''}: ${last}`, known?.retryable ?? false);
  } finally {
    session.close();
  }
}
