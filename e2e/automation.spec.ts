// Automation against the running portal, as a lab's scripts and notebooks use it: a token issued
// in the browser, the API reference page, then the OCS notebook flow three times — by the
// TypeScript SDK, by the ocs command and by the Python client — with the node agents' processes
// checked against what the API says after each step.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { OcsClient } from '../sdk/src/index';
import { answersHttp, notebookFlowByCli, notebookFlowBySdk, type FlowStep } from '../test/notebook-flow';
import { E2E } from '../playwright.config';
import { signInWithOidc } from './sign-in';

const ROOT = path.resolve(import.meta.dirname, '..');
const nodesDir = path.join(E2E.dataDir, 'nodes');
const baseUrl = `http://localhost:${E2E.port}`;

/** Whether the node's agent runs: a live process started for its folder. */
function agentRunning(nodeName: string): boolean {
  const folder = path.join(nodesDir, nodeName);
  return execFileSync('ps', ['-eo', 'stat=,args='], { encoding: 'utf8' })
    .split('\n')
    .some((line) => !line.trim().startsWith('Z') && line.includes(folder));
}

async function issueToken(page: Page): Promise<string> {
  await page.goto('/organization/tokens');
  await page.getByLabel('メモ').fill('e2e automation');
  await page.getByRole('button', { name: 'トークンを発行', exact: true }).click();
  await expect(page.getByTestId('token-secret')).toBeVisible();
  const secret = (await page.getByTestId('token-secret').textContent())!.trim();
  expect(secret).toMatch(/^ocs_/);
  return secret;
}

test.describe.configure({ timeout: 600_000 });

test('a token, the API reference and the OCS notebook flow by the SDK, the ocs command and the Python client', async ({ page }) => {
  await signInWithOidc(page, 'labadmin', 'labadmin');
  const token = await issueToken(page);

  await page.getByRole('link', { name: 'API', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'API リファレンス' })).toBeVisible();
  await expect(page.locator('#createUnit')).toContainText('/api/v1/unit-groups/{id}/units');
  // In Japanese, as the rest of the portal: the summary and the group it is listed under.
  await expect(page.locator('#createUnit')).toContainText('spec からノードのユニットを加える (create_unit)');
  await expect(page.getByRole('heading', { name: 'ユニットグループ', exact: true })).toBeVisible();
  const document = await page.request.get('/api/v1/openapi.json');
  expect((await document.json()).openapi).toBe('3.1.0');
  const python = await page.request.get('/downloads/ocs_portal.py');
  expect(python.status()).toBe(200);
  expect(await python.text()).toContain('class VcpSDK');

  const client = new OcsClient({ url: baseUrl, token, pollMs: 250 });
  /** After each step: the agent of every live node runs unless it is powered off, no deleted node's does, and what answers is what find_ip_addresses says. */
  const seen = new Map<string, string>();
  const observe = async (s: FlowStep) => {
    const live = (await client.getUnitGroupById(s.unitGroupId)).units.flatMap((u) => u.nodes);
    for (const n of live) seen.set(n.id, n.name);
    // A powered-off node on local is its agent stopped.
    for (const n of live) expect(agentRunning(n.name), `${s.step}: the agent of ${n.name} (${n.state}) runs`).toBe(n.state !== 'POWER_OFF');
    for (const [id, name] of seen) if (!live.some((n) => n.id === id)) expect(agentRunning(name), `${s.step}: the agent of deleted ${name} is gone`).toBe(false);
    for (const ip of s.running) expect(await answersHttp(ip), `${s.step}: ${ip} answers`).toBe(true);
    for (const ip of s.silent) expect(await answersHttp(ip), `${s.step}: ${ip} is silent`).toBe(false);
  };

  await test.step('the TypeScript SDK', () => notebookFlowBySdk(client, `e2e-sdk-${Date.now()}`, observe));

  await test.step('the ocs command', async () => {
    const ocs = async (args: string[]) => {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(ROOT, 'sdk', 'src', 'cli.ts'), ...args, '--json'], {
        cwd: ROOT,
        env: { ...process.env, OCS_URL: baseUrl, OCS_TOKEN: token },
        timeout: 300_000,
      });
      return JSON.parse(stdout) as unknown;
    };
    await notebookFlowByCli(ocs, `e2e-cli-${Date.now()}`, observe);
  });

  await test.step('the Python client', async () => {
    const script = path.join(ROOT, 'clients', 'python', 'notebook_flow.py');
    expect(existsSync(script)).toBe(true);
    const { stdout } = await promisify(execFile)('python3', [script], {
      env: { ...process.env, OCS_URL: baseUrl, OCS_TOKEN: token, OCS_UNIT_GROUP: `e2e-py-${Date.now()}` },
      timeout: 300_000,
    });
    const steps = stdout
      .trim()
      .split('\n')
      .map((line) => (JSON.parse(line) as { step: string }).step);
    expect(steps).toContain('cleanup');
  });

  // Nothing any of the three made still runs.
  for (const name of seen.values()) expect(agentRunning(name)).toBe(false);
});
