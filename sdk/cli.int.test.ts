// The `ocs` command, as a script runs it, against the portal's real handlers and worker on the
// local provider: the OCS notebook flow by its verbs with --json, checked against the real agent
// processes; its words in Japanese; and the exit codes scripts rely on.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDb, db } from '@/lib/db/client';
import { closeQueue } from '@/lib/jobs/queue';
import { issueToken } from '@/lib/tokens/issue-token';
import { startApiPortal, type ApiPortal } from '@/test/api-portal';
import { localResourcesOf, organizationWithMember, uniqueName } from '@/test/fixtures';
import { answersHttp, notebookFlowByCli, type FlowStep } from '@/test/notebook-flow';

const CLI = path.join(import.meta.dirname, 'src', 'cli.ts');
let portal: ApiPortal;
let token: string;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function ocs(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const result = await promisify(execFile)(process.execPath, ['--import', 'tsx', CLI, ...args], {
    env: { ...process.env, OCS_URL: portal.url, OCS_TOKEN: token, LANG: 'en_US.UTF-8', ...env },
    timeout: 180_000,
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' }),
  );
  return result;
}

async function json<T = unknown>(args: string[]): Promise<T> {
  const run = await ocs([...args, '--json']);
  expect(run.code, `ocs ${args.join(' ')}: ${run.stderr}`).toBe(0);
  return JSON.parse(run.stdout) as T;
}

beforeAll(async () => {
  portal = await startApiPortal();
  const { actor, organizationId } = await organizationWithMember({ maxNodes: 10 });
  ({ secret: token } = await issueToken(db(), actor, organizationId, { userId: actor.userId, note: 'cli', role: 'fullaccess' }));
});

afterAll(async () => {
  await portal?.close();
  await closeQueue();
  await closeDb();
});

interface GroupJson {
  id: string;
  units: { name: string; nodes: { nodeNo: number; state: string; ipAddress: string }[] }[];
}

describe('the ocs command', { timeout: 300_000 }, () => {
  it('runs the OCS notebook flow: what answers is what it says', async () => {
    const steps: string[] = [];
    const name = uniqueName('cli');
    await notebookFlowByCli(json, name, async (s: FlowStep) => {
      steps.push(s.step);
      const live = (await json<GroupJson>(['unit-groups', 'show', name])).units.flatMap((u) => u.nodes);
      expect((await localResourcesOf(s.unitGroupId)).length, `${s.step}: machines`).toBe(live.length);
      for (const ip of s.running) expect(await answersHttp(ip), `${s.step}: ${ip} answers`).toBe(true);
      for (const ip of s.silent) expect(await answersHttp(ip), `${s.step}: ${ip} is silent`).toBe(false);
    });
    expect(steps).toEqual(['create_unit', 'add_nodes', 'power_off_nodes', 'power_on_nodes', 'delete_nodes', 'cleanup']);
    expect((await ocs(['unit-groups', 'show', name])).code).toBe(3);
  });

  it('speaks Japanese in a Japanese locale, and tables for people', async () => {
    const name = uniqueName('cli-ja');
    const made = await ocs(['unit-groups', 'create', name], { LANG: 'ja_JP.UTF-8' });
    expect(made.stdout).toContain('完了しました');
    const list = await ocs(['unit-groups', 'list'], { LANG: 'ja_JP.UTF-8' });
    expect(list.stdout.split('\n')[0]).toMatch(/^名前\s+状態\s+ノード/);
    expect(list.stdout).toContain(name);
    const taken = await ocs(['unit-groups', 'create', name], { LANG: 'ja_JP.UTF-8' });
    expect(taken.code).toBe(3);
    expect(taken.stderr).toContain('拒否されました (INVALID_INPUT)');
    expect(taken.stderr).toContain('name: ');
    await ocs(['unit-groups', 'delete', name]);
  });

  it('exits with codes scripts can rely on', async () => {
    expect((await ocs(['no-such-verb'])).code).toBe(2);
    expect((await ocs(['spec', 'local'], { OCS_TOKEN: '' })).code).toBe(2);
    expect((await ocs(['spec', 'nowhere', 'small'])).code).toBe(3);
    expect((await ocs(['spec', 'local'], { OCS_URL: 'http://127.0.0.1:9' })).code).toBe(6);
    const name = uniqueName('cli-wait');
    await ocs(['unit-groups', 'create', name]);
    const timedOut = await ocs(['units', 'create', name, 'web', '--provider', 'local', '--timeout', '0', '--json']);
    expect(timedOut.code).toBe(5);
    const { error } = JSON.parse(timedOut.stdout) as { error: { buildId: string } };
    const watched = await ocs(['builds', 'watch', error.buildId]);
    expect(watched.code).toBe(0);
    expect(watched.stdout.trim().split('\n').at(-1)).toBe('SUCCEEDED');
    const failed = await ocs(['units', 'create', name, 'bad', '--provider', 'local', '--local-command', 'false']);
    expect(failed.code).toBe(4);
    await ocs(['unit-groups', 'delete', name]);
  });
});
