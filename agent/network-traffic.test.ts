import { describe, expect, it } from 'vitest';
import { carriesNodeTraffic, interfaceCounters, nodeTraffic, type IpLink } from './network-traffic';

// `ip -details -json link` of a lab server (the fields read): two NICs in a bond, a NIC in a VM
// bridge, podman's bridge with a container's veth, an ifb shaping the bond's ingress, a VLAN on the
// bond, the overlay's WireGuard (wireguard-go: a tun) and a namespace's own veth.
const LINKS: IpLink[] = [
  { ifname: 'lo', link_type: 'loopback' },
  { ifname: 'eno1', link_type: 'ether', master: 'bond0', linkinfo: { info_slave_kind: 'bond' } },
  { ifname: 'eno2', link_type: 'ether', master: 'bond0', linkinfo: { info_slave_kind: 'bond' } },
  { ifname: 'bond0', link_type: 'ether', linkinfo: { info_kind: 'bond' } },
  { ifname: 'bond0.20', link_type: 'ether', linkinfo: { info_kind: 'vlan' } },
  { ifname: 'enp3s0', link_type: 'ether', master: 'br0', linkinfo: { info_slave_kind: 'bridge' } },
  { ifname: 'br0', link_type: 'ether', linkinfo: { info_kind: 'bridge' } },
  { ifname: 'podman0', link_type: 'ether', linkinfo: { info_kind: 'bridge' } },
  { ifname: 'veth7f3a', link_type: 'ether', master: 'podman0', linkinfo: { info_kind: 'veth', info_slave_kind: 'bridge' } },
  { ifname: 'ifb0', link_type: 'ether', linkinfo: { info_kind: 'ifb' } },
  { ifname: 'ocs0', link_type: 'none', linkinfo: { info_kind: 'tun' } },
  { ifname: 'eth9', link_type: 'ether', linkinfo: { info_kind: 'veth' } },
];

const PROC_NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 9000 10 0 0 0 0 0 0 9000 10 0 0 0 0 0 0
  eno1: 1000 1 0 0 0 0 0 0 100 1 0 0 0 0 0 0
  eno2: 2000 1 0 0 0 0 0 0 200 1 0 0 0 0 0 0
 bond0: 3000 2 0 0 0 0 0 0 300 2 0 0 0 0 0 0
bond0.20: 500 1 0 0 0 0 0 0 50 1 0 0 0 0 0 0
enp3s0: 40000 9 0 0 0 0 0 0 4000 9 0 0 0 0 0 0
   br0: 39000 9 0 0 0 0 0 0 3900 9 0 0 0 0 0 0
podman0: 700 3 0 0 0 0 0 0 70 3 0 0 0 0 0 0
veth7f3a: 800 3 0 0 0 0 0 0 80 3 0 0 0 0 0 0
  ifb0: 3000 2 0 0 0 0 0 0 3000 2 0 0 0 0 0 0
  ocs0: 600 4 0 0 0 0 0 0 60 4 0 0 0 0 0 0
  eth9: 5 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0
`;

describe('the node network traffic', () => {
  it('counts the interfaces traffic enters and leaves by: NICs, bonds and a namespace veth', () => {
    expect(LINKS.filter(carriesNodeTraffic).map((l) => l.ifname)).toEqual(['bond0', 'enp3s0', 'eth9']);
  });

  it('reads the received and sent bytes of every interface', () => {
    const counters = interfaceCounters(PROC_NET_DEV);
    expect(counters.size).toBe(12);
    expect(counters.get('bond0.20')).toEqual({ receive: 500, transmit: 50 });
    expect(counters.get('veth7f3a')).toEqual({ receive: 800, transmit: 80 });
  });

  it('sums only those, each byte once', () => {
    const counted = new Set(LINKS.filter(carriesNodeTraffic).map((l) => l.ifname));
    expect(nodeTraffic(interfaceCounters(PROC_NET_DEV), counted)).toEqual({ networkReceiveBytes: 3000 + 40000 + 5, networkTransmitBytes: 300 + 4000 + 7 });
  });

  it('without the kinds (no iproute2), sums every interface but loopback', () => {
    const all = [...interfaceCounters(PROC_NET_DEV)].filter(([name]) => name !== 'lo').reduce((sum, [, c]) => sum + c.receive, 0);
    expect(nodeTraffic(interfaceCounters(PROC_NET_DEV), null).networkReceiveBytes).toBe(all);
  });
});
