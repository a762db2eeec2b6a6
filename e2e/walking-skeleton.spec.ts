import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { signInWithOidc } from './sign-in';

const nodesDir = path.join(E2E.dataDir, 'nodes');

/** Process groups of the node agents started for the e2e run (each agent leads a group of its own). */
function agentGroups(): Set<string> {
  return new Set(processes().filter((p) => p.args.includes(nodesDir)).map((p) => p.pgid));
}

/** The agents' groups and their applications' (each application leads a group, recorded in apps/<name>.pid). */
function nodeGroups(): Set<string> {
  const groups = agentGroups();
  for (const node of existsSync(nodesDir) ? readdirSync(nodesDir) : []) {
    const apps = path.join(nodesDir, node, 'apps');
    for (const file of existsSync(apps) ? readdirSync(apps).filter((f) => f.endsWith('.pid')) : []) groups.add(readFileSync(path.join(apps, file), 'utf8').split(' ')[0]!);
  }
  return groups;
}

/** Live processes: a zombie (an application whose agent is gone, not yet reaped by init) is dead already. */
function processes(): { pid: string; pgid: string; args: string }[] {
  return execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/))
    .filter((m): m is RegExpMatchArray => m !== null && !m[3]!.startsWith('Z'))
    .map((m) => ({ pid: m[1]!, pgid: m[2]!, args: m[4]! }));
}

/** Every process of those nodes: the agents and the applications they run. */
function nodeProcesses(groups: Set<string>): string[] {
  return processes()
    .filter((p) => groups.has(p.pgid))
    .map((p) => `${p.pid} ${p.args}`);
}

