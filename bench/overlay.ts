// A unit group's private network (WireGuard through the agents) on the two-site test setup
// (test/overlay-sites.ts): TCP throughput and round trips between two hosts of one site straight
// over their own network (the baseline), over the overlay directly, and to a host of the other
// site over the overlay through the relay; and how long a new node takes from its agent reporting
// its interface up (when a build counts it) to being reachable from a peer, directly and relayed.
import { eq } from 'drizzle-orm';
import { setTimeout as sleep } from 'node:timers/promises';
import { db } from '@/lib/db/client';
import { overlayMembers, type Node } from '@/lib/db/schema';
import { leaveOverlay } from '@/lib/overlay/membership';
import { nodeRecords } from '@/test/fixtures';
import { startSites, type SiteNode } from '@/test/overlay-sites';
import { percentile, summarize } from './stats';
import type { Actor } from '@/lib/auth/actor';

const PORT = 7001;
const MEGABYTES = 64;
const ROUND_TRIPS = 300;

// Run inside the hosts with their own node, on every address. T: count what arrives, answer the count. P: echo.
const SERVER = `require('net').createServer((s) => { let mode = null, n = 0;
  s.on('data', (d) => { if (mode === null) { mode = d[0]; d = d.subarray(1); } if (mode === 84) n += d.length; else if (d.length) s.write(d); });
  s.on('end', () => s.end(mode === 84 ? String(n) : undefined)); s.setNoDelay(true); }).listen(${PORT});`;
const THROUGHPUT = `const s = require('net').connect(${PORT}, process.argv[1], async () => { const t = performance.now(); const chunk = Buffer.alloc(65536, 1);
  s.write('T'); for (let i = 0; i < ${MEGABYTES * 16}; i++) if (!s.write(chunk)) await new Promise((r) => s.once('drain', r)); s.end();
  let a = ''; s.on('data', (d) => (a += d)); s.on('end', () => console.log(JSON.stringify({ ms: performance.now() - t, bytes: Number(a) }))); });`;
const ROUND_TRIP = `const s = require('net').connect(${PORT}, process.argv[1], () => { s.setNoDelay(true); s.write('P'); const rtts = []; let t = 0;
  const ping = () => { t = performance.now(); s.write('x'); }; s.on('data', () => { rtts.push(performance.now() - t); if (rtts.length < ${ROUND_TRIPS}) ping(); else { console.log(JSON.stringify(rtts)); s.destroy(); } }); ping(); });`;
// Until a TCP answer (a refusal is one: the packet got there and back) from the address; prints when.
const REACHABLE = `const until = Date.now() + 60000; (function probe() { const s = require('net').connect(9, process.argv[1]);
  const done = (ok) => { s.destroy(); if (ok) { console.log(Date.now()); process.exit(0); } if (Date.now() > until) process.exit(1); setTimeout(probe, 10); };
  s.setTimeout(200, () => done(false)); s.on('connect', () => done(true)); s.on('error', (e) => done(e.code === 'ECONNREFUSED')); })();`;

async function run(from: SiteNode, script: string, address: string): Promise<string> {
  const res = await from.instance.host.exec(['node', '-e', script, address]);
  if (res.code !== 0) throw new Error(`${from.instance.host.name}: ${res.stderr.trim() || `exit ${res.code}`}`);
  return res.stdout.trim();
}

/** When the portal heard the node's interface was up: a build counts the node connected from then. */
async function upAt(record: Node): Promise<number> {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(5)) {
    const [row] = await db().select({ report: overlayMembers.report }).from(overlayMembers).where(eq(overlayMembers.nodeId, record.id));
    if (row?.report?.state === 'up') return Date.now();
  }
  throw new Error(`node ${record.name} did not report its private network up within 60 s`);
}

export async function benchOverlay(org: { organizationId: string; actor: Actor }, rounds: number) {
  const sites = await startSites('ocsbo', ['10.205.5', '10.205.6']);
  try {
    const records = await nodeRecords(3 + 2 * rounds, { provider: 'onpremises', organization: org });
    const [a1, a2, b1] = await Promise.all([sites.boot(records[0]!, sites.a), sites.boot(records[1]!, sites.a), sites.boot(records[2]!, sites.b)]);
    for (const n of [a1!, a2!, b1!]) await n.instance.host.exec(['sh', '-c', `setsid nohup node -e "$1" >/dev/null 2>&1 </dev/null &`, 'server', SERVER]);
    await sleep(500);
    // Paths are found before anything is measured: the first packets wait for a handshake.
    await run(a1!, REACHABLE, a2!.address);
    await run(a1!, REACHABLE, b1!.address);

    const paths = { 'underlay (same site)': a2!.instance.host.ip, 'overlay direct (same site)': a2!.address, 'overlay through the relay (other site)': b1!.address };
    const results: ReturnType<typeof summarize>[] = [];
    const mbps: Record<string, number> = {};
    const rttP50: Record<string, number> = {};
    for (const [name, address] of Object.entries(paths)) {
      const speeds: number[] = [];
      for (let i = 0; i < 3; i++) {
        const { ms, bytes } = JSON.parse(await run(a1!, THROUGHPUT, address)) as { ms: number; bytes: number };
        speeds.push((bytes * 8) / 1e6 / (ms / 1000));
      }
      mbps[name] = percentile(speeds, 50);
      const rtts = JSON.parse(await run(a1!, ROUND_TRIP, address)) as number[];
      rttP50[name] = percentile(rtts, 50);
      results.push(summarize(`TCP round trip, ${name}`, rtts));
      console.log(`[overlay] ${name}: ${mbps[name].toFixed(0)} Mbit/s, round trip p50 ${rttP50[name].toFixed(2)} ms`);
    }

    // A new node, until a peer reaches it: at site A (directly from a1), at site B (through the relay).
    for (const [label, site] of [['directly', sites.a], ['through the relay', sites.b]] as const) {
      const times: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const record = records[3 + times.length + (site === sites.b ? rounds : 0)]!;
        const up = upAt(record);
        const node = await sites.boot(record, site);
        const reached = Number(await run(a1!, REACHABLE, node.address));
        times.push(reached - (await up));
        await sites.remove(node);
        await leaveOverlay(db(), [record.id]);
      }
      results.push(summarize(`new node: interface up → reachable ${label}`, times));
    }
    const ratios = {
      'overlay direct / underlay throughput': mbps['overlay direct (same site)']! / mbps['underlay (same site)']!,
      'overlay relay / underlay throughput': mbps['overlay through the relay (other site)']! / mbps['underlay (same site)']!,
      'overlay direct / underlay round trip p50': rttP50['overlay direct (same site)']! / rttP50['underlay (same site)']!,
      'overlay relay / underlay round trip p50': rttP50['overlay through the relay (other site)']! / rttP50['underlay (same site)']!,
    };
    return { results, mbps, ratios };
  } finally {
    await sites.close();
  }
}
