// Issue 12: the paginated lists at scale. 100,000 nodes in 1,000 organizations (100 each, unit
// groups of 10) plus one organization of 10,000 nodes, so an organization's list has a deep page
// too; made with set-based SQL, so setup takes seconds. Times the first page and a page 95% of the
// way through (its cursor found by paging through once, untimed), in process, and over HTTP through
// the production portal when part `api` started it.
import { drizzle } from 'drizzle-orm/node-postgres';
import { eq } from 'drizzle-orm';
import { loadActor, type Actor } from '@/lib/auth/actor';
import { db, pool, type Database } from '@/lib/db/client';
import * as schema from '@/lib/db/schema';
import { DEMO_INSTITUTION, DEMO_STAFF } from '@/lib/db/seed';
import { listNodes } from '@/lib/nodes/list-nodes';
import { issueToken } from '@/lib/tokens/issue-token';
import { listUnitGroups } from '@/lib/unit-groups/queries';
import type { ProductionPortal } from './api';
import { percentile, summarize, timed } from './stats';

/** Issue 12's target for the first and a deep page of every list. */
export const LIST_TARGET_P99_MS = 100;
const ORGANIZATIONS = 1000;
const GROUPS_PER_ORGANIZATION = 10;
const NODES_PER_GROUP = 10;
const BIG_GROUPS = 1000;
const PAGE = 100;
const CALLS = 100;
/** Where the deep page starts, as a share of the pages. */
const DEEP = 0.95;

type Fetch = (cursor: string | undefined) => Promise<string | null>;
export type ListCase = ReturnType<typeof summarize> & { p99: number; met: boolean; page: string; http: boolean };
export interface ListsResult {
  nodes: number;
  organizations: number;
  cases: ListCase[];
  explained: { name: string; plan: string[] };
}

/** 1,000 organizations of 100 nodes and one (numbered 1000) of 10,000; every timestamp distinct, organizations interleaved in time. */
async function seed(prefix: string, ownerId: string): Promise<void> {
  const institution = await db().query.institutions.findFirst({ where: eq(schema.institutions.slug, DEMO_INSTITUTION.slug) });
  const client = await pool().connect();
  try {
    await client.query(
      `insert into organizations (institution_id, name, kind, max_nodes)
       select $1, $2 || '-' || lpad(o::text, 4, '0'), 'lab', 20000 from generate_series(0, $3::int) o`,
      [institution!.id, prefix, ORGANIZATIONS],
    );
    // Every 11th unit group is the big organization's, the rest go round the 1,000 small ones.
    const groups = ORGANIZATIONS * GROUPS_PER_ORGANIZATION + BIG_GROUPS;
    await client.query(
      `with orgs as (select id, right(name, 4)::int as n from organizations where starts_with(name, $1 || '-'))
       insert into unit_groups (organization_id, name, owner_id, state, created_at, updated_at)
       select o.id, 'group-' || g, $2, 'RUNNING', now() - g * interval '1 minute', now() - g * interval '1 minute'
       from generate_series(0, $3::int - 1) g
       join orgs o on o.n = case when g % 11 = 10 then $4::int else (g - g / 11) % $4::int end`,
      [prefix, ownerId, groups, ORGANIZATIONS],
    );
    const ours = `select g.id from unit_groups g join organizations o on o.id = g.organization_id where starts_with(o.name, $1 || '-')`;
    await client.query(
      `insert into units (unit_group_id, name, role, state, provider, flavor, num_nodes, image, created_at, updated_at)
       select g.id, 'web', 'web', 'RUNNING', 'local', 'small', $2, 'ocs/base:1.0', g.created_at, g.created_at
       from unit_groups g where g.id in (${ours})`,
      [prefix, NODES_PER_GROUP],
    );
    await client.query(
      `insert into nodes (unit_id, unit_group_id, node_no, provider, flavor, name, state, ip_address, created_at, updated_at)
       select u.id, u.unit_group_id, n, 'local', 'small', 'ocs-' || u.id || '-' || n, 'RUNNING', '10.0.0.' || n, u.created_at + n * interval '1 millisecond', u.created_at
       from units u cross join generate_series(1, $2::int) n where u.unit_group_id in (${ours})`,
      [prefix, NODES_PER_GROUP],
    );
    // Fresh statistics, as autovacuum would have after such growth: else the planner guesses from an empty table.
    await client.query('analyze organizations, unit_groups, units, nodes');
  } finally {
    client.release();
  }
}