test('a lab admin signs in, builds the web template on local nodes, opens it and tears it down', async ({ page, context }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin/);
  await signInWithOidc(page, 'labadmin', 'labadmin');
  await expect(page.getByRole('heading', { name: 'テンプレートカタログ' })).toBeVisible();

  await page.getByTestId('template-web-hello').getByRole('link', { name: '開く' }).click();
  await expect(page).toHaveURL(/\/catalog\/web-hello$/);
  await expect(page.getByRole('heading', { level: 1, name: 'シンプル Web アプリケーション', exact: true })).toBeVisible();

  // A mistake is caught in the form and nothing is submitted.
  await page.getByLabel('ユニットグループ名').fill('class 2026!');
  await page.getByLabel('ノード数').fill('11');
  await page.getByRole('button', { name: '構築を開始' }).click();
  await expect(page.getByText('英数字・「-」・「_」のみ使えます（先頭は英数字）')).toBeVisible();
  await expect(page.getByText('ノード数: <= 10でなければいけない')).toBeVisible();
  await expect(page).toHaveURL(/\/catalog\/web-hello/);

  const name = `e2e-${Date.now().toString(36)}`;
  await page.getByLabel('ユニットグループ名').fill(name);
  await page.getByLabel('ノード数').fill('2');
  await page.getByRole('button', { name: '構築を開始' }).click();

  // The build page shows steps and log lines as the worker goes.
  await expect(page).toHaveURL(/\/builds\/[0-9a-f-]+$/);
  await expect(page.getByTestId('build-log')).toContainText('submitted web-hello');
  await expect(page.getByTestId('step-create-nodes').locator('[data-state="SUCCEEDED"]')).toBeVisible();
  await expect(page.getByTestId('build-log')).toContainText('build succeeded');

  await page.getByRole('link', { name: /ユニットグループを表示/ }).click();
  await expect(page).toHaveURL(/\/unit-groups\/[0-9a-f-]+$/);
  const rows = page.getByTestId('node-row');
  await expect(rows).toHaveCount(2);
  await expect(page.locator('[data-testid="node-row"][data-node-state="RUNNING"]')).toHaveCount(2);
  await expect(page.getByRole('heading', { name })).toBeVisible();
  // The agents' metrics, a line per node (their first report carries them; the charts refresh every 30 s).
  await expect(page.getByTestId('metrics-node-memory').locator('.recharts-line')).toHaveCount(2, { timeout: 45_000 });
  await expect(page.getByTestId('metrics-app-memory').locator('.recharts-line')).toHaveCount(2);
  await page.screenshot({ path: 'e2e/output/unit-group-running.png', fullPage: true });

  const ips = await rows.getByTestId('node-ip').allInnerTexts();
  expect(new Set(ips).size).toBe(2);
  expect(agentGroups().size).toBe(2);
  // Two agents and the web application each one runs.
  const groups = nodeGroups();
  expect(groups.size).toBe(4);
  expect(nodeProcesses(groups).length).toBeGreaterThanOrEqual(4);

  // The link to the application on a node opens it.
  const [appPage] = await Promise.all([context.waitForEvent('page'), page.getByTestId('application-link').first().click()]);
  await expect(appPage.getByRole('heading', { name: 'こんにちは / Hello' })).toBeVisible();
  await expect(appPage.locator('#address')).toContainText(`${ips[0]}:8080`);
  await appPage.close();

  // Tick node 2 and delete it: the confirmation names exactly that node, and only it goes.
  await page.getByLabel('ノード 2 を選択').check();
  await page.getByRole('button', { name: '選択したノードを削除 (1)' }).click();
  await expect(page.getByRole('dialog')).toContainText(`No. 2 (${ips[1]}, local)`);
  await page.getByRole('dialog').getByRole('button', { name: '削除する' }).click();
  await expect(rows).toHaveCount(1);
  await expect(rows.getByTestId('node-ip')).toHaveText(ips[0]!);
  await expect(fetch(`http://${ips[1]}:8080/`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();

  // The whole unit group off and on again, as one operation with its log.
  await page.getByRole('button', { name: 'すべて電源オフ' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '電源オフにする' }).click();
  await expect(rows).toHaveAttribute('data-node-state', 'POWER_OFF');
  await expect(fetch(`http://${ips[0]}:8080/`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  await page.getByRole('button', { name: 'すべて電源オン' }).click();
  await expect(rows).toHaveAttribute('data-node-state', 'RUNNING');
  expect((await fetch(`http://${ips[0]}:8080/`)).status).toBe(200);

  await page.getByRole('button', { name: '削除', exact: true }).click();
  await expect(page.getByRole('dialog')).toContainText('ユニットグループを削除しますか？');
  await page.getByRole('dialog').getByRole('button', { name: '削除する' }).click();
  await expect(page.getByTestId('unit-group-gone')).toBeVisible();

  // Nothing of those nodes is left on the machine: no process, no listening port.
  expect(nodeProcesses(groups)).toEqual([]);
  expect(agentGroups().size).toBe(0);
  for (const ip of ips) await expect(fetch(`http://${ip}:8080/`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
});

test('the API refuses callers without a session and names the field of a bad payload', async ({ page, request }) => {
  const anonymous = await request.get('/api/v1/unit-groups');
  expect(anonymous.status()).toBe(401);
  expect((await anonymous.json()).error.code).toBe('UNAUTHENTICATED');

  await signInWithOidc(page, 'labadmin', 'labadmin');
  const bad = await page.request.post('/api/v1/builds', { data: { templateSlug: 'web-hello', unitGroupName: 'x', provider: 'local', flavor: 'small', parameters: { nodes: 0 } } });
  expect(bad.status()).toBe(400);
  const body = await bad.json();
  expect(body.error.code).toBe('INVALID_INPUT');
  expect(body.error.details.fields).toHaveProperty(['parameters.nodes']);
  // Scripts get JSON, never the portal's HTML: an unknown path is a JSON 404, a missing method a 405.
  const unknown = await page.request.get('/api/v1/anything-unknown');
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).error.code).toBe('NOT_FOUND');
  const wrongMethod = await page.request.delete('/api/v1/templates');
  expect(wrongMethod.status()).toBe(405);
  expect(wrongMethod.headers()['content-type'] ?? '').not.toContain('text/html');
  const templates = await page.request.get('/api/v1/templates');
  expect(templates.status()).toBe(200);
  expect((await templates.json()).templates.map((t: { slug: string }) => t.slug)).toContain('web-hello');
});
