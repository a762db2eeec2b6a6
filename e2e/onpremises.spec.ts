import { existsSync } from 'node:fs';
import Dockerode from 'dockerode';
import { expect, test } from '@playwright/test';
import { E2E } from '../playwright.config';
import { createHostNetwork, type HostNetwork, type NamespaceHost } from '../test/hosts';
import { signInWithOidc } from './sign-in';

// A lab admin builds on the lab's own servers: two real servers (network namespaces with sshd and
// a container engine, on this run's own subnet), registered and checked in the UI, web-hello built
// on them as containers, one node powered off and on, the unit group deleted, nothing left behind.
let network: HostNetwork | undefined;

test.afterAll(async () => {
  await network?.destroy();
});

const agentDir = (host: NamespaceHost) => `${host.dir}/ocs`;

async function onServer(host: NamespaceHost) {
  const docker = new Dockerode({ socketPath: host.containerEngine!.socketPath });
  return { containers: await docker.listContainers({ all: true, filters: { label: ['ocs.node'] } }), files: existsSync(agentDir(host)) };
}

test('a lab admin registers two servers, builds web-hello on them as containers, powers a node off and on, and deletes it leaving nothing', async ({ page, context }) => {
  await signInWithOidc(page, 'labadmin', 'labadmin');
  await page.goto('/organization/hosts');
  const publicKey = (await page.getByTestId('ssh-public-key').textContent())!.trim();
  network = await createHostNetwork({ name: 'ocse2e', subnet: E2E.hostsSubnet });
  const servers = [await network.addHost({ authorizedKeys: [publicKey] }), await network.addHost({ authorizedKeys: [publicKey] })];
  for (const [i, host] of servers.entries()) {
    await host.startContainerEngine();
    const name = `lab-${i + 1}-${Date.now().toString(36)}`;
    await page.getByLabel('名前').fill(name);
    await page.getByLabel('アドレス').fill(host.ip);
    await page.getByLabel('SSH ユーザー').fill(host.user);
    await page.getByLabel('最大ノード数').fill('1');
    await page.getByLabel('ポータルが使うフォルダ').fill(agentDir(host));
    await page.getByRole('button', { name: 'サーバーを登録' }).click();
    const row = page.locator(`[data-testid="host-row"][data-host-name="${name}"]`);
    await row.getByRole('button', { name: '接続テスト' }).click();
    await expect(row.getByTestId('host-check')).toHaveAttribute('data-ok', 'true');
    await expect(row.getByTestId('host-usage')).toHaveText('0 / 1');
  }
  await page.screenshot({ path: 'e2e/output/onpremises-servers.png', fullPage: true });

  await page.goto('/catalog/web-hello');
  await page.getByLabel('プロバイダ', { exact: true }).selectOption('onpremises');
  const name = `lab-web-${Date.now().toString(36)}`;
  await page.getByLabel('ユニットグループ名').fill(name);
  await page.getByLabel('ノード数').fill('2');
  await page.getByRole('button', { name: '構築を開始' }).click();
  await expect(page).toHaveURL(/\/builds\/[0-9a-f-]+$/);
  await expect(page.getByTestId('build-log')).toContainText('its agent dialled home');
  await expect(page.getByTestId('build-log')).toContainText('build succeeded');
  await page.getByRole('link', { name: /ユニットグループを表示/ }).click();

  const rows = page.getByTestId('node-row');
  await expect(page.locator('[data-testid="node-row"][data-node-state="RUNNING"]')).toHaveCount(2);
  const ips = await rows.getByTestId('node-ip').allInnerTexts();
  expect(ips.sort()).toEqual(servers.map((s) => s.ip).sort());
  // Each node is on the unit group's private network and reaches the other one directly.
  await expect(page.getByTestId('node-private-network')).toHaveCount(2);
  for (const cell of await page.getByTestId('node-private-network').all()) {
    await expect(cell).toContainText(/100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.\d+\.\d+/);
    await expect(cell.getByTestId('node-peer-paths')).toHaveText('直接 1');
  }
  await page.screenshot({ path: 'e2e/output/onpremises-unit-group.png', fullPage: true });

  // The application on a server's address, from the link on the page.
  const [appPage] = await Promise.all([context.waitForEvent('page'), page.getByTestId('application-link').first().click()]);
  await expect(appPage.getByRole('heading', { name: 'こんにちは / Hello' })).toBeVisible();
  await appPage.close();

  // Power the first node off and on: its container stops and starts again, its files stay.
  const first = rows.first();
  const firstIp = (await first.getByTestId('node-ip').innerText()).trim();
  await first.getByRole('button', { name: /電源オフ/ }).click();
  await expect(first).toHaveAttribute('data-node-state', 'POWER_OFF');
  await expect(fetch(`http://${firstIp}:8080/`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  await first.getByRole('button', { name: /電源オン/ }).click();
  await expect(first).toHaveAttribute('data-node-state', 'RUNNING');
  expect((await fetch(`http://${firstIp}:8080/`)).status).toBe(200);

  // The node's page: how to log in over SSH, a terminal in the browser, the application's log.
  const groupUrl = page.url();
  await first.getByTestId('node-link').click();
  await expect(page).toHaveURL(/\/nodes\/[0-9a-f-]+$/);
  await expect(page.getByTestId('ssh-host-keys')).toContainText('SHA256:');
  await expect(page.getByTestId('ssh-command')).toContainText(`@${firstIp}`);
  await page.getByRole('button', { name: 'ターミナルを開く' }).click();
  const screen = page.getByTestId('terminal-screen');
  await expect(screen).toContainText(/[$#]/);
  await screen.click();
  await page.keyboard.type('uname -a\n');
  await expect(screen).toContainText('Linux');
  await page.screenshot({ path: 'e2e/output/onpremises-terminal.png', fullPage: true });
  await page.getByRole('button', { name: '閉じる' }).click();
  await page.getByRole('button', { name: '表示' }).click();
  await expect(page.getByTestId('log-text')).toContainText('web-hello listening on');
  await page.goto(groupUrl);

  await page.getByRole('button', { name: '削除', exact: true }).click();
  await page.getByRole('dialog').getByRole('button', { name: '削除する' }).click();
  await expect(page.getByTestId('unit-group-gone')).toBeVisible();
  for (const host of servers) expect(await onServer(host)).toEqual({ containers: [], files: false });
});