async function memberOf(prefix: string, number: number): Promise<{ organizationId: string; actor: Actor }> {
  const org = await db().query.organizations.findFirst({ where: eq(schema.organizations.name, `${prefix}-${String(number).padStart(4, '0')}`) });
  const [user] = await db().insert(schema.users).values({ email: `${prefix}-${number}@demo-univ.ac.jp`, name: 'Bench lists' }).returning();
  await db().insert(schema.memberships).values({ organizationId: org!.id, userId: user!.id, role: 'owner' });
  return { organizationId: org!.id, actor: (await loadActor(db(), user!.id))! };
}

/** The cursor of the page DEEP of the way through, found by paging through once (not timed). */
async function deepCursor(fetch: Fetch): Promise<{ cursor: string; page: string }> {
  const cursors: string[] = [];
  for (let c = await fetch(undefined); c; c = await fetch(c)) cursors.push(c);
  const pages = cursors.length + 1;
  const page = Math.max(2, Math.ceil(DEEP * pages));
  if (pages < 2) throw new Error('only one page: no deep page to time');
  return { cursor: cursors[page - 2]!, page: `page ${page} of ${pages}` };
}

async function measure(name: string, page: string, http: boolean, fetch: Fetch, cursor?: string): Promise<ListCase> {
  for (let i = 0; i < 5; i++) await fetch(cursor); // warm: connections, plans, caches
  const samples: number[] = [];
  for (let i = 0; i < CALLS; i++) samples.push(await timed(() => fetch(cursor)));
  const p99 = percentile(samples, 99);
  return { ...summarize(name, samples), p99, met: p99 <= LIST_TARGET_P99_MS, page, http };
}

