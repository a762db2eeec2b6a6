// The overlay relay: carries the WireGuard datagrams of nodes that cannot reach each other
// directly (both behind NAT, or sites with no route between them) between nodes of one unit group.
// It sees only encrypted traffic and needs no database: the portal's tickets prove membership.
// Run one per installation where every node can reach it (UDP OCS_RELAY_PORT, default 51820).
import { relayEnv } from '@/lib/env';
import { startRelay } from '@/lib/overlay/relay-server';
import { relaySecret } from '@/lib/overlay/relay-ticket';
import { exitOnUnhandledErrors } from '@/lib/process-guards';

const tag = `[relay ${process.pid}]`;
exitOnUnhandledErrors(tag);
const config = relayEnv();
const relay = await startRelay({ host: config.OCS_RELAY_HOST, port: config.OCS_RELAY_PORT, secret: relaySecret(config.OCS_SECRET_KEY), log: (m) => console.log(`${tag} ${m}`) });
console.log(`${tag} relaying WireGuard traffic between nodes on udp ${relay.address}:${relay.port}`);
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => {
    void relay.close().then(() => process.exit(0));
  });
