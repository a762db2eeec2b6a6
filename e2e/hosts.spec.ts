import { expect, test } from '@playwright/test';
import { freePort } from '../scripts/services/free-port';
import { startTestSshServer } from '../test/ssh-server';
import { signInWithOidc } from './sign-in';

// A lab admin registers the lab's own servers: the portal's public key to install, a form that
// names a wrong field, the servers table, and draining and removing a server.
test('a lab admin sees the SSH public key, registers a server, tests the connection, drains and removes it', async ({ page }) => {
  await signInWithOidc(page, 'labadmin', 'labadmin');
  await page.getByRole('link', { name: 'サーバー' }).click();
  await expect(page).toHaveURL(/\/organization\/hosts/);
  await expect(page.getByTestId('ssh-public-key')).toContainText(/^ssh-ed25519 AAAA\S+ ocs-portal:/);
  await expect(page.getByTestId('ssh-key-fingerprint')).toContainText(/SHA256:[A-Za-z0-9+/]{43}/);

  // An empty form names every missing field at once, and a bad one beside them.
  await page.getByLabel('SSH ポート').fill('70000');
  await page.getByRole('button', { name: 'サーバーを登録' }).click();
  for (const id of ['name', 'address', 'sshUser', 'capacity']) await expect(page.locator(`#host-${id}[aria-invalid="true"]`)).toBeVisible();
  await expect(page.locator('#host-sshPort[aria-invalid="true"]')).toBeVisible();
  await expect(page.getByText('必須です')).toHaveCount(4);

  const name = `lab-server-${Date.now().toString(36)}`;
  await page.getByLabel('名前').fill(name);
  // A loopback address of the test's own where nothing listens: the connection test fails at once, sending nothing off this machine.
  await page.getByLabel('アドレス').fill('127.79.6.2');
  await page.getByLabel('SSH ポート').fill('70000');
  await page.getByLabel('SSH ユーザー').fill('ocs');
  await page.getByLabel('最大ノード数').fill('4');
  await page.getByRole('button', { name: 'サーバーを登録' }).click();
  // The port is named, nothing is registered, and what was typed stays.
  await expect(page.locator('#host-sshPort[aria-invalid="true"]')).toBeVisible();
  await expect(page.locator(`[data-testid="host-row"][data-host-name="${name}"]`)).toHaveCount(0);
  await expect(page.getByLabel('名前')).toHaveValue(name);

  await page.getByLabel('SSH ポート').fill('2222');
  await page.getByRole('button', { name: 'サーバーを登録' }).click();
  const row = page.locator(`[data-testid="host-row"][data-host-name="${name}"]`);
  await expect(row).toContainText('127.79.6.2:2222');
  await expect(row.getByTestId('host-state')).toHaveAttribute('data-state', 'active');
  await expect(row.getByTestId('host-fingerprint')).toContainText('初回接続時に記録');

  await row.getByRole('button', { name: '接続テスト' }).click();
  await expect(row.getByTestId('host-check')).toHaveAttribute('data-ok', 'false');
  await expect(row.getByTestId('host-check')).toContainText('cannot be reached');
  await expect(row.getByTestId('host-state')).toHaveAttribute('data-state', 'unreachable');

  await row.getByRole('button', { name: '受け入れ停止' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '受け入れ停止' }).click();
  await expect(row.getByTestId('host-state')).toHaveAttribute('data-state', 'draining');
  await page.screenshot({ path: 'e2e/output/hosts.png', fullPage: true });

  await row.getByRole('button', { name: '削除' }).click();
  await page.getByRole('dialog').getByRole('button', { name: '削除' }).click();
  await expect(row).toHaveCount(0);
});

// A real server (sshd on a loopback address of this test's own, given the page's public key): the
// connection test pins its host key; a changed key stops it until the admin forgets the old key.
test('the connection test pins the host key, refuses a changed one, and pins anew once the admin forgets it', async ({ page }) => {
  await signInWithOidc(page, 'labadmin', 'labadmin');
  await page.goto('/organization/hosts');
  const publicKey = (await page.getByTestId('ssh-public-key').textContent())!.trim();
  const address = '127.79.7.2';
  const server = await startTestSshServer({ address, port: await freePort(address), authorizedKeys: [publicKey] });
  try {
    const name = `real-server-${Date.now().toString(36)}`;
    await page.getByLabel('名前').fill(name);
    await page.getByLabel('アドレス').fill(address);
    await page.getByLabel('SSH ポート').fill(String(server.port));
    await page.getByLabel('SSH ユーザー').fill(server.user);
    await page.getByLabel('最大ノード数').fill('2');
    await page.getByRole('button', { name: 'サーバーを登録' }).click();
    const row = page.locator(`[data-testid="host-row"][data-host-name="${name}"]`);

    await row.getByRole('button', { name: '接続テスト' }).click();
    await expect(row.getByTestId('host-check')).toHaveAttribute('data-ok', 'true');
    await expect(row.getByTestId('host-check')).toContainText('Linux');
    await expect(row.getByTestId('host-fingerprint')).toHaveText(await server.hostKeyFingerprint());

    await server.replaceHostKey();
    await row.getByRole('button', { name: '接続テスト' }).click();
    await expect(row.getByTestId('host-check')).toHaveAttribute('data-ok', 'false');
    await expect(row.getByTestId('host-check')).toContainText('host key');
    await expect(row.getByTestId('host-state')).toHaveAttribute('data-state', 'unreachable');

    await row.getByRole('button', { name: '記録した鍵を消す' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '記録した鍵を消す' }).click();
    await expect(row.getByTestId('host-fingerprint')).toContainText('初回接続時に記録');
    await row.getByRole('button', { name: '接続テスト' }).click();
    await expect(row.getByTestId('host-check')).toHaveAttribute('data-ok', 'true');
    await expect(row.getByTestId('host-fingerprint')).toHaveText(await server.hostKeyFingerprint());
    await expect(row.getByTestId('host-state')).toHaveAttribute('data-state', 'active');

    await row.getByRole('button', { name: '削除' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '削除' }).click();
    await expect(row).toHaveCount(0);
  } finally {
    await server.destroy();
  }
});