/** EXPLAIN ANALYZE of the statements one call makes: each plan's top line, its sort and scans (which index, if any). */
async function explain(call: (db: Database) => Promise<unknown>): Promise<string[]> {
  const statements: { query: string; params: unknown[] }[] = [];
  const capturing = drizzle(pool(), { schema, casing: 'snake_case', logger: { logQuery: (query, params) => void statements.push({ query, params }) } });
  await call(capturing);
  const lines: string[] = [];
  for (const s of statements) {
    const { rows } = await pool().query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${s.query}`, s.params);
    const plan = rows.map((r) => r['QUERY PLAN']);
    lines.push(plan[0]!, ...plan.slice(1).filter((l) => /Scan|Sort Key/.test(l)).slice(0, 5), ...plan.filter((l) => /^Execution Time/.test(l)));
  }
  return lines;
}

export async function benchLists(portal: ProductionPortal | null): Promise<ListsResult> {
  const prefix = `bench-lists-${process.pid}-${Date.now().toString(36)}`;
  const staffUser = await db().query.users.findFirst({ where: eq(schema.users.email, DEMO_STAFF.email) });
  const staff = (await loadActor(db(), staffUser!.id))!;
  const started = performance.now();
  try {
    await seed(prefix, staff.userId);
    const small = await memberOf(prefix, 0);
    const big = await memberOf(prefix, ORGANIZATIONS);
    const [{ count }] = (await pool().query<{ count: string }>('select count(*) from nodes where deleted_at is null')).rows as [{ count: string }];
    console.log(`lists: ${Number(count).toLocaleString('en')} live nodes in the database (seeded in ${((performance.now() - started) / 1000).toFixed(1)} s)`);

    const nodesOf = (actor: Actor) => async (cursor: string | undefined) => (await listNodes(db(), actor, { limit: PAGE, cursor })).nextCursor;
    const lists: { name: string; fetch: Fetch; deep: boolean; call: (d: Database, cursor?: string) => Promise<unknown> }[] = [
      { name: 'nodes, NII staff (all)', fetch: nodesOf(staff), deep: true, call: (d, cursor) => listNodes(d, staff, { limit: PAGE, cursor }) },
      { name: 'nodes, one organization (100)', fetch: nodesOf(small.actor), deep: false, call: (d, cursor) => listNodes(d, small.actor, { limit: PAGE, cursor }) },
      { name: 'nodes, one organization (10,000)', fetch: nodesOf(big.actor), deep: true, call: (d, cursor) => listNodes(d, big.actor, { limit: PAGE, cursor }) },
      {
        name: 'unit groups, NII staff (all)',
        fetch: async (cursor) => (await listUnitGroups(db(), staff, { limit: PAGE, cursor })).nextCursor,
        deep: true,
        call: (d, cursor) => listUnitGroups(d, staff, { limit: PAGE, cursor }),
      },
    ];
    const cases: ListCase[] = [];
    const deepCursors = new Map<string, string>();
    for (const l of lists) {
      cases.push(await measure(`${l.name}, first page`, 'page 1', false, l.fetch));
      if (!l.deep) continue;
      const deep = await deepCursor(l.fetch);
      deepCursors.set(l.name, deep.cursor);
      cases.push(await measure(`${l.name}, deep page`, deep.page, false, l.fetch, deep.cursor));
    }

    // The big organization's list as a client sees it: token, route handler, JSON, HTTP.
    if (portal) {
      const { secret } = await issueToken(db(), big.actor, big.organizationId, { userId: big.actor.userId, note: 'bench lists (issue 12)', role: 'readonly' });
      const overHttp: Fetch = async (cursor) => {
        const res = await fetch(`${portal.url}/api/v1/nodes?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${secret}` } });
        const body = (await res.json()) as { nextCursor?: string | null };
        if (!res.ok) throw new Error(`GET /api/v1/nodes answered ${res.status}: ${JSON.stringify(body).slice(0, 300)}`);
        return body.nextCursor ?? null;
      };
      const deep = cases.find((c) => c.name === 'nodes, one organization (10,000), deep page')!;
      cases.push(await measure('GET /api/v1/nodes, organization (10,000), first page', 'page 1', true, overHttp));
      cases.push(await measure('GET /api/v1/nodes, organization (10,000), deep page', deep.page, true, overHttp, deepCursors.get('nodes, one organization (10,000)')));
    }

    const slowest = cases.filter((c) => !c.http).reduce((a, b) => (b.p99 > a.p99 ? b : a));
    const list = lists.find((l) => slowest.name.startsWith(l.name))!;
    const plan = await explain((d) => list.call(d, slowest.name.endsWith('deep page') ? deepCursors.get(list.name) : undefined));
    return { nodes: Number(count), organizations: ORGANIZATIONS + 1, cases, explained: { name: slowest.name, plan } };
  } finally {
    // Units and nodes go with their unit groups; memberships and tokens with their organizations.
    const ours = `select id from organizations where starts_with(name, $1 || '-')`;
    await pool().query(`delete from unit_groups where organization_id in (${ours})`, [prefix]);
    await pool().query(`delete from organizations where id in (${ours})`, [prefix]);
    await pool().query(`delete from users where starts_with(email, $1 || '-')`, [prefix]);
  }
}

export function printLists(result: ListsResult): void {
  console.log(`\nLists: ${result.nodes.toLocaleString('en')} live nodes, ${result.organizations.toLocaleString('en')} organizations, pages of ${PAGE}, ${CALLS} calls per case`);
  console.log('list'.padEnd(56) + 'page'.padStart(18) + 'p50 ms'.padStart(9) + 'p99 ms'.padStart(9) + 'max ms'.padStart(9) + '  target');
  for (const c of result.cases) {
    console.log(c.name.padEnd(56) + c.page.padStart(18) + c.p50.toFixed(1).padStart(9) + c.p99.toFixed(1).padStart(9) + c.max.toFixed(1).padStart(9) + `  ${c.met ? 'meets' : 'MISSES'} p99 ≤ ${LIST_TARGET_P99_MS} ms`);
  }
  console.log(`EXPLAIN ANALYZE of the slowest in-process case (${result.explained.name}):`);
  for (const line of result.explained.plan) console.log(`  ${line}`);
}
