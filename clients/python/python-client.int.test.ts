// The Python client (clients/python/ocs_portal.py, vcpsdk's names) against a real portal: the OCS
// notebook flow (notebook_flow.py) run with python3 over HTTP, on the local provider's real nodes.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { nodes, unitGroups } from '@/lib/db/schema';
import { closeQueue } from '@/lib/jobs/queue';
import { issueToken } from '@/lib/tokens/issue-token';
import { deleteUnitGroup } from '@/lib/unit-groups/delete-unit-group';
import { startApiPortal, type ApiPortal } from '@/test/api-portal';
import { bigUnit, localResourcesOf, organizationWithMember, uniqueName } from '@/test/fixtures';

const run = promisify(execFile);
const FLOW = path.join(import.meta.dirname, 'notebook_flow.py');

let portal: ApiPortal;
const groupNames: string[] = [];

beforeAll(async () => {
  portal = await startApiPortal();
});

afterAll(async () => {
  // Whatever a failed flow left behind goes too.
  for (const name of groupNames) {
    for (const group of await db().select().from(unitGroups).where(eq(unitGroups.name, name))) await deleteUnitGroup(db(), group.id);
  }
  await portal?.close();
  await closeQueue();
  await closeDb();
});

interface Step {
  step: string;
  ipAddresses: string[];
}

describe('the Python client', () => {
  it('runs the OCS notebook flow against the portal and leaves no node behind', async () => {
    const { organizationId, actor } = await organizationWithMember({ maxNodes: 10 });
    const { secret } = await issueToken(db(), actor, organizationId, { userId: actor.userId, note: 'python', role: 'fullaccess' });
    const name = uniqueName('py');
    groupNames.push(name);

    const result = await run('python3', [FLOW], {
      // Only what it needs (no proxy settings that could send 127.x through a proxy).
      env: { NODE_ENV: process.env.NODE_ENV, PATH: process.env.PATH, OCS_URL: portal.url, OCS_TOKEN: secret, OCS_UNIT_GROUP: name, PYTHONDONTWRITEBYTECODE: '1' },
      timeout: 280_000,
      maxBuffer: 1 << 20,
    }).catch((e: { code?: number; stdout?: string; stderr?: string }) => {
      throw new Error(`notebook_flow.py exited ${e.code}:\n${e.stderr}\n${e.stdout}`);
    });

    // Notes: node states the portal was late to settle after a build (shown when the test fails).
    if (result.stderr.trim()) console.warn(result.stderr);
    const steps = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Step);
    expect(steps.map((s) => [s.step, s.ipAddresses.length])).toEqual([
      ['create_ugroup', 0],
      ['get_spec', 0],
      ['create_unit', 2],
      ['find_ip_addresses', 2],
      ['add_nodes', 3],
      ['power_off_nodes', 2],
      ['power_on_nodes', 3],
      ['delete_nodes', 2],
      ['df_nodes', 2],
      ['delete_units', 2],
      ['cleanup', 0],
      ['delete_ugroup', 0],
    ]);
    const at = (step: string) => steps.find((s) => s.step === step)!.ipAddresses;
    expect(at('find_ip_addresses').every((ip) => at('add_nodes').includes(ip))).toBe(true);
    expect(at('power_on_nodes')).toEqual(at('add_nodes'));
    expect(at('df_nodes')).toEqual(at('delete_nodes'));
    expect(at('delete_units')).toEqual(at('delete_nodes'));

    // The unit group is gone, and with it every node: no record left live, nothing on this machine.
    const [group] = await db().select().from(unitGroups).where(eq(unitGroups.name, name));
    expect(group?.state).toBe('DELETED');
    expect(await db().select().from(nodes).where(and(eq(nodes.unitGroupId, group!.id), isNull(nodes.deletedAt)))).toEqual([]);
    expect(await localResourcesOf(group!.id)).toEqual([]);
  }, 300_000);
});

describe('the Python client on a big unit', () => {
  it('reads every node of a unit bigger than the unit group\'s read carries, a page at a time', async () => {
    const organization = await organizationWithMember();
    const { secret } = await issueToken(db(), organization.actor, organization.organizationId, { userId: organization.actor.userId, note: 'python', role: 'readonly' });
    const big = await bigUnit(120, [10, 60], organization);
    const script = 'import json, os, sys; sys.path.insert(0, os.environ["CLIENT_DIR"]); from ocs_portal import VcpSDK\n'
      + 'ugroup = VcpSDK(os.environ["OCS_TOKEN"], os.environ["OCS_URL"]).get_ugroup_by_id(os.environ["UNIT_GROUP_ID"])\n'
      + 'print(json.dumps([n.no for n in ugroup.find_nodes()]))';
    const { stdout } = await run('python3', ['-c', script], {
      env: { NODE_ENV: process.env.NODE_ENV, PATH: process.env.PATH, OCS_URL: portal.url, OCS_TOKEN: secret, UNIT_GROUP_ID: big.unitGroupId, CLIENT_DIR: import.meta.dirname, PYTHONDONTWRITEBYTECODE: '1' },
      timeout: 60_000,
    });
    expect(JSON.parse(stdout)).toEqual(big.liveNodeNos);
    await big.remove();
  });
});

describe('the portal hands the client out', () => {
  it('as a Python file to save, without signing in', async () => {
    const { GET } = await import('@/app/downloads/ocs_portal.py/route');
    const res = await GET();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/x-python');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="ocs_portal.py"');
    const text = await res.text();
    expect(text).toContain('class VcpSDK');
    expect(text).toBe(await readFile(path.join(import.meta.dirname, 'ocs_portal.py'), 'utf8'));
  });
});
