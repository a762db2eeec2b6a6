// The node's network traffic: the byte counters of the interfaces its traffic enters and leaves
// by. A bridge and its containers' veths, an ifb mirroring a NIC's ingress, a VLAN, a bond's
// members or a WireGuard tunnel carry bytes that a NIC carries as well, so summing every interface
// counted container traffic two or three times, and a container's veth vanishing with it looked
// like a counter reset. Which interfaces count is asked of the kernel (`ip -details -json link`,
// netlink, so right in any network namespace), again only when the interfaces change.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The fields of `ip -details -json link` that tell an interface's kind. */
export interface IpLink {
  ifname: string;
  link_type?: string;
  master?: string;
  linkinfo?: { info_kind?: string; info_slave_kind?: string };
}

export interface Traffic {
  networkReceiveBytes: number;
  networkTransmitBytes: number;
}

/**
 * Whether the node's own traffic passes this interface first-hand: a NIC (no kind), a bond, or a
 * veth outside any bridge (the NIC of a container or network namespace the node is). Loopback and
 * tunnels (link type none) never; nor a bond's members, which their bond counts.
 */
export function carriesNodeTraffic(link: IpLink): boolean {
  if (link.link_type === 'loopback' || link.link_type === 'none') return false;
  if (link.linkinfo?.info_slave_kind === 'bond') return false;
  const kind = link.linkinfo?.info_kind;
  return kind === undefined || kind === 'bond' || (kind === 'veth' && link.master === undefined);
}

/** /proc/net/dev: per interface, received bytes are the first counter and sent bytes the ninth. */
export function interfaceCounters(procNetDev: string): Map<string, { receive: number; transmit: number }> {
  const counters = new Map<string, { receive: number; transmit: number }>();
  for (const line of procNetDev.split('\n').slice(2)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    counters.set(line.slice(0, colon).trim(), { receive: fields[0] ?? 0, transmit: fields[8] ?? 0 });
  }
  return counters;
}

/** The sum over the interfaces `counted` names; every one but loopback when the kinds are unknown. */
export function nodeTraffic(counters: Map<string, { receive: number; transmit: number }>, counted: Set<string> | null): Traffic {
  let networkReceiveBytes = 0;
  let networkTransmitBytes = 0;
  for (const [name, { receive, transmit }] of counters) {
    if (counted ? !counted.has(name) : name === 'lo') continue;
    networkReceiveBytes += receive;
    networkTransmitBytes += transmit;
  }
  return { networkReceiveBytes, networkTransmitBytes };
}

/** Reads the counters; asks which interfaces count when the set of interfaces changed. */
export class NetworkTraffic {
  private names = '';
  private counted: Set<string> | null = null;

  constructor(private readonly log: (message: string) => void) {}

  async read(): Promise<Traffic> {
    const counters = interfaceCounters(await readFile('/proc/net/dev', 'utf8'));
    const names = [...counters.keys()].sort().join(' ');
    if (names !== this.names) {
      this.names = names;
      this.counted = await this.countedInterfaces();
    }
    return nodeTraffic(counters, this.counted);
  }

  private async countedInterfaces(): Promise<Set<string> | null> {
    try {
      const { stdout } = await run('ip', ['-details', '-json', 'link', 'show'], { timeout: 5000 });
      return new Set((JSON.parse(stdout) as IpLink[]).filter(carriesNodeTraffic).map((l) => l.ifname));
    } catch (err) {
      // Without iproute2 the kinds are unknown: every interface but loopback, as before.
      this.log(`metrics: cannot tell the network interfaces' kinds (${(err as Error).message}); counting every one but lo`);
      return null;
    }
  }
}
