// A unit group's private network across two sites that cannot reach each other, as two campuses
// behind NAT (test/overlay-sites.ts): site A on 10.203.18.0/24 and site B on 10.203.19.0/24, where
// every host reaches only the portal's address and its own site. The agents set up WireGuard, reach
// the peers of their own site directly and those of the other site through the relay beside the portal.
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interfaceNameFor } from '@/agent/overlay/wireguard';
import { closeDb, db } from '@/lib/db/client';
import { nodes, overlayMembers } from '@/lib/db/schema';
import { releaseNode } from '@/lib/nodes/release-node';
import { nodeRecords, until } from '@/test/fixtures';
import { startSites, type SiteNode, type Sites } from '@/test/overlay-sites';

const ECHO_PORT = 7000;
let sites: Sites;
let members: SiteNode[];
let stranger: SiteNode;

/** Boots the node on `site` with a server on its overlay address that answers with the node's name. */
async function boot(record: SiteNode['record'], site: Sites['a']): Promise<SiteNode> {
  const node = await sites.boot(record, site);
  const server = `require('net').createServer((s) => s.end(${JSON.stringify(record.name)})).listen(${ECHO_PORT}, process.argv[1])`;
  await node.instance.host.exec(['sh', '-c', `setsid nohup node -e "$1" "$2" >/dev/null 2>&1 </dev/null &`, 'echo', server, node.address]);
  return node;
}

/** What `to` answers when `from` connects to its overlay address, or the error. */
async function ask(from: SiteNode, to: SiteNode): Promise<string> {
  const client = `const s = require('net').connect(${ECHO_PORT}, process.argv[1]); let d = ''; s.on('data', (c) => (d += c)); s.on('end', () => console.log(d)); s.on('error', (e) => console.log('error ' + e.code)); s.setTimeout(3000, () => { console.log('error timeout'); s.destroy(); });`;
  return (await from.instance.host.exec(['node', '-e', client, to.address])).stdout.trim();
}

const peersOf = async (m: SiteNode) => (await m.instance.host.exec(['wg', 'show', interfaceNameFor(m.record.name), 'peers'])).stdout.split('\n').filter(Boolean);
const publicKeyOf = async (m: SiteNode) => (await db().select({ key: overlayMembers.publicKey }).from(overlayMembers).where(eq(overlayMembers.nodeId, m.record.id)))[0]?.key;

beforeAll(async () => {
  sites = await startSites('ocsov', ['10.203.18', '10.203.19']);
  const records = await nodeRecords(4, { provider: 'onpremises' });
  members = await Promise.all(records.map((r, i) => boot(r, i < 2 ? sites.a : sites.b)));
  const [other] = await nodeRecords(1, { provider: 'onpremises' });
  stranger = await boot(other!, sites.a);
}, 180_000);

afterAll(async () => {
  await sites?.close();
  await closeDb();
}, 120_000);

describe('a unit group across two sites', { timeout: 120_000 }, () => {
  it('has no route between the sites but for the portal', async () => {
    const [a1, , b1] = members;
    for (const [from, to] of [[a1!, b1!], [b1!, a1!]] as const) {
      const probe = `require('net').connect(22, process.argv[1]).on('connect', () => console.log('open')).on('error', (e) => console.log(e.code)).setTimeout(2000, function () { console.log('timeout'); this.destroy(); })`;
      expect((await from.instance.host.exec(['node', '-e', probe, to.instance.host.ip])).stdout.trim()).not.toBe('open');
    }
  });

  it('reaches every node from every other on its overlay address, directly within a site and through the relay across', async () => {
    for (const from of members)
      for (const to of members) {
        if (from === to) continue;
        const answer = await until(`${from.instance.host.name} to reach ${to.instance.host.name} at ${to.address}`, async () => {
          const said = await ask(from, to);
          return said === to.record.name && said;
        }, 60_000, 500);
        expect(answer).toBe(to.record.name);
      }
    // Each agent tells the portal which path it found: the next probe round after the traffic.
    const reports = () => db().select({ nodeId: overlayMembers.nodeId, report: overlayMembers.report }).from(overlayMembers).where(eq(overlayMembers.unitGroupId, members[0]!.record.unitGroupId));
    const paths = await until('every agent to report a path to each peer', async () => {
      const rows = await reports();
      return rows.every((r) => r.report?.peers.length === 3 && r.report.peers.every((p) => p.path !== 'none')) && rows;
    }, 20_000, 200);
    const siteOf = new Map(members.map((m, i) => [m.record.id, i < 2 ? 'a' : 'b']));
    for (const { nodeId, report } of paths) {
      expect(report?.state).toBe('up');
      expect(report?.relayRegistered).toBe(true);
      for (const peer of report!.peers) expect(peer.path, `${nodeId} → ${peer.nodeId}`).toBe(siteOf.get(peer.nodeId) === siteOf.get(nodeId) ? 'direct' : 'relay');
    }
  });

  it('keeps a node of another unit group out', async () => {
    expect(await ask(stranger, members[0]!)).toMatch(/^error/);
    const strangerKey = await publicKeyOf(stranger);
    for (const m of members) expect(await peersOf(m)).not.toContain(strangerKey);
  });

  it('drops a removed node from every peer, and leaves nothing of its network on its host', async () => {
    const leaving = members[3]!;
    const key = await publicKeyOf(leaving);
    // As a provider deletes a node: its machine first (here the agent's own removal), then its record.
    const removed = await leaving.instance.host.exec(['sh', '-c', 'node "$(cat "$1/agent-file")" remove --state-dir "$1"', 'remove', leaving.folder]);
    expect(removed.code, removed.stderr).toBe(0);
    const [row] = await db().select().from(nodes).where(and(eq(nodes.id, leaving.record.id), isNull(nodes.deletedAt)));
    await releaseNode(db(), row!);
    for (const m of members.slice(0, 3)) await until(`${m.record.name} to drop the removed peer`, async () => !(await peersOf(m)).includes(key!), 20_000, 200);
    const links = await leaving.instance.host.exec(['ip', '-o', 'link']);
    expect(links.stdout).not.toContain(interfaceNameFor(leaving.record.name));
    const wireguardGo = await leaving.instance.host.exec(['sh', '-c', `ps -eo args | grep -c "^wireguard-go ${interfaceNameFor(leaving.record.name)}" || true`]);
    expect(wireguardGo.stdout.trim()).toBe('0');
    // The others still reach each other.
    expect(await ask(members[0]!, members[2]!)).toBe(members[2]!.record.name);
  });
});
