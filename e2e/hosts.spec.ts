import { expect, test } from '@playwright/test';
import { signInWithOidc } from './sign-in';

// A lab admin registers the lab's own servers: the portal's public key to install, a form that
// names a wrong field, the servers table, and draining and removing a server.
test('a lab admin sees the SSH public key, registers a server, tests the connection, drains and removes it', async ({ page }) => {
  await signInWithOidc(page, 'labadmin', 'labadmin');
  await page.getByRole('link', { name: 'サーバー' }).click();
  await expect(page).toHaveURL(/\/organization\/hosts/);
  await expect(page.getByTestId('ssh-public-key')).toContainText(/^ssh-ed25519 AAAA\S+ ocs-portal:/);
  await expect(page.getByTestId('ssh-key-fingerprint')).toContainText(/SHA256:[A-Za-z0-9+/]{43}/);

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
